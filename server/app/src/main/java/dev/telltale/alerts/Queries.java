package dev.telltale.alerts;

import dev.telltale.alerts.Alerts.AlertPage;
import dev.telltale.alerts.Alerts.AlertQuery;
import dev.telltale.alerts.Alerts.AlertSummary;
import dev.telltale.db.Sql;
import dev.telltale.policy.RuleInfo;
import dev.telltale.policy.Severity;
import dev.telltale.store.Scope;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** Reading alerts: the filtered list, one alert's summary, an occurrence. */
final class Queries {
    private static final String SUMMARY = "SELECT a.id, a.team_id, p.name, m.name, a.rule_id, a.alert_key, a.severity,"
            + " a.first_seen, a.last_seen, a.event_count FROM alerts a JOIN applications p ON p.id = a.application_id"
            + " JOIN components m ON m.id = a.component_id WHERE 1 = 1";
    static final String OCCURRENCE = "SELECT o.id, o.alert_id, v.version, o.state, o.state_expires_at, o.event_count,"
            + " o.first_seen, o.last_seen, o.carried_from FROM alert_occurrences o"
            + " JOIN component_versions v ON v.id = o.version_id";

    private final Function<String, Optional<RuleInfo>> rules;

    Queries(Function<String, Optional<RuleInfo>> rules) {
        this.rules = rules;
    }

    AlertPage list(Connection c, AlertQuery q) throws SQLException {
        Optional<Where> filtered = filtered(new StringBuilder(SUMMARY), q);
        if (filtered.isEmpty()) {
            return new AlertPage(List.of(), Optional.empty());
        }
        Where w = filtered.get();
        boolean bySeverity = q.sort() == Alerts.Sort.SEVERITY;
        if (q.after().isPresent()) {
            PageCursor after = PageCursor.decode(q.after().get());
            if (after.severity().isPresent() != bySeverity) {
                throw new IllegalArgumentException("'after' is not a cursor of a page in this order");
            }
            String newer = "(a.last_seen < ? OR (a.last_seen = ? AND a.id < ?))";
            if (bySeverity) {
                // P1 sorts first as the smallest string; within a severity, newest first.
                String sev = after.severity().get();
                w.and("(a.severity > ? OR (a.severity = ? AND " + newer + "))", sev, sev, after.time(), after.time(),
                        after.id());
            } else {
                w.and(newer, after.time(), after.time(), after.id());
            }
        }
        w.sql.append(bySeverity ? " ORDER BY a.severity, a.last_seen DESC, a.id DESC"
                : " ORDER BY a.last_seen DESC, a.id DESC");
        List<AlertSummary> rows = summaries(c, w, q.limit() + 1);
        Optional<String> next = Optional.empty();
        if (rows.size() > q.limit()) {
            rows = rows.subList(0, q.limit());
            AlertSummary last = rows.get(rows.size() - 1);
            next = Optional.of(new PageCursor(last.lastSeen(), last.id(),
                    bySeverity ? Optional.of(last.severity().name()) : Optional.empty()).encode());
        }
        return new AlertPage(rows, next);
    }

