package dev.telltale.upgrade;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** The release directories under {@code releases-dir} and the {@code current} link between them. */
final class Releases {
    private Releases() {
    }

    /** Where {@code current} points (resolved). */
    static Path target(UpgradeConfig cfg) {
        try {
            return cfg.current().toRealPath();
        } catch (IOException e) {
            throw new UpgradeException("cannot resolve " + cfg.current() + ": " + e.getMessage(), e);
        }
    }

    static boolean isCurrent(UpgradeConfig cfg, Path release) {
        try {
            return Files.exists(release) && cfg.current().toRealPath().equals(release.toRealPath());
        } catch (IOException e) {
            return false;
        }
    }

    /** Moves the link atomically: a new link beside it, renamed over it. */
    static void pointCurrentAt(UpgradeConfig cfg, Path release) {
        Path link = cfg.current();
        Path tmp = link.resolveSibling("current.new");
        try {
            Files.deleteIfExists(tmp);
            Files.createSymbolicLink(tmp, link.getParent().relativize(release.toAbsolutePath().normalize()));
            Files.move(tmp, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            StateFile.fsyncDir(link.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot point " + link + " at " + release, e);
        }
    }

    /** Keeps the {@code keep-releases} newest releases, never the current or the previous one. */
    static void prune(UpgradeConfig cfg, String current, Optional<String> previous) {
        Path dir = cfg.releasesDir().resolve("releases");
        try (Stream<Path> all = Files.list(dir)) {
            List<Path> old = all.filter(Files::isDirectory)
                    .filter(p -> !p.getFileName().toString().equals(current))
                    .filter(p -> previous.map(pr -> !Path.of(pr).normalize().equals(p.normalize())).orElse(true))
                    .sorted(Comparator.comparing(Releases::modified).reversed()).toList();
            for (int i = Math.max(0, cfg.keepReleases() - 2); i < old.size(); i++) {
                delete(old.get(i));
            }
        } catch (IOException | UncheckedIOException e) {
            // pruning is housekeeping: the next upgrade tries again
        }
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    static void delete(Path dir) {
        try {
            dev.telltale.backup.BackupLayout.deleteTree(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
