package dev.telltale.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Backup archives: a zip of a backup directory ({@code backup.json}, {@code data/...},
 * {@code etc/...}) with a {@code .sha256} file beside it ({@code <hex>  <name>}, as
 * {@code sha256sum} writes it). Unpacking checks the path of every entry and bounds their number and size.
 */
final class Archives {
    static final int MAX_ENTRIES = 5_000_000;
    static final long MAX_BYTES = 1L << 40;

    private Archives() {
    }

    static String archiveName(String id) {
        return "telltale-backup-" + id + ".zip";
    }

    /** Zips {@code backupDir} into {@code out}; returns the SHA-256 of the bytes written. Symbolic links are skipped. */
    static String write(Path backupDir, OutputStream out) throws IOException {
        MessageDigest sha = sha256();
        DigestOutputStream digest = new DigestOutputStream(new NonClosing(out), sha);
        try (ZipOutputStream zip = new ZipOutputStream(digest)) {
            // Lucene's files and Derby's pages compress little; speed matters more than size.
            zip.setLevel(Deflater.BEST_SPEED);
            Files.walkFileTree(backupDir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    if (!dir.equals(backupDir)) {
                        zip.putNextEntry(new ZipEntry(name(backupDir, dir) + "/"));
                        zip.closeEntry();
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    if (attrs.isRegularFile()) {
                        zip.putNextEntry(new ZipEntry(name(backupDir, file)));
                        Files.copy(file, zip);
                        zip.closeEntry();
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static String name(Path root, Path p) {
        return root.relativize(p).toString().replace('\\', '/');
    }

    /** The checksum file's text for an archive. */
    static String checksumLine(String hex, String archiveName) {
        return hex + "  " + archiveName + "\n";
    }

    /**
     * Checks the archive against its {@code .sha256} file.
     *
     * @throws BackupException INVALID when the checksum file is missing or does not match
     */
    static void verify(Path archive) throws IOException {
        Path sumFile = archive.resolveSibling(archive.getFileName() + ".sha256");
        if (!Files.isRegularFile(sumFile)) {
            throw invalid("the checksum file " + sumFile.getFileName() + " is missing beside " + archive);
        }
        String expected = Files.readString(sumFile, StandardCharsets.US_ASCII).trim().split("\\s+")[0];
        MessageDigest sha = sha256();
        try (InputStream in = Files.newInputStream(archive)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                sha.update(buf, 0, n);
            }
        }
        String actual = HexFormat.of().formatHex(sha.digest());
        if (!actual.equalsIgnoreCase(expected)) {
            throw invalid(archive.getFileName() + " does not match its SHA-256 checksum: the archive is damaged or was altered");
        }
    }

    /**
     * Unpacks into {@code target} (created, mode 0700; files 0600). Refuses absolute paths,
     * {@code ..}, entries outside {@code backup.json}, {@code data/} and {@code etc/}, and more
     * than {@link #MAX_ENTRIES} entries or {@link #MAX_BYTES} bytes.
     */
    static void unpack(Path archive, Path target) throws IOException {
        Files.createDirectories(target);
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwx------"));
        int entries = 0;
        long total = 0;
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(archive))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                if (++entries > MAX_ENTRIES) {
                    throw invalid(archive.getFileName() + " has more than " + MAX_ENTRIES + " entries");
                }
                Path out = safePath(target, e.getName());
                if (e.isDirectory()) {
                    Files.createDirectories(out);
                    Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwx------"));
                    continue;
                }
                Files.createDirectories(out.getParent());
                try (OutputStream o = Files.newOutputStream(out)) {
                    byte[] buf = new byte[1 << 16];
                    for (int n; (n = zip.read(buf)) > 0; ) {
                        total += n;
                        if (total > MAX_BYTES) {
                            throw invalid(archive.getFileName() + " unpacks to more than " + MAX_BYTES + " bytes");
                        }
                        o.write(buf, 0, n);
                    }
                }
                Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rw-------"));
            }
        } catch (java.util.zip.ZipException e) {
            throw invalid(archive.getFileName() + " is not a readable zip archive: " + e.getMessage());
        }
    }

    /** Reads {@code backup.json} from the archive without unpacking it. */
    static Manifest manifest(Path archive) throws IOException {
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(archive))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                if (e.getName().equals(BackupLayout.MANIFEST)) {
                    return Manifest.parse(zip.readNBytes(1 << 20), archive.getFileName().toString());
                }
            }
        } catch (java.util.zip.ZipException e) {
            throw invalid(archive.getFileName() + " is not a readable zip archive: " + e.getMessage());
        }
        throw invalid(archive.getFileName() + " holds no backup.json: not a Telltale backup");
    }

    static Path safePath(Path root, String name) {
        if (name.isEmpty() || name.startsWith("/") || name.contains("\\") || name.contains(":") || name.contains("\0")) {
            throw invalid("archive entry '" + name + "' has an unsafe path");
        }
        for (String part : name.split("/")) {
            if (part.equals("..") || part.equals(".")) {
                throw invalid("archive entry '" + name + "' has an unsafe path");
            }
        }
        String top = name.split("/")[0];
        if (!(name.equals(BackupLayout.MANIFEST) || top.equals(BackupLayout.DATA) || top.equals(BackupLayout.ETC))) {
            throw invalid("archive entry '" + name + "' is not part of a backup");
        }
        Path p = root.resolve(name).normalize();
        if (!p.startsWith(root)) {
            throw invalid("archive entry '" + name + "' has an unsafe path");
        }
        return p;
    }

    private static BackupException invalid(String message) {
        return new BackupException(BackupException.Reason.INVALID, message);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Lets the zip stream finish without closing the caller's stream (an HTTP response, say). */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
