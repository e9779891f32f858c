package dev.telltale.loadgen;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Installed Debian packages of this machine: {@code /var/lib/dpkg/status} for name, version,
 * source and architecture, the first {@code License:} line of
 * {@code /usr/share/doc/<pkg>/copyright} for the licence, and the {@code info/*.list} files
 * for which package owns a shared library. Reading is bounded: at most
 * {@value #COPYRIGHT_HEAD} bytes of each copyright file and {@value #MAX_LIST_BYTES} bytes of
 * file lists in total.
 */
public final class DpkgDatabase {
    /** One installed package. {@code license} is empty when the copyright file names none. */
    public record Package(String name, String version, String source, String arch, String license) {
    }

    static final int COPYRIGHT_HEAD = 8 << 10;
    static final long MAX_LIST_BYTES = 16L << 20;

    private final List<Package> packages;
    private final Map<String, Package> byName = new HashMap<>();
    private final Map<String, String> libraryOwners;

    private DpkgDatabase(List<Package> packages, Map<String, String> libraryOwners) {
        this.packages = packages;
        this.libraryOwners = libraryOwners;
        for (Package p : packages) {
            byName.putIfAbsent(p.name(), p);
        }
    }

    /** Reads the database under {@code root} (normally {@code /}); empty lists when there is none. */
    public static DpkgDatabase read(Path root) {
        Path status = root.resolve("var/lib/dpkg/status");
        List<Package> pkgs = new ArrayList<>();
        if (Files.isReadable(status)) {
            try {
                parseStatus(Files.readString(status, StandardCharsets.UTF_8), root, pkgs);
            } catch (IOException e) {
                // A machine without a readable dpkg database simply has no OS packages to report.
            }
        }
        return new DpkgDatabase(List.copyOf(pkgs), libraryOwners(root.resolve("var/lib/dpkg/info")));
    }

    private static void parseStatus(String text, Path root, List<Package> out) {
        for (String stanza : text.split("\n\n")) {
            Map<String, String> f = new HashMap<>();
            for (String line : stanza.split("\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && !line.startsWith(" ")) {
                    f.put(line.substring(0, colon), line.substring(colon + 1).trim());
                }
            }
            String name = f.get("Package");
            if (name == null || !f.getOrDefault("Status", "").endsWith(" installed")) {
                continue;
            }
            String source = f.getOrDefault("Source", name);
            // "Source: glibc (2.36-9)" carries the source version in parentheses.
            int paren = source.indexOf(' ');
            if (paren > 0) {
                source = source.substring(0, paren);
            }
            out.add(new Package(name, f.getOrDefault("Version", ""), source, f.getOrDefault("Architecture", ""),
                    license(root.resolve("usr/share/doc").resolve(name).resolve("copyright"))));
        }
    }

    private static String license(Path copyright) {
        try (InputStream in = Files.newInputStream(copyright)) {
            String head = new String(in.readNBytes(COPYRIGHT_HEAD), StandardCharsets.UTF_8);
            for (String line : head.split("\n")) {
                if (line.startsWith("License:")) {
                    String l = line.substring("License:".length()).trim();
                    if (!l.isEmpty()) {
                        return l;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // No copyright file: the licence is unknown, which is what the event then says.
        }
        return "";
    }

    private static Map<String, String> libraryOwners(Path info) {
        Map<String, String> owners = new HashMap<>();
        if (!Files.isDirectory(info)) {
            return owners;
        }
        long budget = MAX_LIST_BYTES;
        try (Stream<Path> s = Files.list(info)) {
            for (Path list : s.filter(p -> p.toString().endsWith(".list")).sorted().toList()) {
                long size = Files.size(list);
                if (size > budget) {
                    break;
                }
                budget -= size;
                String pkg = list.getFileName().toString();
                pkg = pkg.substring(0, pkg.length() - ".list".length());
                int colon = pkg.indexOf(':');
                String name = colon > 0 ? pkg.substring(0, colon) : pkg;
                for (String line : Files.readAllLines(list, StandardCharsets.UTF_8)) {
                    if (line.contains(".so")) {
                        owners.putIfAbsent(canonical(line), name);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // Ownership is a nicety for package_info events; partial knowledge is fine.
        }
        return owners;
    }

    /** Debian lists files under /lib while processes map them under /usr/lib (merged /usr). */
    static String canonical(String path) {
        return path.startsWith("/lib") ? "/usr" + path : path;
    }

    public List<Package> packages() {
        return packages;
    }

    /** The package owning a file, if dpkg knows one. */
    public Optional<Package> owner(String path) {
        String name = libraryOwners.get(canonical(path));
        return name == null ? Optional.empty() : Optional.ofNullable(byName.get(name));
    }
}
