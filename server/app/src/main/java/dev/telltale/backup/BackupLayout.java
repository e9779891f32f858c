package dev.telltale.backup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The on-disk layout of a backup and the file-level restore. Depends on the JDK only: the
 * upgrade's rollback runs {@link #restore} from another JVM while the server is stopped.
 *
 * <pre>
 * DATA/backups/&lt;id&gt;/backup.json     id, created, version, reason, schema, entries, complete
 * DATA/backups/&lt;id&gt;/data/&lt;entry&gt;   copies of the data directory's top-level entries
 * DATA/backups/&lt;id&gt;/etc/&lt;file&gt;     copies of the configuration files the server was started with
 * </pre>
 */
public final class BackupLayout {
    /** Top-level entries of the data directory that a backup never holds and a restore never touches. */
    public static final Set<String> NOT_BACKED_UP = Set.of("backups", "upgrade", "restore", "logs",
            // the file system's own (the appliance's data directory is a file system of its own; root's, 0700)
            "lost+found");
    static final String MANIFEST = "backup.json";
    static final String DATA = "data";
    static final String ETC = "etc";
    static final String PARTIAL = ".partial";
    private static final String MARKER = "in-progress";
    /** A backup id as it may appear in a path: one plain file name, never {@code ..}. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    /** The restore marker's stamp: an instant without ':' and '.', as {@link #restore} writes it. */
    private static final Pattern STAMP = Pattern.compile("\\d{4}-?\\d{2}-?\\d{2}T\\d{6,15}Z");

    private BackupLayout() {
    }

    /**
     * Whether {@code id} is safe to use as (part of) a file name: letters, digits, '.', '_' and
     * '-', starting with a letter or digit, at most 128 characters, and no {@code ..}.
     */
    public static boolean validId(String id) {
        return ID.matcher(id).matches() && !id.contains("..");
    }

    /**
     * Replaces every data-directory entry the backup holds with a copy of the backup's; leaves
     * other entries and {@code backups}, {@code upgrade}, {@code restore}, {@code logs} alone.
     * The server must be stopped. Crash-safe: current entries are first moved aside into
     * {@code DATA/restore/old-<ts>}, the backup's copies are copied into {@code DATA/restore/new-<ts>}
     * and renamed into place, then the aside copies are deleted; a marker file names both
     * directories, so running this again after an interruption finishes the job. The backup
     * itself is only read: it stays usable for another restore. Copies keep the backup's
     * permissions and, when run as root, its owners.
     *
     * @throws IllegalArgumentException when {@code backupDir} is not a complete backup
     * @throws IllegalStateException when {@code DATA/restore/in-progress} was not written by a restore
     * @throws UncheckedIOException when a file cannot be moved or copied (run it again)
     */
    public static void restore(Path backupDir, Path dataDir) {
        Path data = backupDir.resolve(DATA);
        if (backupDir.getFileName().toString().endsWith(PARTIAL) || !Files.isRegularFile(backupDir.resolve(MANIFEST))
                || !Files.isDirectory(data)) {
            throw new IllegalArgumentException(backupDir + " is not a complete backup (no backup.json and data/)");
        }
        try {
            Path restoreDir = dataDir.resolve("restore");
            if (!Files.isDirectory(restoreDir)) {
                Files.createDirectories(restoreDir);
                // Run as root by the upgrade's rollback: the server's user must still own its work area.
                Files.setOwner(restoreDir, Files.getOwner(dataDir));
            }
            Path marker = restoreDir.resolve(MARKER);
            String stamp = Files.exists(marker) ? Files.readString(marker, StandardCharsets.UTF_8).trim()
                    : Instant.now().toString().replace(":", "").replace(".", "");
            // The stamp names directories we move the data into and delete: only our own format will do.
            if (!STAMP.matcher(stamp).matches()) {
                throw new IllegalStateException(marker + " does not hold a restore stamp as Telltale writes it ("
                        + stamp.substring(0, Math.min(40, stamp.length())).replaceAll("\\p{Cntrl}", "?")
                        + "); it was not left by an interrupted restore: inspect DATA/restore and remove the file");
            }
            if (!Files.exists(marker)) {
                writeSynced(marker, stamp);
            }
            Path aside = Files.createDirectories(restoreDir.resolve("old-" + stamp));
            Path incoming = Files.createDirectories(restoreDir.resolve("new-" + stamp));
            for (String entry : entries(data)) {
                Path current = dataDir.resolve(entry);
                Path old = aside.resolve(entry);
                if (Files.exists(current, LinkOption.NOFOLLOW_LINKS) && !Files.exists(old, LinkOption.NOFOLLOW_LINKS)) {
                    // Either the original or a copy a previous run put in place: both may go aside.
                    Files.move(current, old, StandardCopyOption.ATOMIC_MOVE);
                } else if (Files.exists(current, LinkOption.NOFOLLOW_LINKS)) {
                    // The original is aside already, so this is a copy of a previous run; copy afresh.
                    deleteTree(current);
                }
                Path staged = incoming.resolve(entry);
                deleteTree(staged);
                copyTree(data.resolve(entry), staged);
                Files.move(staged, current, StandardCopyOption.ATOMIC_MOVE);
            }
            fsync(dataDir);
            deleteTree(aside);
            deleteTree(incoming);
            Files.delete(marker);
        } catch (IOException e) {
            throw new UncheckedIOException("restore of " + backupDir + " into " + dataDir
                    + " was interrupted; run it again to finish", e);
        }
    }

    /** The top-level entries a backup holds, sorted. */
    static List<String> entries(Path data) throws IOException {
        try (Stream<Path> s = Files.list(data)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !NOT_BACKED_UP.contains(n)).sorted().toList();
        }
    }

    /** Copies a tree with its permissions; never follows symbolic links (they are copied as links). */
    static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path target = to.resolve(from.relativize(dir).toString());
                Files.copy(dir, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path target = to.resolve(from.relativize(file).toString());
                Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Deletes a file or a tree, if present; a symbolic link is deleted, not followed. */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    static void writeSynced(Path file, String text) throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.TRUNCATE_EXISTING, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        }
        fsync(file.getParent());
    }

    static void fsync(Path dir) throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(dir, java.nio.file.StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
