package dev.telltale.alerts;

import dev.telltale.audit.Audit;
import dev.telltale.db.Sql;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/** Transitions and comments a person asks for; each with a history or comment row and an audit row. */
final class Triage {
    private final DataSource ds;
    private final Clock clock;
    private final AlertsConfig config;
    private final AlertEvents events;

    Triage(DataSource ds, Clock clock, AlertsConfig config, AlertEvents events) {
        this.ds = ds;
        this.events = events;
        this.clock = clock;
        this.config = config;
    }

    Alerts.Occurrence transition(long alertId, long occurrenceId, TriageState to, Optional<String> comment,
                                 Optional<Instant> expiresAt, String actor) {
        comment.ifPresent(Triage::checkText);
        Instant now = clock.instant();
        checkExpiry(to, expiresAt, now);
        return Sql.inTransaction(ds, c -> {
            TriageState from = state(c, alertId, occurrenceId);
            if (to == TriageState.FIXED) {
                throw InvalidTransitionException.conflict("FIXED cannot be set by hand: the appliance sets it when a"
                        + " newer version of the component has run for a while without the alert");
            }
            if (!from.manualTargets().contains(to)) {
                throw InvalidTransitionException.conflict(from == to ? "the occurrence is already " + to
                        : "cannot move an occurrence from " + from + " to " + to + "; allowed: " + from.manualTargets());
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE alert_occurrences SET state = ?,"
                    + " state_expires_at = ? WHERE id = ? AND state = ?")) {
                ps.setString(1, to.name());
                Sql.setInstant(ps, 2, expiresAt);
                ps.setLong(3, occurrenceId);
                ps.setString(4, from.name());
                if (ps.executeUpdate() == 0) {
                    throw InvalidTransitionException.conflict("the occurrence changed state meanwhile; reload it");
                }
            }
            History.write(c, events, occurrenceId, now, actor, Optional.of(from), to, expiresAt, comment);
            Audit.record(c, now, actor, "alert.transition", target(alertId, occurrenceId),
                    Optional.of(from + " -> " + to + expiresAt.map(e -> " until " + e).orElse("")));
            return Queries.occurrence(c, occurrenceId);
        });
    }

    Alerts.Comment comment(long alertId, long occurrenceId, String text, String actor) {
        checkText(text);
        Instant now = clock.instant();
        return Sql.inTransaction(ds, c -> {
            state(c, alertId, occurrenceId);
            long id;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO alert_comments (occurrence_id, created_at,"
                    + " actor, body) VALUES (?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                ps.setLong(1, occurrenceId);
                Sql.setInstant(ps, 2, now);
                ps.setString(3, actor);
                ps.setString(4, text);
                ps.executeUpdate();
                id = Sql.generatedId(ps);
            }
            Audit.record(c, now, actor, "alert.comment", target(alertId, occurrenceId),
                    Optional.of(text.length() + " characters"));
            String version = Queries.occurrence(c, occurrenceId).version();
            return new Alerts.Comment(id, occurrenceId, version, now, actor, text);
        });
    }

    private void checkExpiry(TriageState to, Optional<Instant> expiresAt, Instant now) {
        TriageChecks.expiry(to, expiresAt, now, config.maxRiskAcceptance(), "the occurrence").ifPresent(m -> {
            throw InvalidTransitionException.invalid(m);
        });
    }

    private static void checkText(String text) {
        TriageChecks.comment(text).ifPresent(m -> {
            throw InvalidTransitionException.invalid(m);
        });
    }

    /** The occurrence's state, checking that the alert exists and the occurrence is its. */
    private static TriageState state(Connection c, long alertId, long occurrenceId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT a.id, o.state FROM alerts a LEFT JOIN"
                + " alert_occurrences o ON o.alert_id = a.id AND o.id = ? WHERE a.id = ?")) {
            ps.setLong(1, occurrenceId);
            ps.setLong(2, alertId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new AlertNotFoundException("no alert " + alertId);
                }
                String s = rs.getString(2);
                if (s == null) {
                    throw new AlertNotFoundException("alert " + alertId + " has no occurrence " + occurrenceId);
                }
                return TriageState.valueOf(s);
            }
        }
    }

    private static String target(long alertId, long occurrenceId) {
        return "alert " + alertId + " occurrence " + occurrenceId;
    }
}
