package dev.telltale.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.db.Sql;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.Optional;

/**
 * Rows of {@code notify_events}, written inside the caller's transaction, and the envelope each
 * delivery sends (docs/integrations.md): the stored event with its delivery id and event id.
 */
final class Outbox {
    static final String SCHEMA = "telltale.notification/1";
    static final ObjectMapper JSON = new ObjectMapper();

    private Outbox() {
    }

    /** Inserts one event; returns its id. {@code teamId} empty: a system event for every team. */
    static long insert(Connection c, EventKind kind, Optional<Long> teamId, Optional<String> application, Instant at,
                       ObjectNode data) throws SQLException {
        ObjectNode stored = JSON.createObjectNode();
        stored.put("team", teamId.isPresent() ? teamName(c, teamId.get()) : null);
        stored.set("data", data);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO notify_events (kind, team_id, application,"
                + " occurred_at, payload) VALUES (?, ?, ?, ?, ?)", java.sql.Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, kind.wire());
            if (teamId.isPresent()) {
                ps.setLong(2, teamId.get());
            } else {
                ps.setNull(2, Types.BIGINT);
            }
            ps.setString(3, application.orElse(null));
            Sql.setInstant(ps, 4, at);
            ps.setString(5, stored.toString());
            ps.executeUpdate();
            return Sql.generatedId(ps);
        }
    }

    private static String teamName(Connection c, long teamId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT name FROM teams WHERE id = ?")) {
            ps.setLong(1, teamId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** The JSON a webhook receives, in the documented field order. */
    static ObjectNode envelope(Outgoing o) {
        JsonNode stored = parse(o.storedPayload());
        ObjectNode e = JSON.createObjectNode();
        e.put("schema", SCHEMA);
        e.put("delivery_id", o.deliveryUid());
        e.put("event_id", o.eventId());
        e.put("kind", o.kind().wire());
        e.put("occurred_at", o.occurredAt().toString());
        if (o.teamId().isPresent()) {
            e.put("team_id", o.teamId().get());
        } else {
            e.putNull("team_id");
        }
        e.set("team", stored.path("team").isMissingNode() ? JSON.nullNode() : stored.get("team"));
        e.put("application", o.application().orElse(null));
        e.set("data", stored.path("data").isObject() ? stored.get("data") : JSON.createObjectNode());
        return e;
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("an outbox row is not JSON", e);
        }
    }

    /** One delivery as a sender sees it. {@code storedPayload}: the outbox row's payload column. */
    record Outgoing(long deliveryId, String deliveryUid, long integrationId, long eventId, EventKind kind,
                    Optional<Long> teamId, Optional<String> application, Instant occurredAt, String storedPayload,
                    int attempt) {
        /** The event's {@code data} object. */
        JsonNode data() {
            return parse(storedPayload).path("data");
        }
    }
}
