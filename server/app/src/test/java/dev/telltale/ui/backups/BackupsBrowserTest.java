package dev.telltale.ui.backups;

import dev.telltale.testing.Browser;
import dev.telltale.testing.RunningAppliance;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.server.SshServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Backups in a real Chromium against a real SFTP server (MINA SSHD in this JVM): an Admin sets
 * the SFTP target with its host key fingerprint and password (a bad fingerprint is marked next
 * to its field), tries it, backs up now and exports the backup, which arrives on the server
 * with its checksum. The password never reaches the browser again.
 */
class BackupsBrowserTest {
    private static final String PASSWORD = "sftp-pass-Browser-7";
    @TempDir
    static Path tmp;
    static SshServer sshd;
    static String fingerprint;
    static RunningAppliance app;

    @BeforeAll
    static void start() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("sftp-root"));
        Files.createDirectories(root.resolve("appliance-1"));
        var sftp = dev.telltale.testing.SftpServers.start(root, tmp.resolve("hostkey.ser"),
                (user, password, session) -> user.equals("telltale") && password.equals(PASSWORD),
                java.util.Optional.empty());
        sshd = sftp.server();
        fingerprint = sftp.fingerprint();
        app = RunningAppliance.start(tmp.resolve("data"), "");
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        if (sshd != null) {
            sshd.stop(true);
        }
    }

    @Test
    void anAdminSetsAnSftpTargetTriesItBacksUpAndExports() throws Exception {
        try (Stream<Path> old = Files.list(tmp.resolve("sftp-root/appliance-1"))) {
            for (Path p : old.toList()) {
                Files.delete(p);
            }
        }
        try (Browser b = Browser.open(app, 1280)) {
            b.signIn("admin", RunningAppliance.ADMIN_PASSWORD);
            b.go("/admin/backups");
            b.find("#target_type_none").click();
            b.submit("#save-settings");
            assertEquals("None", b.text("#target"));
            assertTrue(b.all("#test-target").isEmpty(), "nothing to test without a target");

            b.find("#target_type_sftp").click();
            b.type("target_host", "127.0.0.1").type("target_port", String.valueOf(sshd.getPort()))
                    .type("target_user", "telltale").type("target_remote_dir", "appliance-1")
                    .type("target_host_key", "ab:cd:ef").type("target_password", PASSWORD)
                    .type("schedule_interval", "P1D").type("schedule_at", "02:30");
            b.submit("#save-settings");
            assertTrue(b.text("#target_host_key-error").contains("fingerprint as OpenSSH prints it"),
                    b.text("#target_host_key-error"));
            assertTrue(b.find("#target_host_key").findElement(org.openqa.selenium.By.xpath(".."))
                    .getAttribute("class").contains("invalid"));
            assertEquals("127.0.0.1", b.find("#target_host").getAttribute("value"), "what was typed stays");
            assertEquals("", b.find("#target_password").getAttribute("value"));
            assertFalse(b.driver().getPageSource().contains(PASSWORD));

            b.type("target_host_key", fingerprint).type("target_password", PASSWORD);
            b.submit("#save-settings");
            assertEquals("Backup settings saved.", b.text("#notice"));
            assertEquals("every P1D from 02:30 UTC", b.text("#schedule"));
            assertEquals("sftp://telltale@127.0.0.1:" + sshd.getPort() + "/appliance-1", b.text("#target"));
            assertEquals("Password: set (encrypted; never shown).", b.text("#target_password-hint"));
            assertEquals("", b.find("#target_password").getAttribute("value"));
            assertFalse(b.driver().getPageSource().contains(PASSWORD), "the password never goes back to the browser");
            assertTrue(b.find("#target_type_sftp").isSelected());
            assertEquals(fingerprint, b.find("#target_host_key").getAttribute("value"));

            b.submit("#test-target");
            assertTrue(b.text("#notice").startsWith("The target works: connected to 127.0.0.1"), b.text("#notice"));

            b.submit("#backup-now");
            assertTrue(b.text("#notice").matches("Backup \\S+-manual is complete\\."), b.text("#notice"));
            String id = b.find("tr[data-backup] a").getText();
            b.submit("tr[data-backup='" + id + "'] button.export");
            String archive = "telltale-backup-" + id + ".zip";
            assertEquals("Exported " + archive + " to sftp://telltale@127.0.0.1:" + sshd.getPort() + "/appliance-1.",
                    b.text("#notice"));
            b.screenshot("admin-backups-settings");
        }
        Path arrived = tmp.resolve("sftp-root/appliance-1");
        try (Stream<Path> s = Files.list(arrived)) {
            List<String> names = s.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(2, names.size(), names.toString());
            assertTrue(names.get(0).startsWith("telltale-backup-") && names.get(0).endsWith(".zip"), names.toString());
            assertEquals(names.get(0) + ".sha256", names.get(1));
        }
    }

    @Test
    void aFailingExportIsShownOnThePage() throws Exception {
        try (Browser b = Browser.open(app, 1280)) {
            b.signIn("admin", RunningAppliance.ADMIN_PASSWORD);
            app.appliance().backups().backupNow("manual", "test");
            b.go("/admin/backups");
            b.find("#target_type_sftp").click();
            b.type("target_host", "127.0.0.1").type("target_port", String.valueOf(sshd.getPort()))
                    .type("target_user", "telltale").type("target_remote_dir", "appliance-1")
                    .type("target_host_key", "SHA256:" + "B".repeat(43)).type("target_password", PASSWORD);
            b.submit("#save-settings");
            assertEquals("Backup settings saved.", b.text("#notice"));
            b.submit("#test-target");
            assertTrue(b.text("#notice").startsWith("The target does not work: the SFTP server 127.0.0.1 presented host key "
                    + fingerprint), b.text("#notice"));
            b.submit("tr[data-backup] button.export");
            assertTrue(b.text("#notice").startsWith("The export failed: ") && b.text("#notice").contains("presented host key "
                    + fingerprint + ", not the pinned"), b.text("#notice"));
            assertFalse(b.driver().getPageSource().contains(PASSWORD));
        }
    }
}
