package dev.telltale.notify;

import dev.telltale.audit.Audit;
import dev.telltale.db.Sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The outbox's state in Derby: fan-out of events into deliveries, the deliveries due, and each
 * attempt's result (backoff, giving up, disabling an integration that keeps failing). Every
 * method runs inside the caller's transaction.
 */
final class Deliveries {
    private static final String DELIVERY_COLUMNS = "d.id, d.delivery_uid, d.event_id, e.kind, d.status, d.attempts,"
            + " d.created_at, d.next_attempt_at, d.last_attempt_at, d.last_result, d.delivered_at";
    static final int RESULT_MAX = 500;

    private final NotifyConfig config;

    Deliveries(NotifyConfig config) {
        this.config = config;
    }

    private record Target(long id, long teamId, Set<String> kinds, List<String> applications) {
        boolean wants(String kind, Optional<Long> team, Optional<String> application) {
            return kinds.contains(kind) && team.map(t -> t == teamId).orElse(true)
                    && (applications.isEmpty() || application.map(applications::contains).orElse(true));
        }
    }

    /**
     * Turns up to {@code limit} undispatched events into one PENDING delivery per enabled integration
     * that subscribes to them, and marks them dispatched. Returns how many events it took.
     */
    int fanOut(Connection c, Instant now, int limit) throws SQLException {
        List<Target> targets = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, team_id, event_kinds, applications FROM integrations"
                + " WHERE enabled = TRUE"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String apps = rs.getString(4);
                targets.add(new Target(rs.getLong(1), rs.getLong(2), Set.of(rs.getString(3).split(",")),
                        apps == null ? List.of() : Arrays.asList(apps.split("\n"))));
            }
        }
        int n = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT id, kind, team_id, application FROM notify_events"
                + " WHERE dispatched = FALSE ORDER BY id FETCH FIRST ? ROWS ONLY");
             PreparedStatement mark = c.prepareStatement("UPDATE notify_events SET dispatched = TRUE WHERE id = ?")) {
            ps.setInt(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long event = rs.getLong(1);
                    long team = rs.getLong(3);
                    Optional<Long> teamId = rs.wasNull() ? Optional.empty() : Optional.of(team);
                    Optional<String> app = Optional.ofNullable(rs.getString(4));
                    for (Target t : targets) {
                        if (t.wants(rs.getString(2), teamId, app)) {
                            insert(c, event, t.id, now);
                        }
                    }
                    mark.setLong(1, event);
                    mark.executeUpdate();
                    n++;
                }
            }
        }
        return n;
    }

    static long insert(Connection c, long eventId, long integrationId, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO notify_deliveries (delivery_uid, event_id,"
                + " integration_id, status, next_attempt_at, created_at) VALUES (?, ?, ?, 'PENDING', ?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, UUID.randomUUID().toString());
            ps.setLong(2, eventId);
            ps.setLong(3, integrationId);
            Sql.setInstant(ps, 4, now);
            Sql.setInstant(ps, 5, now);
            ps.executeUpdate();
            return Sql.generatedId(ps);
        }
    }

    /** PENDING deliveries due by {@code now} of enabled integrations (test ones always), oldest due first. */
    List<Outbox.Outgoing> due(Connection c, Instant now, int limit, Set<Long> skip) throws SQLException {
        List<Outbox.Outgoing> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT d.id, d.delivery_uid, d.integration_id, d.event_id,"
                + " e.kind, e.team_id, e.application, e.occurred_at, e.payload, d.attempts FROM notify_deliveries d"
                + " JOIN notify_events e ON e.id = d.event_id JOIN integrations i ON i.id = d.integration_id"
                + " WHERE d.status = 'PENDING' AND d.next_attempt_at <= ? AND (i.enabled = TRUE OR e.kind = 'test')"
                + " ORDER BY d.next_attempt_at, d.id FETCH FIRST ? ROWS ONLY")) {
            Sql.setInstant(ps, 1, now);
            ps.setInt(2, limit + skip.size());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next() && out.size() < limit) {
                    if (skip.contains(rs.getLong(1))) {
                        continue;
                    }
                    long team = rs.getLong(6);
                    Optional<Long> teamId = rs.wasNull() ? Optional.empty() : Optional.of(team);
                    out.add(new Outbox.Outgoing(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getLong(4),
                            EventKind.parse(rs.getString(5)).orElse(EventKind.SYSTEM), teamId,
                            Optional.ofNullable(rs.getString(7)), Sql.instant(rs, "occurred_at").orElseThrow(),
                            rs.getString(9), rs.getInt(10) + 1));
                }
            }
        }
        return out;
    }

    /** The receiver accepted it: DELIVERED, and the integration's run of failures ends. */
    void delivered(Connection c, Outbox.Outgoing o, String result, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE notify_deliveries SET status = 'DELIVERED',"
                + " attempts = attempts + 1, last_attempt_at = ?, delivered_at = ?, last_result = ? WHERE id = ?"
                + " AND status = 'PENDING'")) {
            Sql.setInstant(ps, 1, now);
            Sql.setInstant(ps, 2, now);
            ps.setString(3, clip(result));
            ps.setLong(4, o.deliveryId());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE integrations SET consecutive_failures = 0"
                + " WHERE id = ? AND consecutive_failures <> 0")) {
            ps.setLong(1, o.integrationId());
            ps.executeUpdate();
        }
    }

    /**
     * An attempt failed: retry after the backoff, or FAILED after {@code max-attempts} (a test
     * delivery at once). Returns true when this failure disabled the integration.
     */
    boolean failed(Connection c, Outbox.Outgoing o, String result, Instant now) throws SQLException {
        boolean test = o.kind() == EventKind.TEST;
        boolean giveUp = test || o.attempt() >= config.maxAttempts();
        try (PreparedStatement ps = c.prepareStatement("UPDATE notify_deliveries SET status = ?, attempts = attempts + 1,"
                + " last_attempt_at = ?, next_attempt_at = ?, last_result = ? WHERE id = ? AND status = 'PENDING'")) {
            ps.setString(1, giveUp ? "FAILED" : "PENDING");
            Sql.setInstant(ps, 2, now);
            Sql.setInstant(ps, 3, now.plus(backoff(o.attempt())));
            ps.setString(4, clip(result));
            ps.setLong(5, o.deliveryId());
            ps.executeUpdate();
        }
        if (test) {
            return false; // a test send reports, it does not count against the integration
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE integrations SET consecutive_failures ="
                + " consecutive_failures + 1 WHERE id = ?")) {
            ps.setLong(1, o.integrationId());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE integrations SET enabled = FALSE, failed = TRUE"
                + " WHERE id = ? AND enabled = TRUE AND consecutive_failures >= ?")) {
            ps.setLong(1, o.integrationId());
            ps.setInt(2, config.failureLimit());
            if (ps.executeUpdate() == 0) {
                return false;
            }
        }
        Audit.record(c, now, "system", "integration.disable", "integration " + o.integrationId(),
                Optional.of(config.failureLimit() + " deliveries failed in a row; last: " + clip(result)));
        return true;
    }

    /** Exponential backoff after attempt {@code attempt} (1-based): base, 2×base, 4×base… at most retry-max. */
    Duration backoff(int attempt) {
        Duration d = config.retryBase();
        for (int i = 1; i < attempt && d.compareTo(config.retryMax()) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(config.retryMax()) > 0 ? config.retryMax() : d;
    }

    /**
     * Deletes deliveries finished (DELIVERED or FAILED) before {@code before}, then the dispatched
     * events older than that which no delivery points to any more. Returns the deliveries deleted.
     */
    static int prune(Connection c, Instant before) throws SQLException {
        int n;
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM notify_deliveries WHERE status <> 'PENDING'"
                + " AND created_at < ?")) {
            Sql.setInstant(ps, 1, before);
            n = ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM notify_events WHERE dispatched = TRUE"
                + " AND occurred_at < ? AND NOT EXISTS (SELECT 1 FROM notify_deliveries d WHERE d.event_id = notify_events.id)")) {
            Sql.setInstant(ps, 1, before);
            ps.executeUpdate();
        }
        return n;
    }

    List<Notify.Delivery> log(Connection c, long integrationId, int limit) throws SQLException {
        List<Notify.Delivery> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + DELIVERY_COLUMNS + " FROM notify_deliveries d"
                + " JOIN notify_events e ON e.id = d.event_id WHERE d.integration_id = ? ORDER BY d.id DESC"
                + " FETCH FIRST ? ROWS ONLY")) {
            ps.setLong(1, integrationId);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
        }
        return out;
    }

    static Notify.Delivery one(Connection c, long deliveryId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + DELIVERY_COLUMNS + " FROM notify_deliveries d"
                + " JOIN notify_events e ON e.id = d.event_id WHERE d.id = ?")) {
            ps.setLong(1, deliveryId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("delivery " + deliveryId + " missing");
                }
                return read(rs);
            }
        }
    }

    private static Notify.Delivery read(ResultSet rs) throws SQLException {
        String status = rs.getString("status");
        return new Notify.Delivery(rs.getLong("id"), rs.getString("delivery_uid"), rs.getLong("event_id"),
                EventKind.parse(rs.getString("kind")).orElse(EventKind.SYSTEM), status, rs.getInt("attempts"),
                Sql.instant(rs, "created_at").orElseThrow(),
                status.equals("PENDING") ? Sql.instant(rs, "next_attempt_at") : Optional.empty(),
                Sql.instant(rs, "last_attempt_at"), Optional.ofNullable(rs.getString("last_result")),
                Sql.instant(rs, "delivered_at"));
    }

    static String clip(String s) {
        return s.length() <= RESULT_MAX ? s : s.substring(0, RESULT_MAX);
    }
}
