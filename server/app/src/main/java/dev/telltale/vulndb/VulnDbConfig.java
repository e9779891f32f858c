package dev.telltale.vulndb;

import dev.telltale.config.ConfigException;
import io.helidon.config.Config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Node {@code telltale.vulndb}: {@code max-archive-bytes} (largest accepted upload),
 * {@code max-entries} (entries in an archive or files in the directory), {@code max-uncompressed-bytes}
 * (all entries of an archive together, against zip bombs), {@code max-record-bytes} (one OSV
 * record), {@code import-dir} (optional; imported at start and on demand) and
 * {@code queued-imports} (imports that may wait behind the running one).
 */
public record VulnDbConfig(long maxArchiveBytes, int maxEntries, long maxUncompressedBytes, int maxRecordBytes,
                           Optional<Path> importDir, int queuedImports) {
    public VulnDbConfig {
        check("max-archive-bytes", maxArchiveBytes, 1024, 16L << 30);
        check("max-entries", maxEntries, 1, 10_000_000);
        check("max-uncompressed-bytes", maxUncompressedBytes, 1024, 1L << 40);
        check("max-record-bytes", maxRecordBytes, 1024, 64 << 20);
        check("queued-imports", queuedImports, 1, 100);
        importDir = importDir.map(p -> p.toAbsolutePath().normalize());
    }

    private static void check(String key, long value, long min, long max) {
        if (value < min || value > max) {
            throw new ConfigException("telltale.vulndb." + key, "must be between " + min + " and " + max + ", was " + value);
        }
    }

    public static VulnDbConfig defaults() {
        return new VulnDbConfig(512L << 20, 1_000_000, 8L << 30, 8 << 20, Optional.empty(), 2);
    }

    public VulnDbConfig withImportDir(Path dir) {
        return new VulnDbConfig(maxArchiveBytes, maxEntries, maxUncompressedBytes, maxRecordBytes, Optional.of(dir),
                queuedImports);
    }

    /** @throws ConfigException naming the key of a value out of range */
    public static VulnDbConfig from(Config node) {
        VulnDbConfig d = defaults();
        return new VulnDbConfig(
                number(node, "max-archive-bytes", d.maxArchiveBytes, 1024, 16L << 30),
                (int) number(node, "max-entries", d.maxEntries, 1, 10_000_000),
                number(node, "max-uncompressed-bytes", d.maxUncompressedBytes, 1024, 1L << 40),
                (int) number(node, "max-record-bytes", d.maxRecordBytes, 1024, 64 << 20),
                node.get("import-dir").asString().asOptional().filter(s -> !s.isBlank()).map(Path::of),
                (int) number(node, "queued-imports", d.queuedImports, 1, 100));
    }

    private static long number(Config node, String key, long fallback, long min, long max) {
        long value;
        try {
            value = node.get(key).asLong().orElse(fallback);
        } catch (io.helidon.config.ConfigException e) {
            throw new ConfigException("telltale.vulndb." + key, "must be a whole number");
        }
        check(key, value, min, max);
        return value;
    }
}
