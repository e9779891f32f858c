package dev.telltale.sbom;

import dev.telltale.db.Sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes buffered facts inside the engine's checkpoint transaction. Idempotent: a row takes a
 * batch only when the batch's newest event id is newer than the row's {@code last_uid}, so a
 * batch written again (a retried or replayed checkpoint) leaves every row as it was.
 */
final class InventoryWriter {
    private InventoryWriter() {
    }

    static void write(Connection tx, List<Facts> batch) throws SQLException {
        for (Facts f : batch) {
            long id = version(tx, f);
            if (f.hostEnv != null) {
                packages(tx, id, f);
            }
            if (!f.loads.isEmpty()) {
                loads(tx, id, f);
            }
            if (!f.runtime.isEmpty()) {
                runtime(tx, id, f);
            }
        }
    }

    private static long version(Connection tx, Facts f) throws SQLException {
        Facts.Key k = f.key;
        Optional<Long> id = versionId(tx, k);
        if (id.isEmpty()) {
            try (PreparedStatement ps = tx.prepareStatement("INSERT INTO inv_versions (team_id, application, component,"
                    + " version, updated_at) VALUES (?, ?, ?, ?, ?)", java.sql.Statement.RETURN_GENERATED_KEYS)) {
                ps.setLong(1, k.teamId());
                ps.setString(2, k.application());
                ps.setString(3, k.component());
                ps.setString(4, k.version());
                Sql.setInstant(ps, 5, f.lastTime);
                ps.executeUpdate();
                id = Optional.of(Sql.generatedId(ps));
            }
        } else {
            try (PreparedStatement ps = tx.prepareStatement(
                    "UPDATE inv_versions SET updated_at = ? WHERE id = ? AND updated_at < ?")) {
                Sql.setInstant(ps, 1, f.lastTime);
                ps.setLong(2, id.get());
                Sql.setInstant(ps, 3, f.lastTime);
                ps.executeUpdate();
            }
        }
        if (f.hostEnv != null) {
            Distro d = f.hostEnv.distro();
            try (PreparedStatement ps = tx.prepareStatement("UPDATE inv_versions SET os_name = ?, os_version = ?,"
                    + " ecosystem = ?, hostname = ? WHERE id = ?")) {
                ps.setString(1, clip(d.id(), 256));
                ps.setString(2, clip(d.versionId(), 256));
                ps.setString(3, d.ecosystem().orElse(null));
                ps.setString(4, clip(f.hostEnv.hostname(), 256));
                ps.setLong(5, id.get());
                ps.executeUpdate();
            }
        }
        return id.get();
    }

