package dev.telltale.notify;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.db.Sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Agents not seen for {@code agent-gap}: each gap is reported once (remembered with the agent's
 * last_seen in {@code notify_agent_gaps}, in the transaction that writes the outbox row). Agents
 * quiet for more than a week are left alone: they were retired, not interrupted.
 */
final class AgentGaps {
    static final Duration HORIZON = Duration.ofDays(7);

    private AgentGaps() {
    }

    record Quiet(long id, long teamId, String instance, String kind, String hostname, String application,
                         String component, String version, Instant lastSeen) {
    }

    /** Writes one AGENT_GAP event per newly quiet agent; returns how many. */
    static int check(Connection c, Instant now, Duration gap) throws SQLException {
        List<Quiet> quiet = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT g.id, g.team_id, g.instance, g.kind, g.hostname,"
                + " p.name, m.name, v.version, g.last_seen FROM agents g JOIN applications p ON p.id = g.application_id"
                + " JOIN components m ON m.id = g.component_id JOIN component_versions v ON v.id = g.version_id"
                + " WHERE g.last_seen < ? AND g.last_seen > ? AND NOT EXISTS (SELECT 1 FROM notify_agent_gaps n"
                + " WHERE n.agent_id = g.id AND n.last_seen = g.last_seen) ORDER BY g.id")) {
            Sql.setInstant(ps, 1, now.minus(gap));
            Sql.setInstant(ps, 2, now.minus(gap).minus(HORIZON));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    quiet.add(new Quiet(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getString(7), rs.getString(8), Sql.instant(rs, "last_seen").orElseThrow()));
                }
            }
        }
        for (Quiet q : quiet) {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM notify_agent_gaps WHERE agent_id = ?");
                 PreparedStatement ins = c.prepareStatement("INSERT INTO notify_agent_gaps (agent_id, last_seen)"
                         + " VALUES (?, ?)")) {
                del.setLong(1, q.id);
                del.executeUpdate();
                ins.setLong(1, q.id);
                Sql.setInstant(ins, 2, q.lastSeen);
                ins.executeUpdate();
            }
            Outbox.insert(c, EventKind.AGENT_GAP, Optional.of(q.teamId), Optional.of(q.application), now, data(q, now));
        }
        return quiet.size();
    }

    /** {@code data} of agent_gap (docs/integrations.md). */
    static ObjectNode data(Quiet q, Instant now) {
        return Outbox.JSON.createObjectNode().put("agent_id", q.id).put("instance", q.instance)
                .put("agent_kind", q.kind).put("hostname", q.hostname).put("component", q.component)
                .put("version", q.version).put("last_seen", q.lastSeen.toString())
                .put("quiet_seconds", Duration.between(q.lastSeen, now).toSeconds());
    }
}
