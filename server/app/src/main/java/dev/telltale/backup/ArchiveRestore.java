package dev.telltale.backup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Restores an exported archive onto an appliance whose server is stopped (a fresh one, say):
 * {@code java -jar telltale-server.jar --data DIR restore ARCHIVE [--force]}. Verifies the
 * checksum, the manifest and the schema, unpacks under {@code DATA/restore}, then
 * {@link BackupLayout#restore}s. The next start migrates an older schema forward and audits the restore.
 */
public final class ArchiveRestore {
    static final String RESTORED = "restored.json";
    private static final Pattern MIGRATION = Pattern.compile("V(\\d+(?:\\.\\d+)*)__.*\\.sql");

    private ArchiveRestore() {
    }

    /**
     * Returns the id of the restored backup.
     *
     * @throws BackupException INVALID for a damaged or altered archive, one that is not a
     *                         complete backup, has unsafe paths or a newer schema than this
     *                         release; CONFLICT when the data directory already has a database and {@code force} is false
     */
    public static String restore(Path archive, Path dataDir, boolean force) {
        try {
            if (!Files.isRegularFile(archive)) {
                throw new BackupException(BackupException.Reason.NOT_FOUND, "no archive " + archive);
            }
            Archives.verify(archive);
            Manifest m = Archives.manifest(archive);
            if (!m.complete()) {
                throw new BackupException(BackupException.Reason.INVALID, archive.getFileName() + " is an incomplete backup");
            }
            String latest = latestMigration();
            if (!m.schema().matches("\\d{1,9}(\\.\\d{1,9}){0,5}")) {
                throw new BackupException(BackupException.Reason.INVALID, archive.getFileName()
                        + " names no valid schema version in backup.json");
            }
            if (compareVersions(m.schema(), latest) > 0) {
                throw new BackupException(BackupException.Reason.INVALID, "the backup " + m.id() + " has database schema "
                        + m.schema() + ", newer than this release's " + latest + " (Telltale " + m.version()
                        + " made it): restore it with that version or later");
            }
            if (Files.exists(dataDir.resolve("derby")) && !force) {
                throw new BackupException(BackupException.Reason.CONFLICT, "the data directory " + dataDir
                        + " already holds a database; restoring replaces it: add --force to do so");
            }
            if (!BackupLayout.validId(m.id())) {
                // Manifest.parse refuses these already; the id is about to name directories, so look again here.
                throw new BackupException(BackupException.Reason.INVALID, archive.getFileName() + " names an unsafe backup id");
            }
            Path restoreDir = Files.createDirectories(dataDir.resolve("restore"));
            Path unpacked = restoreDir.resolve("unpack-" + m.id());
            BackupLayout.deleteTree(unpacked);
            Archives.unpack(archive, unpacked);
            Files.createDirectories(unpacked.resolve(BackupLayout.DATA));
            BackupLayout.restore(unpacked, dataDir);
            // The configuration files stay for the operator to compare with /etc/telltale.
            Path etc = restoreDir.resolve("etc-" + m.id());
            BackupLayout.deleteTree(etc);
            if (Files.isDirectory(unpacked.resolve(BackupLayout.ETC))) {
                Files.move(unpacked.resolve(BackupLayout.ETC), etc);
            }
            BackupLayout.deleteTree(unpacked);
            BackupLayout.writeSynced(restoreDir.resolve(RESTORED), "{\"id\":\"" + m.id() + "\",\"archive\":\""
                    + archive.getFileName().toString().replace("\"", "") + "\",\"at\":\"" + Instant.now() + "\"}\n");
            return m.id();
        } catch (IOException e) {
            throw new UncheckedIOException("restore of " + archive + " failed; run it again to finish", e);
        }
    }

    /** The version of this release's newest Flyway migration. */
    static String latestMigration() throws IOException {
        URL url = ArchiveRestore.class.getClassLoader().getResource("db/migration");
        if (url == null) {
            throw new IllegalStateException("no database migrations on the class path");
        }
        List<String> names = new ArrayList<>();
        if (url.getProtocol().equals("jar")) {
            var jar = ((JarURLConnection) url.openConnection()).getJarFile();
            jar.stream().map(e -> e.getName()).filter(n -> n.startsWith("db/migration/"))
                    .forEach(n -> names.add(n.substring("db/migration/".length())));
        } else {
            try (Stream<Path> s = Files.list(Path.of(url.toURI()))) {
                s.forEach(p -> names.add(p.getFileName().toString()));
            } catch (URISyntaxException e) {
                throw new IOException(e);
            }
        }
        return names.stream().map(MIGRATION::matcher).filter(Matcher::matches).map(x -> x.group(1))
                .max(ArchiveRestore::compareVersions).orElse("0");
    }

    static int compareVersions(String a, String b) {
        long[] x = Arrays.stream(a.split("\\.")).mapToLong(Long::parseLong).toArray();
        long[] y = Arrays.stream(b.split("\\.")).mapToLong(Long::parseLong).toArray();
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int c = Long.compare(i < x.length ? x[i] : 0, i < y.length ? y[i] : 0);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }
}
