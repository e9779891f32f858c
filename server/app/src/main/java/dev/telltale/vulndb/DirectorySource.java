package dev.telltale.vulndb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The {@code *.json} regular files under a directory (an unpacked OSV export, e.g. copied onto an
 * air-gapped appliance), in name order; symbolic links are not followed, at most
 * {@code max-entries} files, each at most {@code max-record-bytes}.
 */
final class DirectorySource implements RecordSource {
    private static final int MAX_DEPTH = 16;
    private final Path dir;
    private final VulnDbConfig limits;
    private List<Path> files;

    DirectorySource(Path dir, VulnDbConfig limits) {
        this.dir = dir;
        this.limits = limits;
    }

    @Override
    public int scan(Sink rejected) throws IOException, Refused {
        if (!Files.isDirectory(dir)) {
            throw new Refused("the import directory " + dir + " does not exist or is not a directory");
        }
        try (Stream<Path> walk = Files.walk(dir, MAX_DEPTH)) {
            files = walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json"))
                    .limit(limits.maxEntries() + 1L)
                    .sorted()
                    .toList();
        }
        if (files.size() > limits.maxEntries()) {
            throw new Refused("the import directory holds more than " + limits.maxEntries() + " records (max-entries)");
        }
        return files.size();
    }

    @Override
    public void forEach(Sink sink) throws IOException {
        for (Path p : files) {
            String name = dir.relativize(p).toString();
            if (Files.size(p) > limits.maxRecordBytes()) {
                sink.accept(new Entry(name, new byte[0],
                        Optional.of("larger than " + limits.maxRecordBytes() + " bytes (max-record-bytes)")));
            } else {
                sink.accept(new Entry(name, Files.readAllBytes(p), Optional.empty()));
            }
        }
    }
}
