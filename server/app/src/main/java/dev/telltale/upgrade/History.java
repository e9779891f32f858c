package dev.telltale.upgrade;

import dev.telltale.db.Database;
import dev.telltale.db.Sql;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The rows of {@code upgrade_history}. */
final class History {
    private final Database db;

    History(Database db) {
        this.db = db;
    }

    void begin(UpgradeState s) {
        Sql.inTransaction(db.dataSource(), c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO upgrade_history (id, kind, from_version, to_version,"
                    + " actor, state, started_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, s.id());
                ps.setString(2, s.kind().name());
                ps.setString(3, s.from());
                ps.setString(4, s.to());
                ps.setString(5, s.actor());
                ps.setString(6, s.phase().name());
                Sql.setInstant(ps, 7, s.started());
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Records the end of {@code s}; false when it was recorded already. The row may be missing: a
     * manual rollback restores data from before it began, so the row is written whole then.
     */
    boolean finish(UpgradeState s) {
        return Sql.inTransaction(db.dataSource(), c -> {
            String state = null;
            try (PreparedStatement ps = c.prepareStatement("SELECT state FROM upgrade_history WHERE id = ?")) {
                ps.setString(1, s.id());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        state = rs.getString(1);
                    }
                }
            }
            if (s.phase().name().equals(state)) {
                return false;
            }
            if (state == null) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO upgrade_history (id, kind, from_version,"
                        + " to_version, actor, state, started_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                    ps.setString(1, s.id());
                    ps.setString(2, s.kind().name());
                    ps.setString(3, s.from());
                    ps.setString(4, s.to());
                    ps.setString(5, s.actor());
                    ps.setString(6, s.phase().name());
                    Sql.setInstant(ps, 7, s.started());
                    ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE upgrade_history SET state = ?, message = ?, finished_at = ?,"
                    + " safety_backup = ?, previous_release = ? WHERE id = ?")) {
                ps.setString(1, s.phase().name());
                ps.setString(2, s.outcome().map(o -> o.length() > 4000 ? o.substring(0, 4000) : o).orElse(null));
                Sql.setInstant(ps, 3, s.updated());
                ps.setString(4, s.safetyBackup().orElse(null));
                ps.setString(5, s.previousRelease().orElse(null));
                ps.setString(6, s.id());
                ps.executeUpdate();
            }
            if (s.kind() == UpgradeState.Kind.ROLLBACK && s.phase() == UpgradeState.Phase.DONE && s.osBackupOf().isPresent()) {
                // The data of before the upgrade knows it only as begun: say how it ended.
                try (PreparedStatement ps = c.prepareStatement("UPDATE upgrade_history SET state = 'DONE', message = ?,"
                        + " finished_at = COALESCE(finished_at, ?) WHERE id = ? AND state NOT IN ('DONE', 'ROLLED_BACK')")) {
                    ps.setString(1, "upgraded; later rolled back by hand (" + s.id() + ")");
                    Sql.setInstant(ps, 2, s.started());
                    ps.setString(3, s.osBackupOf().get());
                    ps.executeUpdate();
                }
            }
            return true;
        });
    }

    List<Upgrades.HistoryEntry> list(int limit) {
        return Sql.inTransaction(db.dataSource(), c -> {
            List<Upgrades.HistoryEntry> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM upgrade_history ORDER BY started_at DESC")) {
                ps.setMaxRows(limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Upgrades.HistoryEntry(rs.getString("id"), UpgradeState.Kind.valueOf(rs.getString("kind")),
                                rs.getString("from_version"), rs.getString("to_version"), rs.getString("actor"),
                                UpgradeState.Phase.valueOf(rs.getString("state")),
                                Optional.ofNullable(rs.getString("safety_backup")),
                                Optional.ofNullable(rs.getString("previous_release")),
                                Optional.ofNullable(rs.getString("message")), Sql.instant(rs, "started_at").orElseThrow(),
                                Sql.instant(rs, "finished_at")));
                    }
                }
            }
            return out;
        });
    }
}
