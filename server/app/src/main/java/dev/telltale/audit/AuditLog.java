package dev.telltale.audit;

import dev.telltale.db.Database;
import dev.telltale.db.DatabaseException;
import dev.telltale.db.Sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** Reading the append-only audit log, newest first (there is no way to change or delete rows). */
public final class AuditLog {
    /** One row. */
    public record Entry(long id, Instant at, String actor, String action, String target, Optional<String> detail,
                        Optional<String> sourceAddress) {
    }

    /** Filters; empty ones do not filter. {@code beforeId} pages (rows with smaller ids). */
    public record Query(Optional<Instant> from, Optional<Instant> to, Optional<String> actor, Optional<String> action,
                        Optional<Long> beforeId) {
    }

    private final Database db;

    public AuditLog(Database db) {
        this.db = db;
    }

    /** Up to {@code limit} rows matching {@code q}, newest first. */
    public List<Entry> list(Query q, int limit) {
        List<Entry> out = new ArrayList<>();
        scan(q, limit, out::add);
        return out;
    }

    /** Every row matching {@code q}, newest first, handed to {@code sink} as read (for exports). */
    public void export(Query q, Consumer<Entry> sink) {
        scan(q, Integer.MAX_VALUE, sink);
    }

    private void scan(Query q, int limit, Consumer<Entry> sink) {
        StringBuilder sql = new StringBuilder("SELECT id, occurred_at, actor, action, target, detail, source_address"
                + " FROM audit_log WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        q.from().ifPresent(v -> { sql.append(" AND occurred_at >= ?"); args.add(v); });
        q.to().ifPresent(v -> { sql.append(" AND occurred_at <= ?"); args.add(v); });
        q.actor().ifPresent(v -> { sql.append(" AND actor = ?"); args.add(v); });
        q.action().ifPresent(v -> { sql.append(" AND action = ?"); args.add(v); });
        q.beforeId().ifPresent(v -> { sql.append(" AND id < ?"); args.add(v); });
        sql.append(" ORDER BY id DESC");
        try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                Object a = args.get(i);
                if (a instanceof Instant t) {
                    Sql.setInstant(ps, i + 1, t);
                } else if (a instanceof Long n) {
                    ps.setLong(i + 1, n);
                } else {
                    ps.setString(i + 1, (String) a);
                }
            }
            if (limit != Integer.MAX_VALUE) {
                ps.setMaxRows(limit);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sink.accept(new Entry(rs.getLong(1), Sql.instant(rs, "occurred_at").orElseThrow(), rs.getString(3),
                            rs.getString(4), rs.getString(5), Optional.ofNullable(rs.getString(6)),
                            Optional.ofNullable(rs.getString(7))));
                }
            }
        } catch (SQLException e) {
            throw new DatabaseException("cannot read the audit log", e);
        }
    }

    /**
     * Appends one row in a transaction of its own, for actions that change nothing in the
     * database (an export moves data out). Callers must never pass secrets.
     *
     * @throws DatabaseException when the row cannot be written; the caller must then not act
     */
    public void record(String actor, String action, String target, Optional<String> detail) {
        dev.telltale.db.Sql.inTransaction(db.dataSource(), c -> {
            Audit.record(c, Instant.now(), actor, action, target, detail);
            return null;
        });
    }
}
