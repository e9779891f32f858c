package dev.telltale.upgrade;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.util.stream.Stream;

/**
 * After the applier (root) restored data, every file under the data directory belongs to the
 * data directory's owner again: the server runs as that user and must be able to write them.
 */
final class Ownership {
    private Ownership() {
    }

    static void likeDataDir(Path dataDir) {
        like(dataDir, dataDir);
    }

    /** Gives everything under {@code tree} the owner and group of {@code reference} (as root only). */
    static void like(Path reference, Path tree) {
        if (!Files.exists(tree)) {
            return;
        }
        try {
            if (!"0".equals(String.valueOf(Files.getAttribute(Path.of("/proc/self"), "unix:uid")))) {
                return; // not root: everything written is the writer's already
            }
            PosixFileAttributeView root = Files.getFileAttributeView(reference, PosixFileAttributeView.class);
            UserPrincipal owner = root.getOwner();
            GroupPrincipal group = root.readAttributes().group();
            try (Stream<Path> all = Files.walk(tree)) {
                for (Path p : all.filter(p -> !p.startsWith(reference.resolve("lost+found"))).toList()) {
                    PosixFileAttributeView v = Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
                    if (!v.getOwner().equals(owner)) {
                        v.setOwner(owner);
                    }
                    if (!v.readAttributes().group().equals(group)) {
                        v.setGroup(group);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot give the restored data back to the data directory's owner", e);
        }
    }
}
