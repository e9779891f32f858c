package dev.telltale.agents;

import dev.telltale.auth.RunTokenGrant;
import dev.telltale.db.Sql;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * {@link Agents} in the {@code agents} table and its application/component/version parents.
 * Every row is found-or-created by its natural key; when two registrations race to create the
 * same row, the loser's insert hits the unique constraint, is undone to a savepoint (so the
 * rest of its transaction survives, on PostgreSQL too) and reads the winner's row instead.
 */
final class DbAgents implements Agents {

    private final DataSource dataSource;
    private final Clock clock;

    DbAgents(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    @Override
    public AgentRecord register(RunTokenGrant grant, AgentIdentity identity) {
        AgentIdentity id = Validation.check(identity);
        return Sql.inTransaction(dataSource, c -> {
            Instant now = clock.instant();
            AppRefs refs = new AppRefs(c, now);
            long app = refs.application(grant.teamId(), id.application());
            long component = refs.component(app, id.component());
            long version = refs.version(component, id.version());
            long agent = upsertAgent(c, grant.teamId(), id, app, component, version, now);
            return new AgentRecord(agent, grant.teamId(), grant.teamName(), app, component, version);
        });
    }

    private static long upsertAgent(Connection c, long teamId, AgentIdentity id, long app, long component,
                                    long version, Instant now) throws SQLException {
        if (!updateAgent(c, teamId, id, app, component, version, now)) {
            Savepoint sp = c.setSavepoint();
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO agents (team_id, instance, kind, agent_version,"
                    + " hostname, application_id, component_id, version_id, first_seen, last_seen)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                ps.setLong(1, teamId);
                ps.setString(2, id.instance());
                ps.setString(3, id.kind());
                ps.setString(4, id.agentVersion());
                ps.setString(5, id.hostname());
                ps.setLong(6, app);
                ps.setLong(7, component);
                ps.setLong(8, version);
                Sql.setInstant(ps, 9, now);
                Sql.setInstant(ps, 10, now);
                ps.executeUpdate();
                long agentId = Sql.generatedId(ps);
                c.releaseSavepoint(sp);
                return agentId;
            } catch (SQLException e) {
                if (!Sql.isDuplicateKey(e)) {
                    throw e;
                }
                c.rollback(sp);
                updateAgent(c, teamId, id, app, component, version, now); // the racing registration created it
            }
        }
        return select(c, "SELECT id FROM agents WHERE team_id = ? AND instance = ?", teamId, id.instance())
                .orElseThrow(() -> new SQLException("agent row missing after upsert"));
    }

    @Override
    public void seen(long agentId) {
        Sql.inTransaction(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE agents SET last_seen = ? WHERE id = ?")) {
                Sql.setInstant(ps, 1, clock.instant());
                ps.setLong(2, agentId);
                return ps.executeUpdate();
            }
        });
    }

    private static boolean updateAgent(Connection c, long teamId, AgentIdentity id, long app, long component,
                                       long version, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE agents SET kind = ?, agent_version = ?, hostname = ?,"
                + " application_id = ?, component_id = ?, version_id = ?, last_seen = ?"
                + " WHERE team_id = ? AND instance = ?")) {
            ps.setString(1, id.kind());
            ps.setString(2, id.agentVersion());
            ps.setString(3, id.hostname());
            ps.setLong(4, app);
            ps.setLong(5, component);
            ps.setLong(6, version);
            Sql.setInstant(ps, 7, now);
            ps.setLong(8, teamId);
            ps.setString(9, id.instance());
            return ps.executeUpdate() > 0;
        }
    }

    private static Optional<Long> select(Connection c, String sql, long parentId, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, parentId);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }
}
