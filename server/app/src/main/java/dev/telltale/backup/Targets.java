package dev.telltale.backup;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/** Copies a backup's archive and checksum to a target, as {@code .partial} files renamed when complete. */
final class Targets {
    private Targets() {
    }

    /** Returns the archive's name at the target. */
    static String send(BackupConfig.Target target, BackupInfo b, int keepRemote, Path scratch) {
        String name = Archives.archiveName(b.id());
        try {
            return switch (target) {
                case BackupConfig.DirectoryTarget d -> toDirectory(d.path(), b, name, keepRemote);
                case BackupConfig.SftpTarget s -> SftpTarget.send(s, b, name, keepRemote, scratch);
            };
        } catch (IOException e) {
            throw new BackupException("export of " + b.id() + " to " + target.describe() + " failed", e);
        }
    }

    /** Tries the target as an export would, without sending anything but a small file it deletes again. */
    static BackupSettings.TestResult probe(BackupConfig.Target target) {
        try {
            return new BackupSettings.TestResult(true, switch (target) {
                case BackupConfig.DirectoryTarget d -> probeDirectory(d.path());
                case BackupConfig.SftpTarget s -> SftpTarget.probe(s);
            });
        } catch (BackupException e) {
            return new BackupSettings.TestResult(false, e.getMessage());
        } catch (IOException | RuntimeException e) {
            return new BackupSettings.TestResult(false, "trying " + target.describe() + " failed ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    private static String probeDirectory(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            return fail("the directory " + dir + " does not exist and cannot be created");
        }
        Path probe = dir.resolve(".telltale-write-test-" + Long.toHexString(System.nanoTime()));
        try {
            Files.writeString(probe, "telltale");
            Files.delete(probe);
        } catch (IOException e) {
            return fail("the directory " + dir + " is not writable by the appliance");
        }
        return "the directory " + dir + " is writable";
    }

    private static String fail(String message) {
        throw new BackupException(BackupException.Reason.FAILED, message);
    }

    private static String toDirectory(Path dir, BackupInfo b, String name, int keepRemote) throws IOException {
        Files.createDirectories(dir);
        Path partial = dir.resolve(name + BackupLayout.PARTIAL);
        String sha;
        try (OutputStream out = Files.newOutputStream(partial)) {
            sha = Archives.write(b.dir(), out);
        }
        try (var ch = java.nio.channels.FileChannel.open(partial, java.nio.file.StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Path sumPartial = dir.resolve(name + ".sha256" + BackupLayout.PARTIAL);
        BackupLayout.writeSynced(sumPartial, Archives.checksumLine(sha, name));
        Files.move(partial, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Files.move(sumPartial, dir.resolve(name + ".sha256"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        BackupLayout.fsync(dir);
        List<String> archives;
        try (Stream<Path> s = Files.list(dir)) {
            archives = s.map(p -> p.getFileName().toString()).filter(Targets::isArchive).sorted().toList();
        }
        for (String old : oldest(archives, keepRemote)) {
            Files.deleteIfExists(dir.resolve(old));
            Files.deleteIfExists(dir.resolve(old + ".sha256"));
        }
        return name;
    }

    static boolean isArchive(String fileName) {
        return fileName.startsWith("telltale-backup-") && fileName.endsWith(".zip");
    }

    /** The archives beyond {@code keep}, oldest first (names sort by time). */
    static List<String> oldest(List<String> sortedNames, int keep) {
        return sortedNames.subList(0, Math.max(0, sortedNames.size() - keep));
    }

    static String checksum(String hex, String name) {
        return new String(Archives.checksumLine(hex, name).getBytes(StandardCharsets.US_ASCII), StandardCharsets.US_ASCII);
    }
}
