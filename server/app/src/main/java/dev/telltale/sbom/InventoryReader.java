package dev.telltale.sbom;

import dev.telltale.db.Sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/** Reads one version's inventory and maps its loaded files to the packages that own them. */
final class InventoryReader {
    /** {@link Inventory.Package#origin()} of OS packages and of what was seen loading. */
    static final String HOST_ENV = "host-env";
    static final String RUNTIME = "runtime";

    private InventoryReader() {
    }

    /** A package being put together from its rows. */
    private static final class Pkg {
        String purl;
        String type;
        String name;
        String version;
        Optional<String> ecosystem = Optional.empty();
        Optional<String> licence = Optional.empty();
        Optional<String> source = Optional.empty();
        final Map<String, String> hashes = new HashMap<>();
        Instant first;
        Instant last;
        final TreeSet<String> files = new TreeSet<>();
        final TreeSet<String> loadedBy = new TreeSet<>();
        String origin;

        void loaded(Loaded l) {
            files.add(l.path);
            loadedBy.addAll(l.exes);
            first = first == null || l.first.isBefore(first) ? l.first : first;
            last = last == null || l.last.isAfter(last) ? l.last : last;
        }

        Inventory.Package build() {
            return new Inventory.Package(purl, type, name, version, ecosystem, licence, source, hashes, first != null,
                    Optional.ofNullable(first), Optional.ofNullable(last), List.copyOf(files), List.copyOf(loadedBy),
                    origin);
        }
    }

    private record Loaded(String key, String path, Optional<String> sha256, Optional<String> language,
                          Optional<String> name, Optional<String> version, Optional<String> purl,
                          Optional<String> kind, Instant first, Instant last, List<String> exes) {
    }

    static List<Inventory.Package> packages(Connection c, long versionId) throws SQLException {
        Map<String, Pkg> os = osPackages(c, versionId);
        Map<String, List<String>> owners = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT f.path_key, f.pkey FROM inv_package_files f"
                + " JOIN inv_loaded l ON l.version_id = f.version_id AND l.path_key = f.path_key WHERE f.version_id = ?")) {
            ps.setLong(1, versionId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    owners.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
                }
            }
        }
        Map<String, Pkg> others = new LinkedHashMap<>();
        for (Loaded l : loaded(c, versionId)) {
            List<String> owning = owners.getOrDefault(l.key, List.of());
            if (!owning.isEmpty()) {
                owning.forEach(pkey -> os.get(pkey).loaded(l));
            } else if (!l.kind.equals(Optional.of(InventoryRecorder.IMPORT))) {
                // (a directory read from that no reported package installs — Debian's python3-*
                // packages, say — says nothing more about the inventory)
                Pkg p = unowned(l);
                others.merge(p.purl, p, (a, b) -> a).loaded(l);
            }
        }
        List<Inventory.Package> out = new ArrayList<>(os.size() + others.size());
        os.values().forEach(p -> out.add(p.build()));
        others.values().forEach(p -> out.add(p.build()));
        out.sort(Comparator.comparing((Inventory.Package p) -> !p.loaded())
                .thenComparing(Inventory.Package::name).thenComparing(Inventory.Package::purl));
        return out;
    }

    private static Map<String, Pkg> osPackages(Connection c, long versionId) throws SQLException {
        Map<String, Pkg> os = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT pkey, name, pkg_version, source_package, licence, purl,"
                + " ecosystem, manager FROM inv_packages WHERE version_id = ?")) {
            ps.setLong(1, versionId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Pkg p = new Pkg();
                    p.type = switch (rs.getString("manager")) {
                        case "pypi" -> "pypi";
                        case "npm" -> "npm";
                        default -> "os";
                    };
                    p.name = rs.getString("name");
                    p.version = rs.getString("pkg_version");
                    p.source = Optional.ofNullable(rs.getString("source_package"));
                    p.licence = Optional.ofNullable(rs.getString("licence"));
                    p.purl = rs.getString("purl");
                    p.ecosystem = Optional.ofNullable(rs.getString("ecosystem"));
                    p.origin = HOST_ENV;
                    os.put(rs.getString("pkey"), p);
                }
            }
        }
        return os;
    }

    private static List<Loaded> loaded(Connection c, long versionId) throws SQLException {
        Map<String, List<String>> exes = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT path_key, exe FROM inv_loaded_by WHERE version_id = ?")) {
            ps.setLong(1, versionId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    exes.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
                }
            }
        }
        List<Loaded> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT path_key, path, sha256, language, name, dep_version, purl,"
                + " load_kind, first_loaded, last_loaded FROM inv_loaded WHERE version_id = ?")) {
            ps.setLong(1, versionId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String key = rs.getString("path_key");
                    out.add(new Loaded(key, rs.getString("path"), opt(rs, "sha256"), opt(rs, "language"),
                            opt(rs, "name"), opt(rs, "dep_version"), opt(rs, "purl"), opt(rs, "load_kind"),
                            Sql.instant(rs, "first_loaded").orElseThrow(), Sql.instant(rs, "last_loaded").orElseThrow(),
                            exes.getOrDefault(key, List.of())));
                }
            }
        }
        return out;
    }

    /** A loaded file no OS package owns: a language package when the agent named it, else a library. */
    private static Pkg unowned(Loaded l) {
        Pkg p = new Pkg();
        p.origin = RUNTIME;
        String file = l.path.substring(l.path.lastIndexOf('/') + 1);
        p.name = l.name.orElse(file);
        p.version = l.version.orElse("");
        l.sha256.ifPresent(h -> p.hashes.put("SHA-256", h));
        p.purl = l.purl.or(() -> languagePurl(l)).orElse("");
        String type = Purls.type(p.purl).orElse("");
        switch (type) {
            case "maven" -> p.ecosystem = Optional.of("Maven");
            case "pypi" -> p.ecosystem = Optional.of("PyPI");
            case "npm" -> p.ecosystem = Optional.of("npm");
            default -> type = "library";
        }
        p.type = type;
        if (p.purl.isEmpty()) {
            p.purl = Purls.generic(file, l.sha256);
            p.name = file;
        }
        return p;
    }

    /** A purl from the language, name and version when the agent sent none (Python and Node agents may not). */
    private static Optional<String> languagePurl(Loaded l) {
        if (l.language.isEmpty() || l.name.isEmpty() || l.version.isEmpty()) {
            return Optional.empty();
        }
        return Purls.language(l.language.get(), l.name.get(), l.version.get());
    }

    static List<Inventory.RuntimeFact> runtime(Connection c, long versionId) throws SQLException {
        List<Inventory.RuntimeFact> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT kind, detail, seen_count, first_seen, last_seen"
                + " FROM inv_runtime WHERE version_id = ? ORDER BY kind DESC, seen_count DESC, detail")) {
            ps.setLong(1, versionId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Inventory.RuntimeFact(rs.getString(1), rs.getString(2), rs.getLong(3),
                            Sql.instant(rs, "first_seen").orElseThrow(), Sql.instant(rs, "last_seen").orElseThrow()));
                }
            }
        }
        return out;
    }

    private static Optional<String> opt(ResultSet rs, String column) throws SQLException {
        return Optional.ofNullable(rs.getString(column));
    }
}