    long count(Connection c, AlertQuery q) throws SQLException {
        Optional<Where> filtered = filtered(new StringBuilder("SELECT COUNT(*) FROM alerts a JOIN applications p"
                + " ON p.id = a.application_id JOIN components m ON m.id = a.component_id WHERE 1 = 1"), q);
        if (filtered.isEmpty()) {
            return 0;
        }
        try (PreparedStatement ps = filtered.get().prepare(c); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The query's filters on {@code select}; empty when its scope sees nothing at all. */
    private static Optional<Where> filtered(StringBuilder select, AlertQuery q) {
        Where w = new Where(select);
        if (!scope(w, q.scope())) {
            return Optional.empty();
        }
        w.in("a.severity", q.severities().stream().map(Severity::name).toList());
        if (!q.states().isEmpty()) {
            w.sql.append(" AND EXISTS (SELECT 1 FROM alert_occurrences o WHERE o.alert_id = a.id");
            w.in("o.state", q.states().stream().map(TriageState::name).toList());
            w.sql.append(')');
        }
        q.application().ifPresent(v -> w.and("p.name = ?", v));
        q.component().ifPresent(v -> w.and("m.name = ?", v));
        q.rule().ifPresent(v -> w.and("a.rule_id = ?", v));
        q.from().ifPresent(v -> w.and("a.last_seen >= ?", v));
        q.to().ifPresent(v -> w.and("a.last_seen < ?", v));
        return Optional.of(w);
    }

    /** Adds the team restriction; false when the scope sees nothing at all. */
    private static boolean scope(Where w, Scope scope) {
        if (scope.all()) {
            return true;
        }
        if (scope.teams().isEmpty()) {
            return false;
        }
        w.in("a.team_id", List.copyOf(scope.teams()));
        return true;
    }

    Optional<AlertSummary> summary(Connection c, long alertId, Scope scope) throws SQLException {
        Where w = new Where(new StringBuilder(SUMMARY));
        if (!scope(w, scope)) {
            return Optional.empty();
        }
        w.and("a.id = ?", alertId);
        return summaries(c, w, 1).stream().findFirst();
    }

    private List<AlertSummary> summaries(Connection c, Where w, int max) throws SQLException {
        List<AlertSummary> rows = new ArrayList<>();
        try (PreparedStatement ps = w.prepare(c)) {
            ps.setMaxRows(max);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String rule = rs.getString(5);
                    rows.add(new AlertSummary(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rule,
                            rules.apply(rule), rs.getString(6), Severity.valueOf(rs.getString(7).trim()),
                            Sql.instant(rs, "first_seen").orElseThrow(), Sql.instant(rs, "last_seen").orElseThrow(),
                            rs.getLong(10), Map.of()));
                }
            }
        }
        Map<Long, Map<TriageState, Integer>> states = states(c, rows.stream().map(AlertSummary::id).toList());
        return rows.stream().map(a -> new AlertSummary(a.id(), a.teamId(), a.application(), a.component(), a.ruleId(),
                a.rule(), a.key(), a.severity(), a.firstSeen(), a.lastSeen(), a.events(),
                states.getOrDefault(a.id(), Map.of()))).toList();
    }

    /** How many occurrences of each alert are in each state. */
    private static Map<Long, Map<TriageState, Integer>> states(Connection c, Collection<Long> alertIds)
            throws SQLException {
        Map<Long, Map<TriageState, Integer>> out = new HashMap<>();
        if (alertIds.isEmpty()) {
            return out;
        }
        Where w = new Where(new StringBuilder("SELECT alert_id, state, COUNT(*) FROM alert_occurrences WHERE 1 = 1"));
        w.in("alert_id", List.copyOf(alertIds));
        w.sql.append(" GROUP BY alert_id, state");
        try (PreparedStatement ps = w.prepare(c); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.computeIfAbsent(rs.getLong(1), k -> new EnumMap<>(TriageState.class))
                        .put(TriageState.valueOf(rs.getString(2)), rs.getInt(3));
            }
        }
        return out;
    }

    static Alerts.Occurrence occurrence(Connection c, long occurrenceId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(OCCURRENCE + " WHERE o.id = ?")) {
            ps.setLong(1, occurrenceId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new AlertNotFoundException("no occurrence " + occurrenceId);
                }
                return occurrence(rs);
            }
        }
    }

    /** The alert an occurrence belongs to; 0 when there is no such occurrence. */
    static long occurrenceOf(Connection c, long occurrenceId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT alert_id FROM alert_occurrences WHERE id = ?")) {
            ps.setLong(1, occurrenceId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    static Alerts.Occurrence occurrence(ResultSet rs) throws SQLException {
        long carried = rs.getLong("carried_from");
        Optional<Long> carriedFrom = rs.wasNull() ? Optional.empty() : Optional.of(carried);
        return new Alerts.Occurrence(rs.getLong("id"), rs.getLong("alert_id"), rs.getString("version"),
                TriageState.valueOf(rs.getString("state")), Sql.instant(rs, "state_expires_at"),
                rs.getLong("event_count"), Sql.instant(rs, "first_seen").orElseThrow(),
                Sql.instant(rs, "last_seen").orElseThrow(), carriedFrom);
    }
}
