package dev.telltale.backup;

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
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Export to a real SFTP server (MINA SSHD in this JVM, with its own host key): the archive
 * arrives with its checksum and restores; a host key other than the pinned one and a wrong
 * password are refused with messages that say so and show no secret.
 */
class SftpExportTest {
    private static final String PASSWORD = "s3cret-sftp-pass";
    @TempDir
    static Path tmp;
    static SshServer sshd;
    static String fingerprint;
    static RunningAppliance app;

    @BeforeAll
    static void start() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("sftp-root"));
        Files.createDirectories(root.resolve("backups"));
        var sftp = dev.telltale.testing.SftpServers.start(root, tmp.resolve("hostkey.ser"),
                (user, password, session) -> user.equals("backup") && password.equals(PASSWORD),
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

    private static BackupConfig.SftpTarget target(String fp, String password) {
        return new BackupConfig.SftpTarget("127.0.0.1", sshd.getPort(), "backup", "backups", fp, Optional.of(password),
                Optional.empty());
    }

    @Test
    void exportsToThePinnedServerAndTheArchiveRestores() throws Exception {
        BackupInfo b = app.appliance().backups().backupNow("manual", "test");
        String name = Targets.send(target(fingerprint, PASSWORD), b, 5, tmp);
        Path arrived = tmp.resolve("sftp-root/backups").resolve(name);
        assertTrue(Files.isRegularFile(arrived));
        assertTrue(Files.isRegularFile(arrived.resolveSibling(name + ".sha256")));
        try (Stream<Path> s = Files.list(arrived.getParent())) {
            assertTrue(s.noneMatch(p -> p.toString().endsWith(".partial")));
        }
        Path fresh = tmp.resolve("fresh");
        assertEquals(b.id(), ArchiveRestore.restore(arrived, fresh, false));
        assertTrue(Files.isDirectory(fresh.resolve("derby")));
        assertTrue(Files.isRegularFile(fresh.resolve("tls/ca.key")));
    }

    @Test
    void anotherHostKeyIsRefused() {
        BackupInfo b = app.appliance().backups().backupNow("manual", "test");
        String wrong = "SHA256:" + "A".repeat(43);
        BackupException e = assertThrows(BackupException.class, () -> Targets.send(target(wrong, PASSWORD), b, 5, tmp));
        assertTrue(e.getMessage().contains("presented host key " + fingerprint) && e.getMessage().contains("not the pinned"),
                e.getMessage());
        assertFalse(e.getMessage().contains(PASSWORD));
    }

    @Test
    void aWrongPasswordIsRefused() {
        BackupInfo b = app.appliance().backups().backupNow("manual", "test");
        BackupException e = assertThrows(BackupException.class,
                () -> Targets.send(target(fingerprint, "not-the-password"), b, 5, tmp));
        assertTrue(e.getMessage().contains("refused the login of user 'backup'"), e.getMessage());
        assertFalse(e.getMessage().contains("not-the-password"));
    }

    @Test
    void theConfigurationPinsAFingerprintInOpenSshForm() {
        var bad = assertThrows(dev.telltale.config.ConfigException.class, () -> BackupConfig.from(
                io.helidon.config.Config.just(io.helidon.config.ConfigSources.create(java.util.Map.of(
                        "target.type", "sftp", "target.host", "h", "target.user", "u", "target.password", "p",
                        "target.host-key", "ab:cd:ef")))
                        .get(""), Optional.empty()));
        assertTrue(bad.getMessage().contains("host-key"), bad.getMessage());
    }
}
