package dev.telltale.agents;

import dev.telltale.db.Sql;
import dev.telltale.store.Scope;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link Inventory} over the agents, applications, components and versions tables (and alerts, for counts). */
final class DbInventory implements Inventory {
    /** Agents listed per application at most: beyond that the page would not help anyone. */
    static final int MAX_AGENTS = 1000;
    private static final String OPEN = "EXISTS (SELECT 1 FROM alert_occurrences o WHERE o.alert_id = a.id"
            + " AND o.state IN ('REPORTED', 'ACKNOWLEDGED'))";
    private static final String APPLICATIONS = "SELECT p.id, p.team_id, t.name, p.name,"
            + " (SELECT COUNT(*) FROM components m WHERE m.application_id = p.id),"
            + " (SELECT COUNT(*) FROM component_versions v JOIN components m ON m.id = v.component_id"
            + " WHERE m.application_id = p.id),"
            + " (SELECT COUNT(*) FROM agents g WHERE g.application_id = p.id),"
            + " (SELECT COUNT(*) FROM agents g WHERE g.application_id = p.id AND g.last_seen >= ?),"
            + " (SELECT COUNT(*) FROM alerts a WHERE a.application_id = p.id AND " + OPEN + "),"
            + " (SELECT MAX(g.last_seen) FROM agents g WHERE g.application_id = p.id) AS last_seen"
            + " FROM applications p JOIN teams t ON t.id = p.team_id WHERE 1 = 1";

    private final DataSource ds;
    private final Clock clock;
    private final Duration activeWithin;

    DbInventory(DataSource ds, Clock clock, Duration activeWithin) {
        this.ds = ds;
        this.clock = clock;
        this.activeWithin = activeWithin;
    }

    @Override
    public List<Application> applications(Scope scope) {
        if (!scope.all() && scope.teams().isEmpty()) {
            return List.of();
        }
        return Sql.inTransaction(ds, c -> applications(c, scope, Optional.empty()));
    }

    @Override
    public Optional<ApplicationDetail> application(long id, Scope scope) {
        if (!scope.all() && scope.teams().isEmpty()) {
            return Optional.empty();
        }
        return Sql.inTransaction(ds, c -> {
            Optional<Application> app = applications(c, scope, Optional.of(id)).stream().findFirst();
            if (app.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new ApplicationDetail(app.get(), components(c, id)));
        });
    }

    @Override
    public Optional<Long> applicationId(long teamId, String name, Scope scope) {
        if (!scope.all() && !scope.teams().contains(teamId)) {
            return Optional.empty();
        }
        return Sql.inTransaction(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM applications WHERE team_id = ? AND name = ?")) {
                ps.setLong(1, teamId);
                ps.setString(2, name);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
                }
            }
        });
    }

    private List<Application> applications(Connection c, Scope scope, Optional<Long> only) throws SQLException {
        List<Object> params = new ArrayList<>();
        Instant since = clock.instant().minus(activeWithin);
        params.add(since);
        StringBuilder sql = new StringBuilder(APPLICATIONS);
        if (!scope.all()) {
            sql.append(" AND p.team_id IN (").append(String.join(", ", Collections.nCopies(scope.teams().size(), "?")))
                    .append(')');
            params.addAll(scope.teams());
        }
        only.ifPresent(id -> {
            sql.append(" AND p.id = ?");
            params.add(id);
        });
        sql.append(" ORDER BY t.name, p.name");
        List<Application> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Application(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getInt(5),
                            rs.getInt(6), rs.getInt(7), rs.getInt(8), rs.getLong(9), Sql.instant(rs, "last_seen")));
                }
            }
        }
        return out;
    }

    private List<Component> components(Connection c, long appId) throws SQLException {
        Map<Long, List<Agent>> agents = agents(c, appId);
        Map<Long, List<Version>> versions = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT v.id, v.component_id, v.version, v.created_at"
                + " FROM component_versions v JOIN components m ON m.id = v.component_id WHERE m.application_id = ?"
                + " ORDER BY v.created_at DESC, v.id DESC")) {
            ps.setLong(1, appId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long id = rs.getLong(1);
                    versions.computeIfAbsent(rs.getLong(2), k -> new ArrayList<>()).add(new Version(id, rs.getString(3),
                            Sql.instant(rs, "created_at").orElseThrow(), agents.getOrDefault(id, List.of())));
                }
            }
        }
        Map<Long, Long> open = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT a.component_id, COUNT(*) FROM alerts a"
                + " WHERE a.application_id = ? AND " + OPEN + " GROUP BY a.component_id")) {
            ps.setLong(1, appId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    open.put(rs.getLong(1), rs.getLong(2));
                }
            }
        }
        List<Component> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, name FROM components WHERE application_id = ?"
                + " ORDER BY name")) {
            ps.setLong(1, appId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long id = rs.getLong(1);
                    out.add(new Component(id, rs.getString(2), open.getOrDefault(id, 0L),
                            versions.getOrDefault(id, List.of())));
                }
            }
        }
        return out;
    }

    /** The application's agents by the version they last reported, most recently seen first. */
    private Map<Long, List<Agent>> agents(Connection c, long appId) throws SQLException {
        Instant since = clock.instant().minus(activeWithin);
        Map<Long, List<Agent>> out = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, version_id, hostname, kind, agent_version, first_seen,"
                + " last_seen FROM agents WHERE application_id = ? ORDER BY last_seen DESC, id DESC")) {
            ps.setLong(1, appId);
            ps.setMaxRows(MAX_AGENTS);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Instant last = Sql.instant(rs, "last_seen").orElseThrow();
                    out.computeIfAbsent(rs.getLong(2), k -> new ArrayList<>()).add(new Agent(rs.getLong(1),
                            rs.getString(3), rs.getString(4), rs.getString(5), Sql.instant(rs, "first_seen").orElseThrow(),
                            last, !last.isBefore(since)));
                }
            }
        }
        return out;
    }

    private static void bind(PreparedStatement ps, List<Object> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            switch (params.get(i)) {
                case Long l -> ps.setLong(i + 1, l);
                case Instant t -> Sql.setInstant(ps, i + 1, t);
                default -> throw new IllegalArgumentException("unsupported parameter " + params.get(i));
            }
        }
    }
}
