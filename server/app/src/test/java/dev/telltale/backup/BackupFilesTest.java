package dev.telltale.backup;

import dev.telltale.testing.RunningAppliance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Backups on disk: retention, a leftover {@code .partial} cleaned at start, private modes,
 * {@link BackupLayout#restore} run twice from one backup, export to a directory and the
 * refusals of a restore (checksum, unsafe paths, newer schema, existing database).
 */
class BackupFilesTest {
    @TempDir
    static Path tmp;
    static RunningAppliance app;
    static Path exports;

    @BeforeAll
    static void start() throws Exception {
        exports = tmp.resolve("exports");
        app = RunningAppliance.start(tmp.resolve("data"), config());
    }

    private static String config() {
        return """
                telltale:
                  backup:
                    keep: 2
                    keep-remote: 2
                    target:
                      type: directory
                      path: %s
                """.formatted(exports);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    private static Backups backups() {
        return app.appliance().backups();
    }

    @Test
    void keepsTheNewestAndPrivateModes() throws Exception {
        BackupInfo a = backups().backupNow("manual", "test");
        BackupInfo b = backups().backupNow("manual", "test");
        BackupInfo c = backups().backupNow("pre-upgrade 0.2.0", "test");
        assertTrue(c.id().endsWith("-pre-upgrade-0.2.0"), c.id());
        assertEquals(List.of(c.id(), b.id()), backups().list().stream().map(BackupInfo::id).toList());
        assertFalse(Files.exists(a.dir()), "the oldest went");
        assertEquals("rwx------", mode(c.dir()));
        assertEquals("rwx------", mode(c.dir().getParent()));
        assertEquals("rw-------", mode(c.dir().resolve("data/tls/ca.key")));
        try (Stream<Path> s = Files.list(c.dir().resolve("data/secrets"))) {
            for (Path key : s.toList()) {
                assertEquals("rw-------", mode(key), key.toString());
            }
        }
        assertTrue(Files.isRegularFile(c.dir().resolve("etc/test-config.yaml")), "the --config file is in etc/");
        String manifest = Files.readString(c.dir().resolve("backup.json"));
        assertTrue(manifest.contains("\"complete\" : true") && manifest.contains("\"schema\""), manifest);
        for (String entry : List.of("derby", "events", "journal", "tls", "secrets")) {
            assertTrue(Files.exists(c.dir().resolve("data").resolve(entry)), entry);
        }
        assertFalse(Files.exists(c.dir().resolve("data/logs")));
        assertFalse(Files.exists(c.dir().resolve("data/backups")));
    }

    @Test
    void aLeftoverPartialIsDeletedAtStart() throws Exception {
        Path partial = Files.createDirectories(tmp.resolve("data/backups/20260101T000000Z-manual.partial/data"));
        Files.writeString(partial.resolve("x"), "torn");
        app.close();
        app = RunningAppliance.start(tmp.resolve("data"), config());
        assertFalse(Files.exists(partial.getParent()));
        assertTrue(backups().list().stream().noneMatch(b -> b.id().startsWith("20260101")));
    }

    @Test
    void layoutRestoreTwiceLeavesTheBackupIntact() throws Exception {
        BackupInfo b = backups().backupNow("manual", "test");
        Map<String, Long> before = tree(b.dir());
        Path target = tmp.resolve("restored");
        Files.createDirectories(target.resolve("logs"));
        Files.writeString(target.resolve("logs/keep.log"), "not touched");
        Files.createDirectories(target.resolve("tls"));
        Files.writeString(target.resolve("tls/stale.pem"), "replaced");
        BackupLayout.restore(b.dir(), target);
        BackupLayout.restore(b.dir(), target);
        assertEquals(before, tree(b.dir()), "the backup is unchanged");
        assertEquals(tree(b.dir().resolve("data")), tree(target, "logs", "restore"), "the data directory holds the backup's copy");
        assertEquals("not touched", Files.readString(target.resolve("logs/keep.log")));
        assertFalse(Files.exists(target.resolve("tls/stale.pem")));
        assertEquals("rw-------", mode(target.resolve("tls/ca.key")));
        try (Stream<Path> s = Files.list(target.resolve("restore"))) {
            assertEquals(List.of(), s.toList(), "nothing left aside");
        }
    }

    @Test
    void anInterruptedRestoreFinishesWhenRunAgain() throws Exception {
        BackupInfo b = backups().backupNow("manual", "test");
        Path target = tmp.resolve("interrupted");
        Files.createDirectories(target.resolve("tls"));
        Files.writeString(target.resolve("tls/old.pem"), "old");
        // As if the first run died after moving tls aside and copying half of secrets in.
        Path restore = Files.createDirectories(target.resolve("restore"));
        Files.writeString(restore.resolve("in-progress"), "20260101T000000Z");
        Files.createDirectories(restore.resolve("old-20260101T000000Z"));
        Files.move(target.resolve("tls"), restore.resolve("old-20260101T000000Z/tls"));
        Files.createDirectories(restore.resolve("new-20260101T000000Z/secrets"));
        Files.writeString(restore.resolve("new-20260101T000000Z/secrets/half"), "torn");
        BackupLayout.restore(b.dir(), target);
        assertEquals(tree(b.dir().resolve("data")), tree(target, "logs", "restore"));
        try (Stream<Path> s = Files.list(restore)) {
            assertEquals(List.of(), s.toList());
        }
    }

    @Test
    void exportsToADirectoryAndRefusesBadArchives() throws Exception {
        BackupInfo b = backups().backupNow("manual", "test");
        String name = backups().export(b.id(), "test");
        Path archive = exports.resolve(name);
        assertTrue(Files.isRegularFile(archive));
        assertTrue(Files.readString(exports.resolve(name + ".sha256")).endsWith("  " + name + "\n"));

        // The running appliance's own data directory has a database: refused without --force.
        BackupException exists = assertThrows(BackupException.class,
                () -> ArchiveRestore.restore(archive, app.dataDir(), false));
        assertTrue(exists.getMessage().contains("--force"), exists.getMessage());

        Path tampered = copyWithSum(archive, tmp.resolve("tampered/" + name));
        byte[] bytes = Files.readAllBytes(tampered);
        bytes[bytes.length / 2] ^= 1;
        Files.write(tampered, bytes);
        assertRefused(tampered, "does not match its SHA-256");

        Path escaping = rezip(archive, tmp.resolve("escaping/" + name), Map.of("data/../../evil", "x"));
        assertRefused(escaping, "unsafe path");
        assertFalse(Files.exists(tmp.resolve("evil")));

        String manifest;
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(archive))) {
            ZipEntry e;
            do {
                e = in.getNextEntry();
            } while (!e.getName().equals("backup.json"));
            manifest = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Path newer = rezip(archive, tmp.resolve("newer/" + name),
                Map.of("backup.json", manifest.replaceAll("\"schema\" : \"[0-9.]+\"", "\"schema\" : \"9999\"")));
        assertRefused(newer, "newer than this release");

        // The command an operator runs, in its own JVM: restore, refusal without --force, restore again with it.
        Path viaCli = tmp.resolve("cli");
        assertEquals(0, cli(viaCli, archive).waitFor(), "restored");
        assertTrue(Files.isDirectory(viaCli.resolve("derby")));
        Process again = cli(viaCli, archive);
        assertEquals(1, again.waitFor());
        assertTrue(new String(again.getInputStream().readAllBytes()).contains("add --force"));
        assertEquals(0, cli(viaCli, archive, "--force").waitFor(), "restored over it");

        Path fresh = tmp.resolve("fresh");
        assertEquals(b.id(), ArchiveRestore.restore(archive, fresh, false));
        assertEquals(tree(b.dir().resolve("data")).keySet(), tree(fresh, "logs", "restore").keySet());
        assertTrue(Files.isRegularFile(fresh.resolve("restore/etc-" + b.id() + "/test-config.yaml")));
    }

    @Test
    void anArchiveWhoseIdIsAPathIsRefusedBeforeAnythingIsWritten() throws Exception {
        BackupInfo b = backups().backupNow("manual", "test");
        Path archive = exports.resolve(backups().export(b.id(), "test"));
        String manifest = manifestOf(archive);
        for (String bad : List.of("../../escaped", "..", "a/../../escaped", ".hidden", "x..y", "a b", "x".repeat(129))) {
            String name = "bad-id-" + Integer.toHexString(bad.hashCode()) + ".zip";
            Path crafted = rezip(archive, tmp.resolve("bad-id/" + name), Map.of("backup.json",
                    manifest.replace("\"id\" : \"" + b.id() + "\"", "\"id\" : \"" + bad + "\"")));
            Path target = tmp.resolve("bad-id-target");
            BackupException e = assertThrows(BackupException.class, () -> ArchiveRestore.restore(crafted, target, false));
            assertEquals(BackupException.Reason.INVALID, e.reason(), e.getMessage());
            assertTrue(e.getMessage().contains("unsafe backup id"), e.getMessage());
            assertFalse(Files.exists(target), "nothing unpacked, in the data directory or beside it");
            assertFalse(Files.exists(tmp.resolve("escaped")));
        }
        // Ids the appliance makes itself, whatever the reason, are fine.
        assertTrue(BackupLayout.validId(backups().backupNow("before upgrade to ../../1..2", "test").id()));
    }

    @Test
    void aRestoreMarkerThatIsNotAStampIsRefused() throws Exception {
        BackupInfo b = backups().backupNow("manual", "test");
        Path target = tmp.resolve("foreign-marker");
        Files.createDirectories(target.resolve("tls"));
        Files.writeString(target.resolve("tls/current.pem"), "current");
        Path restore = Files.createDirectories(target.resolve("restore"));
        Files.writeString(restore.resolve("in-progress"), "../../elsewhere");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> BackupLayout.restore(b.dir(), target));
        assertTrue(e.getMessage().contains("in-progress"), e.getMessage());
        assertEquals("current", Files.readString(target.resolve("tls/current.pem")), "nothing moved");
        assertFalse(Files.exists(tmp.resolve("old-")) || Files.exists(target.resolve("old-")));
        assertFalse(Files.exists(tmp.resolve("elsewhere")));
    }

    private static String manifestOf(Path archive) throws IOException {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(archive))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                if (e.getName().equals("backup.json")) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
        }
        throw new AssertionError("no backup.json in " + archive);
    }

    @Test
    void keepsNArchivesAtTheTarget() throws Exception {
        for (int i = 0; i < 3; i++) {
            backups().export(backups().backupNow("manual", "test").id(), "test");
        }
        try (Stream<Path> s = Files.list(exports)) {
            assertEquals(2, s.filter(p -> p.toString().endsWith(".zip")).count());
        }
    }

    @Test
    void theAdminPageListsBackupsAndBacksUpNow() throws Exception {
        var http = java.net.http.HttpClient.newBuilder().sslContext(app.tls()).build();
        String base = "https://localhost:" + app.appliance().httpsPort();
        var login = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/login")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        String pre = login.headers().firstValue("set-cookie").orElseThrow().split(";")[0];
        var m = java.util.regex.Pattern.compile("name=\"_csrf\" value=\"([^\"]*)\"").matcher(login.body());
        assertTrue(m.find());
        var in = http.send(form(base + "/login", pre, "_csrf=" + m.group(1) + "&username=admin&password="
                + RunningAppliance.ADMIN_PASSWORD), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(303, in.statusCode());
        String cookie = in.headers().firstValue("set-cookie").orElseThrow().split(";")[0];
        String csrf = new com.fasterxml.jackson.databind.ObjectMapper().readTree(http.send(java.net.http.HttpRequest
                .newBuilder(java.net.URI.create(base + "/api/v1/me")).header("Cookie", cookie).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body()).get("csrf_token").asText();
        var done = http.send(form(base + "/admin/backups", cookie, "_csrf=" + csrf),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(303, done.statusCode(), done.body());
        String id = backups().list().get(0).id();
        var page = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/admin/backups?done=" + id))
                .header("Cookie", cookie).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("Backup " + id + " is complete") && page.body().contains("Back up now")
                && page.body().contains("/api/v1/backups/" + id + "/archive"), page.body());
        var index = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/admin"))
                .header("Cookie", cookie).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertTrue(index.body().contains("/admin/backups"));
    }

    private static Process cli(Path data, Path archive, String... more) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "dev.telltale.Main", "--data", data.toString(), "restore", archive.toString()));
        cmd.addAll(List.of(more));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    private static java.net.http.HttpRequest form(String uri, String cookie, String body) {
        return java.net.http.HttpRequest.newBuilder(java.net.URI.create(uri)).header("Cookie", cookie)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static void assertRefused(Path archive, String why) {
        BackupException e = assertThrows(BackupException.class,
                () -> ArchiveRestore.restore(archive, tmp.resolve("never-" + archive.getParent().getFileName()), false));
        assertTrue(e.getMessage().contains(why), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("never-" + archive.getParent().getFileName()).resolve("derby")));
    }

    private static Path copyWithSum(Path archive, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Files.copy(archive, to);
        Files.copy(archive.resolveSibling(archive.getFileName() + ".sha256"), to.resolveSibling(to.getFileName() + ".sha256"));
        return to;
    }

    /** The archive with entries replaced or added, and a matching checksum file. */
    private static Path rezip(Path archive, Path to, Map<String, String> replace) throws IOException {
        Files.createDirectories(to.getParent());
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(archive));
             OutputStream o = Files.newOutputStream(to); ZipOutputStream out = new ZipOutputStream(o)) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                out.putNextEntry(new ZipEntry(e.getName()));
                out.write(replace.containsKey(e.getName()) ? replace.get(e.getName()).getBytes(StandardCharsets.UTF_8)
                        : in.readAllBytes());
                out.closeEntry();
            }
            for (var r : replace.entrySet()) {
                if (r.getKey().contains("..")) {
                    out.putNextEntry(new ZipEntry(r.getKey()));
                    out.write(r.getValue().getBytes(StandardCharsets.UTF_8));
                    out.closeEntry();
                }
            }
        }
        var sha = Archives.sha256();
        sha.update(Files.readAllBytes(to));
        Files.writeString(to.resolveSibling(to.getFileName() + ".sha256"),
                Archives.checksumLine(java.util.HexFormat.of().formatHex(sha.digest()), to.getFileName().toString()));
        return to;
    }

    /** Relative path to size of every regular file under {@code root}, skipping top-level {@code except}. */
    private static Map<String, Long> tree(Path root, String... except) throws IOException {
        Map<String, Long> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                String rel = root.relativize(p).toString();
                if (Stream.of(except).noneMatch(x -> rel.startsWith(x + "/"))) {
                    out.put(rel, Files.size(p));
                }
            }
        }
        return out;
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
