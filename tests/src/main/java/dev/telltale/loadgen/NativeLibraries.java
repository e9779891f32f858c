package dev.telltale.loadgen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Shared objects and executables of this machine: those mapped into this JVM first, then the
 * JDK's own libraries, then a spread of the system library directory, then a few executables.
 * Bounded by {@code max} objects and {@code hashBudget} bytes hashed in total.
 */
final class NativeLibraries {
    static final List<String> EXECUTABLES = List.of("/usr/bin/bash", "/usr/bin/python3.11", "/usr/bin/curl",
            "/usr/bin/dash", "/usr/bin/ls");
    private static final Path SYSTEM_LIBS = Path.of("/usr/lib/x86_64-linux-gnu");

    private NativeLibraries() {
    }

    static List<NativeLibrary> discover(List<ProcMaps.Region> maps, DpkgDatabase dpkg, int max, long hashBudget) {
        Set<String> paths = new LinkedHashSet<>();
        for (ProcMaps.Region r : maps) {
            if (isSharedObject(r.path())) {
                paths.add(r.path());
            }
        }
        Path jdkLib = Path.of(System.getProperty("java.home"), "lib");
        paths.addAll(list(jdkLib, 40));
        paths.addAll(list(SYSTEM_LIBS, max));
        List<NativeLibrary> out = new ArrayList<>();
        long budget = hashBudget;
        for (String exe : EXECUTABLES) {
            paths.add(exe);
        }
        for (String p : paths) {
            if (out.size() >= max) {
                break;
            }
            Path file = Path.of(p);
            Optional<ElfFile> elf = ElfFile.read(file, 4000);
            if (elf.isEmpty()) {
                continue;
            }
            try {
                long size = Files.size(file);
                Optional<byte[]> sha = Optional.empty();
                if (size <= budget && size <= 64L << 20) {
                    sha = Optional.of(Hashing.sha256(file));
                    budget -= size;
                }
                out.add(new NativeLibrary(p, size, sha, elf.get().buildId(), elf.get().functions(), dpkg.owner(p)));
            } catch (IOException e) {
                // Unreadable: left out.
            }
        }
        return List.copyOf(out);
    }

    static boolean isSharedObject(String path) {
        return path.startsWith("/") && (path.endsWith(".so") || path.contains(".so."));
    }

    /** Every n-th shared object of a directory in name order, so the pick spreads across the alphabet. */
    private static List<String> list(Path dir, int max) {
        try (Stream<Path> s = Files.list(dir)) {
            List<String> all = s.map(Path::toString).filter(NativeLibraries::isSharedObject)
                    .filter(p -> Files.isRegularFile(Path.of(p))).sorted().toList();
            int step = Math.max(1, all.size() / Math.max(1, max));
            List<String> out = new ArrayList<>();
            for (int i = 0; i < all.size() && out.size() < max; i += step) {
                out.add(all.get(i));
            }
            return out;
        } catch (IOException e) {
            return List.of();
        }
    }
}
