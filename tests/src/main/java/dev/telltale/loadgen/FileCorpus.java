package dev.telltale.loadgen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Real file paths of this machine: a bounded, name-ordered walk of a few system trees, done
 * once. At most {@code perRoot} regular files per tree and {@code maxDepth} levels deep.
 */
final class FileCorpus {
    private FileCorpus() {
    }

    static List<String> walk(List<String> roots, int perRoot, int maxDepth) {
        List<String> out = new ArrayList<>();
        for (String root : roots) {
            List<String> files = new ArrayList<>();
            walk(Path.of(root), maxDepth, perRoot, files);
            out.addAll(files);
        }
        return List.copyOf(out);
    }

    private static void walk(Path dir, int depth, int max, List<String> out) {
        if (depth < 0 || out.size() >= max || Files.isSymbolicLink(dir)) {
            return;
        }
        List<Path> children;
        try (Stream<Path> s = Files.list(dir)) {
            children = s.sorted().toList();
        } catch (IOException | SecurityException e) {
            return;
        }
        List<Path> subdirs = new ArrayList<>();
        for (Path c : children) {
            if (out.size() >= max) {
                return;
            }
            if (Files.isDirectory(c, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                subdirs.add(c);
            } else if (Files.isRegularFile(c, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                out.add(c.toString());
            }
        }
        // Breadth before depth within a directory keeps every top-level tree represented.
        int share = Math.max(8, (max - out.size()) / Math.max(1, subdirs.size()));
        for (Path d : subdirs) {
            int limit = Math.min(max, out.size() + share);
            walk(d, depth - 1, limit, out);
        }
    }
}
