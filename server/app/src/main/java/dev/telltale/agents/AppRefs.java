package dev.telltale.agents;

import dev.telltale.db.Sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Resolves application, component and version names to their ids inside the caller's
 * transaction, creating the rows that do not exist yet (agent registration; alerts recorded for
 * findings replayed after a version's agents are gone). Concurrent creators of the same row
 * meet at its unique key: the loser reads the winner's row. The memo lives as long as this
 * object, which lives for one transaction: an id created in a transaction that rolls back must
 * not outlive it.
 */
public final class AppRefs {
    /** Identifiers are constants, never input. */
    private enum Named {
        APPLICATION("applications", "team_id", "name"),
        COMPONENT("components", "application_id", "name"),
        VERSION("component_versions", "component_id", "version");

        final String select;
        final String insert;

        Named(String table, String parent, String name) {
            this.select = "SELECT id FROM " + table + " WHERE " + parent + " = ? AND " + name + " = ?";
            this.insert = "INSERT INTO " + table + " (" + parent + ", " + name + ", created_at) VALUES (?, ?, ?)";
        }
    }

    private record Ref(Named kind, long parent, String name) {
    }

    private final Connection c;
    private final Instant now;
    private final Map<Ref, Long> memo = new HashMap<>();

    public AppRefs(Connection c, Instant now) {
        this.c = c;
        this.now = now;
    }

    public long application(long teamId, String name) throws SQLException {
        return id(new Ref(Named.APPLICATION, teamId, name));
    }

    public long component(long applicationId, String name) throws SQLException {
        return id(new Ref(Named.COMPONENT, applicationId, name));
    }

    public long version(long componentId, String name) throws SQLException {
        return id(new Ref(Named.VERSION, componentId, name));
    }

    private long id(Ref ref) throws SQLException {
        Long known = memo.get(ref);
        if (known == null) {
            known = findOrCreate(ref);
            memo.put(ref, known);
        }
        return known;
    }

    private long findOrCreate(Ref ref) throws SQLException {
        Optional<Long> found = select(ref);
        if (found.isPresent()) {
            return found.get();
        }
        // A racing registration may create the same row: undo only our insert and read theirs.
        Savepoint sp = c.setSavepoint();
        try (PreparedStatement ps = c.prepareStatement(ref.kind.insert, Statement.RETURN_GENERATED_KEYS)) {
            ps.setLong(1, ref.parent);
            ps.setString(2, ref.name);
            Sql.setInstant(ps, 3, now);
            ps.executeUpdate();
            long id = Sql.generatedId(ps);
            c.releaseSavepoint(sp);
            return id;
        } catch (SQLException e) {
            if (!Sql.isDuplicateKey(e)) {
                throw e;
            }
            c.rollback(sp);
            return select(ref).orElseThrow(() -> new SQLException("row vanished after a duplicate-key conflict", e));
        }
    }

    private Optional<Long> select(Ref ref) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ref.kind.select)) {
            ps.setLong(1, ref.parent);
            ps.setString(2, ref.name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }
}
