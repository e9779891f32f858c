package dev.telltale.upgrade;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.upgrade.bundle.VerifiedBundle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The OS files a bundle carries ({@code os/...}: systemd units, scripts), installed over the
 * system with the ones they replace saved first in {@code DATA/upgrade/os-backup/<id>/}: an
 * {@code index.json} listing the files replaced (kept under {@code files/}) and the files that
 * did not exist. Restoring puts the saved ones back and removes the new ones; doing it twice
 * changes nothing more.
 */
final class OsFiles {
    static final String INDEX = "index.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private OsFiles() {
    }

    /** @return how many OS files were installed */
    static int install(VerifiedBundle bundle, Path root, Path backup) {
        List<String> paths = bundle.manifest().files().stream().map(f -> f.path()).filter(p -> p.startsWith("os/"))
                .map(p -> p.substring(3)).toList();
        if (paths.isEmpty()) {
            return 0;
        }
        save(paths, root, backup);
        bundle.extractOs(root);
        return paths.size();
    }

    /**
     * Puts back what {@code backup} saved; when {@code saveTo} is given, the files about to be
     * replaced are saved there first (a manual rollback can itself be rolled back).
     */
    static void restore(Path backup, Path root, Optional<Path> saveTo) {
        JsonNode index = readIndex(backup);
        List<String> all = new ArrayList<>();
        index.path("replaced").forEach(n -> all.add(n.asText()));
        index.path("created").forEach(n -> all.add(n.asText()));
        saveTo.ifPresent(d -> save(all, root, d));
        try {
            for (JsonNode n : index.path("replaced")) {
                Path target = inside(root, n.asText());
                Files.createDirectories(target.getParent());
                Path tmp = target.resolveSibling(target.getFileName() + ".telltale-restore");
                Files.copy(inside(backup.resolve("files"), n.asText()), tmp, StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.COPY_ATTRIBUTES);
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            for (JsonNode n : index.path("created")) {
                Files.deleteIfExists(inside(root, n.asText()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restore the OS files saved in " + backup, e);
        }
    }

    private static void save(List<String> paths, Path root, Path backup) {
        if (Files.exists(backup.resolve(INDEX))) {
            return; // saved by an earlier attempt of this very transaction: those are the originals
        }
        ObjectNode index = JSON.createObjectNode();
        var replaced = index.putArray("replaced");
        var created = index.putArray("created");
        try {
            for (String p : paths) {
                Path target = inside(root, p);
                if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
                    Path copy = inside(backup.resolve("files"), p);
                    Files.createDirectories(copy.getParent());
                    Files.copy(target, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                    replaced.add(p);
                } else {
                    created.add(p);
                }
            }
            StateFile.writeAtomically(backup.resolve(INDEX), JSON.writeValueAsBytes(index));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the OS files an upgrade replaces into " + backup, e);
        }
    }

    private static JsonNode readIndex(Path backup) {
        try {
            return JSON.readTree(backup.resolve(INDEX).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + backup.resolve(INDEX), e);
        }
    }

    /** {@code rel} under {@code base}; a path that would leave it is refused. */
    static Path inside(Path base, String rel) {
        Path p = base.resolve(rel).normalize();
        if (!p.startsWith(base.normalize()) || rel.startsWith("/")) {
            throw new UpgradeException("refusing path outside " + base + ": " + rel);
        }
        return p;
    }
}