    static Optional<Long> versionId(Connection c, Facts.Key k) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM inv_versions WHERE team_id = ? AND application = ?"
                + " AND component = ? AND version = ?")) {
            ps.setLong(1, k.teamId());
            ps.setString(2, k.application());
            ps.setString(3, k.component());
            ps.setString(4, k.version());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }

    /**
     * Upserts each package; its file list is rewritten only when it changed (most reports repeat
     * the last). Current rows are looked up with IN lists and the writes go in batches: a host
     * reports thousands of packages, and one statement each made every report cost seconds.
     */
    private static void packages(Connection tx, long versionId, Facts f) throws SQLException {
        Distro distro = f.hostEnv.distro();
        String ecosystem = distro.ecosystem().orElse(null);
        long uid = f.hostEnvUid;
        int rows = count(tx, "inv_packages", versionId);
        Map<String, Facts.OsPackage> byKey = new java.util.LinkedHashMap<>();
        for (Facts.OsPackage p : f.hostEnv.packages()) {
            if (!p.name().isEmpty()) {
                byKey.putIfAbsent(Keys.sha256(p.manager() + "\u0000" + p.name() + "\u0000" + p.arch()), p);
            }
        }
        Map<String, String[]> current = lookup(tx, "SELECT pkey, last_uid, files_digest FROM inv_packages WHERE version_id = ?"
                + " AND pkey IN ", versionId, byKey.keySet(), rs -> rs.getString(1),
                rs -> new String[]{Long.toString(rs.getLong(2)), rs.getString(3)});
        try (PreparedStatement upd = tx.prepareStatement("UPDATE inv_packages SET pkg_version = ?, source_package = ?,"
                     + " licence = ?, purl = ?, ecosystem = ?, files_digest = ?, last_uid = ? WHERE version_id = ? AND pkey = ?");
             PreparedStatement ins = tx.prepareStatement("INSERT INTO inv_packages (pkg_version, source_package, licence,"
                     + " purl, ecosystem, files_digest, last_uid, version_id, pkey, manager, name, arch)"
                     + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
             PreparedStatement delFiles = tx.prepareStatement(
                     "DELETE FROM inv_package_files WHERE version_id = ? AND pkey = ?");
             PreparedStatement insFile = tx.prepareStatement(
                     "INSERT INTO inv_package_files (version_id, path_key, pkey, path) VALUES (?, ?, ?, ?)")) {
            for (Map.Entry<String, Facts.OsPackage> e : byKey.entrySet()) {
                String pkey = e.getKey();
                Facts.OsPackage p = e.getValue();
                String digest = Keys.sha256(String.join("\u0000", p.files()));
                String[] row = current.get(pkey);
                boolean exists = row != null;
                if (exists && Long.parseLong(row[0]) >= uid) {
                    continue; // this batch, or a newer report, is already in
                }
                if (!exists && rows >= Limits.PACKAGES) {
                    continue;
                }
                PreparedStatement w = exists ? upd : ins;
                w.setString(1, clip(p.version(), 256));
                w.setString(2, blankToNull(clip(p.source(), 512)));
                w.setString(3, blankToNull(clip(p.licence(), 1024)));
                Optional<String> language = Purls.languageEcosystem(p.manager());
                w.setString(4, clip(language.flatMap(l -> Purls.language(p.manager(), p.name(), p.version()))
                        .orElseGet(() -> Purls.os(distro, p.manager(), p.name(), p.version(), p.arch())), 2048));
                w.setString(5, language.orElse(ecosystem));
                w.setString(6, digest);
                w.setLong(7, uid);
                w.setLong(8, versionId);
                w.setString(9, pkey);
                if (!exists) {
                    w.setString(10, clip(p.manager(), 16));
                    w.setString(11, clip(p.name(), 512));
                    w.setString(12, blankToNull(clip(p.arch(), 64)));
                    rows++;
                }
                w.addBatch();
                if (exists && digest.equals(row[1])) {
                    continue;
                }
                if (exists) {
                    delFiles.setLong(1, versionId);
                    delFiles.setString(2, pkey);
                    delFiles.addBatch();
                }
                java.util.Set<String> keys = new java.util.HashSet<>();
                for (String path : p.files()) {
                    String key = Keys.path(path);
                    if (!keys.add(key)) {
                        continue; // /lib/x and /usr/lib/x in one list are one file
                    }
                    insFile.setLong(1, versionId);
                    insFile.setString(2, key);
                    insFile.setString(3, pkey);
                    insFile.setString(4, clip(path, 4096));
                    insFile.addBatch();
                }
            }
            // Rows first, then the file lists they own: old lists out before new ones in.
            upd.executeBatch();
            ins.executeBatch();
            delFiles.executeBatch();
            insFile.executeBatch();
        }
    }

    private static void loads(Connection tx, long versionId, Facts f) throws SQLException {
        int rows = count(tx, "inv_loaded", versionId);
        Map<String, Facts.Load> written = new java.util.LinkedHashMap<>();
        Map<String, Facts.Load> byKey = new java.util.LinkedHashMap<>();
        for (Facts.Load l : f.loads.values()) {
            // the same file by its other /usr-merge path in this batch: one row, as if seen once
            byKey.putIfAbsent(Keys.path(l.path), l);
        }
        Map<String, Long> lastUids = lastUids(tx, "SELECT path_key, last_uid FROM inv_loaded WHERE version_id = ?"
                + " AND path_key IN ", versionId, byKey.keySet(), rs -> rs.getString(1));
        try (PreparedStatement upd = tx.prepareStatement("UPDATE inv_loaded SET load_count = load_count + ?,"
                     + " first_loaded = CASE WHEN first_loaded > ? THEN ? ELSE first_loaded END,"
                     + " last_loaded = CASE WHEN last_loaded < ? THEN ? ELSE last_loaded END,"
                     + " sha256 = COALESCE(?, sha256), language = COALESCE(?, language), name = COALESCE(?, name),"
                     + " dep_version = COALESCE(?, dep_version), purl = COALESCE(?, purl),"
                     + " load_kind = COALESCE(?, load_kind), last_uid = ? WHERE version_id = ? AND path_key = ?");
             PreparedStatement ins = tx.prepareStatement("INSERT INTO inv_loaded (version_id, path_key, path, sha256,"
                     + " language, name, dep_version, purl, load_kind, load_count, first_loaded, last_loaded, last_uid)"
                     + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (Map.Entry<String, Facts.Load> e : byKey.entrySet()) {
                String key = e.getKey();
                Facts.Load l = e.getValue();
                Row row = row(lastUids.get(key), f.maxUid);
                if (row == Row.CURRENT) {
                    continue;
                }
                if (row == Row.STALE) {
                    upd.setLong(1, l.count);
                    Sql.setInstant(upd, 2, l.first);
                    Sql.setInstant(upd, 3, l.first);
                    Sql.setInstant(upd, 4, l.last);
                    Sql.setInstant(upd, 5, l.last);
                    string(upd, 6, l.sha256, 64);
                    string(upd, 7, l.language, 32);
                    string(upd, 8, l.name, 512);
                    string(upd, 9, l.version, 256);
                    string(upd, 10, l.purl, 1024);
                    string(upd, 11, l.kind, 32);
                    upd.setLong(12, f.maxUid);
                    upd.setLong(13, versionId);
                    upd.setString(14, key);
                    upd.addBatch();
                } else {
                    if (rows >= Limits.LOADED_FILES) {
                        continue;
                    }
                    rows++;
                    ins.setLong(1, versionId);
                    ins.setString(2, key);
                    ins.setString(3, clip(l.path, 4096));
                    string(ins, 4, l.sha256, 64);
                    string(ins, 5, l.language, 32);
                    string(ins, 6, l.name, 512);
                    string(ins, 7, l.version, 256);
                    string(ins, 8, l.purl, 1024);
                    string(ins, 9, l.kind, 32);
                    ins.setLong(10, l.count);
                    Sql.setInstant(ins, 11, l.first);
                    Sql.setInstant(ins, 12, l.last);
                    ins.setLong(13, f.maxUid);
                    ins.addBatch();
                }
                written.put(key, l);
            }
            // One round of statements per checkpoint rather than one per loaded file.
            upd.executeBatch();
            ins.executeBatch();
        }
        loaders(tx, versionId, written);
    }

    /** Adds the executables that loaded each written file, up to {@link Limits#LOADERS_PER_FILE} per file. */
    private static void loaders(Connection tx, long versionId, Map<String, Facts.Load> written) throws SQLException {
        List<String> keys = written.entrySet().stream().filter(e -> !e.getValue().exes.isEmpty()).map(Map.Entry::getKey)
                .toList();
        if (keys.isEmpty()) {
            return;
        }
        Map<String, java.util.Set<String>> have = new java.util.HashMap<>();
        for (int from = 0; from < keys.size(); from += IN_CHUNK) {
            List<String> chunk = keys.subList(from, Math.min(keys.size(), from + IN_CHUNK));
            try (PreparedStatement ps = tx.prepareStatement("SELECT path_key, exe_key FROM inv_loaded_by WHERE version_id = ?"
                    + " AND path_key IN " + marks(chunk.size()))) {
                ps.setLong(1, versionId);
                bindPadded(ps, 2, chunk);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        have.computeIfAbsent(rs.getString(1), k -> new java.util.HashSet<>()).add(rs.getString(2));
                    }
                }
            }
        }
        try (PreparedStatement ins = tx.prepareStatement(
                "INSERT INTO inv_loaded_by (version_id, path_key, exe_key, exe) VALUES (?, ?, ?, ?)")) {
            for (String pathKey : keys) {
                java.util.Set<String> exes = have.computeIfAbsent(pathKey, k -> new java.util.HashSet<>());
                for (String exe : written.get(pathKey).exes) {
                    String exeKey = Keys.sha256(exe);
                    if (exes.size() >= Limits.LOADERS_PER_FILE || !exes.add(exeKey)) {
                        continue;
                    }
                    ins.setLong(1, versionId);
                    ins.setString(2, pathKey);
                    ins.setString(3, exeKey);
                    ins.setString(4, clip(exe, 4096));
                    ins.addBatch();
                }
            }
            ins.executeBatch();
        }
    }

    private static void runtime(Connection tx, long versionId, Facts f) throws SQLException {
        int rows = count(tx, "inv_runtime", versionId);
        Map<String, Facts.Seen> byKey = new java.util.LinkedHashMap<>();
        for (Facts.Seen s : f.runtime.values()) {
            byKey.put(s.kind + "\u0000" + Keys.sha256(s.detail), s);
        }
        java.util.Set<String> detailKeys = new java.util.LinkedHashSet<>();
        byKey.keySet().forEach(k -> detailKeys.add(k.substring(k.indexOf('\u0000') + 1)));
        Map<String, Long> lastUids = lastUids(tx, "SELECT detail_key, last_uid, kind FROM inv_runtime"
                + " WHERE version_id = ? AND detail_key IN ", versionId, detailKeys,
                rs -> rs.getString(3) + "\u0000" + rs.getString(1));
        try (PreparedStatement upd = tx.prepareStatement("UPDATE inv_runtime SET seen_count = seen_count + ?,"
                     + " first_seen = CASE WHEN first_seen > ? THEN ? ELSE first_seen END,"
                     + " last_seen = CASE WHEN last_seen < ? THEN ? ELSE last_seen END, last_uid = ?"
                     + " WHERE version_id = ? AND kind = ? AND detail_key = ?");
             PreparedStatement ins = tx.prepareStatement("INSERT INTO inv_runtime (version_id, kind, detail_key, detail,"
                     + " seen_count, first_seen, last_seen, last_uid) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (Map.Entry<String, Facts.Seen> e : byKey.entrySet()) {
                Facts.Seen s = e.getValue();
                String key = e.getKey().substring(e.getKey().indexOf('\u0000') + 1);
                Row row = row(lastUids.get(e.getKey()), f.maxUid);
                if (row == Row.CURRENT) {
                    continue;
                }
                if (row == Row.STALE) {
                    upd.setLong(1, s.count);
                    Sql.setInstant(upd, 2, s.first);
                    Sql.setInstant(upd, 3, s.first);
                    Sql.setInstant(upd, 4, s.last);
                    Sql.setInstant(upd, 5, s.last);
                    upd.setLong(6, f.maxUid);
                    upd.setLong(7, versionId);
                    upd.setString(8, s.kind);
                    upd.setString(9, key);
                    upd.addBatch();
                } else if (rows < Limits.RUNTIME_FACTS) {
                    rows++;
                    ins.setLong(1, versionId);
                    ins.setString(2, s.kind);
                    ins.setString(3, key);
                    ins.setString(4, s.detail);
                    ins.setLong(5, s.count);
                    Sql.setInstant(ins, 6, s.first);
                    Sql.setInstant(ins, 7, s.last);
                    ins.setLong(8, f.maxUid);
                    ins.addBatch();
                }
            }
            upd.executeBatch();
            ins.executeBatch();
        }
    }

    /** Whether a counting row is missing, older than this batch, or already holds it (its {@code last_uid}). */
    private enum Row { MISSING, STALE, CURRENT }

    /** Which a row is for a batch up to {@code maxUid}, from its {@code last_uid} (null: no row). */
    private static Row row(Long lastUid, long maxUid) {
        if (lastUid == null) {
            return Row.MISSING;
        }
        return lastUid >= maxUid ? Row.CURRENT : Row.STALE;
    }

    /** The map key of a looked-up row. */
    @FunctionalInterface
    private interface RowKey {
        String of(ResultSet rs) throws SQLException;
    }

    /** Keys per lookup: few statements per checkpoint, each with a bounded IN list. */
    private static final int IN_CHUNK = 200;
    /**
     * The IN-list lengths used. Derby compiles every distinct statement text into a class and caches
     * about a hundred: one text per list length thrashed that cache, so every checkpoint compiled
     * SQL again (and the JIT compiled the generated classes), which cost more than the lookups.
     */
    private static final int[] IN_SIZES = {1, 4, 16, 64, IN_CHUNK};

    /** "(?, ?, …)" for {@code n} keys, padded to the next of {@link #IN_SIZES}. */
    private static String marks(int n) {
        return "(" + String.join(", ", java.util.Collections.nCopies(padded(n), "?")) + ")";
    }

    private static int padded(int n) {
        for (int size : IN_SIZES) {
            if (n <= size) {
                return size;
            }
        }
        throw new IllegalArgumentException("more than " + IN_CHUNK + " keys in one IN list");
    }

    /** Binds {@code keys} from parameter {@code first} on, repeating the last key up to the padded length. */
    private static void bindPadded(PreparedStatement ps, int first, List<String> keys) throws SQLException {
        int n = padded(keys.size());
        for (int i = 0; i < n; i++) {
            ps.setString(first + i, keys.get(Math.min(i, keys.size() - 1)));
        }
    }

    /**
     * Runs {@code select} (returning a key and a {@code last_uid}, ending in "… IN ") for the
     * version and {@code keys}, a chunk of keys per statement; the keys found with their {@code last_uid}.
     */
    private static Map<String, Long> lastUids(Connection tx, String select, long versionId, java.util.Collection<String> keys,
                                              RowKey rowKey) throws SQLException {
        return lookup(tx, select, versionId, keys, rowKey, rs -> rs.getLong(2));
    }

    /** A looked-up row's value. */
    @FunctionalInterface
    private interface RowValue<T> {
        T of(ResultSet rs) throws SQLException;
    }

    /** As {@link #lastUids}, keeping what {@code value} reads from each row. */
    private static <T> Map<String, T> lookup(Connection tx, String select, long versionId, java.util.Collection<String> keys,
                                             RowKey rowKey, RowValue<T> value) throws SQLException {
        Map<String, T> out = new java.util.HashMap<>();
        List<String> all = new java.util.ArrayList<>(keys);
        for (int from = 0; from < all.size(); from += IN_CHUNK) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + IN_CHUNK));
            try (PreparedStatement ps = tx.prepareStatement(select + marks(chunk.size()))) {
                ps.setLong(1, versionId);
                bindPadded(ps, 2, chunk);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rowKey.of(rs), value.of(rs));
                    }
                }
            }
        }
        return out;
    }

    private static int count(Connection tx, String table, long versionId) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement("SELECT COUNT(*) FROM " + table + " WHERE version_id = ?")) {
            ps.setLong(1, versionId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static void string(PreparedStatement ps, int i, Optional<String> v, int max) throws SQLException {
        if (v.isPresent()) {
            ps.setString(i, clip(v.get(), max));
        } else {
            ps.setNull(i, Types.VARCHAR);
        }
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    private static String blankToNull(String s) {
        return s.isEmpty() ? null : s;
    }

}
