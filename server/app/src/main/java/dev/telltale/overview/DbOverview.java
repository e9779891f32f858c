package dev.telltale.overview;

import dev.telltale.db.DatabaseException;
import dev.telltale.db.Sql;
import dev.telltale.store.Scope;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

final class DbOverview implements Overview {
    private static final String OPEN = "o.state IN ('REPORTED', 'ACKNOWLEDGED')";
    private final DataSource ds;
    private final Clock clock;
    private final Duration activeWithin;

    DbOverview(DataSource ds, Clock clock, Duration activeWithin) {
        this.ds = ds;
        this.clock = clock;
        this.activeWithin = activeWithin;
    }

    @Override
    public Summary summary(Scope scope) {
        if (!scope.all() && scope.teams().isEmpty()) {
            return new Summary(Map.of(), Map.of(), List.of(), 0, 0, 0);
        }
        String teams = scope.all() ? "1 = 1" : "%s IN (" + scope.teams().stream().map(String::valueOf)
                .collect(Collectors.joining(", ")) + ")";
        try (Connection c = ds.getConnection()) {
            Map<String, Long> bySeverity = groups(c, "SELECT a.severity, COUNT(*) FROM alert_occurrences o JOIN alerts a"
                    + " ON a.id = o.alert_id WHERE " + OPEN + " AND " + teams.formatted("a.team_id") + " GROUP BY a.severity");
            Map<String, Long> byState = groups(c, "SELECT o.state, COUNT(*) FROM alert_occurrences o JOIN alerts a"
                    + " ON a.id = o.alert_id WHERE " + teams.formatted("a.team_id") + " GROUP BY o.state");
            List<RuleCount> top = new ArrayList<>();
            groups(c, "SELECT a.rule_id, COUNT(DISTINCT a.id) FROM alerts a JOIN alert_occurrences o ON a.id = o.alert_id"
                    + " WHERE " + OPEN + " AND " + teams.formatted("a.team_id") + " GROUP BY a.rule_id")
                    .entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()
                            .thenComparing(Map.Entry.comparingByKey()))
                    .limit(8).forEach(e -> top.add(new RuleCount(e.getKey(), e.getValue())));
            long active = count(c, "SELECT COUNT(*) FROM agents WHERE last_seen >= ? AND " + teams.formatted("team_id"), true);
            long agents = count(c, "SELECT COUNT(*) FROM agents WHERE " + teams.formatted("team_id"), false);
            long apps = count(c, "SELECT COUNT(*) FROM applications WHERE " + teams.formatted("team_id"), false);
            return new Summary(bySeverity, byState, top, active, agents, apps);
        } catch (SQLException e) {
            throw new DatabaseException("cannot read the overview", e);
        }
    }

    private static Map<String, Long> groups(Connection c, String sql) throws SQLException {
        Map<String, Long> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1).trim(), rs.getLong(2));
            }
        }
        return out;
    }

    private long count(Connection c, String sql, boolean since) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (since) {
                Sql.setInstant(ps, 1, clock.instant().minus(activeWithin));
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
