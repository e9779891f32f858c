package dev.telltale.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.audit.Audit;
import dev.telltale.db.Sql;
import dev.telltale.secrets.SecretBox;
import dev.telltale.store.Scope;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** The {@code integrations} table; secrets sealed by {@link SecretBox}, audit rows with every change. */
final class Integrations {
    static final String COLUMNS = "i.id, i.team_id, t.name AS team, i.type, i.name, i.enabled, i.event_kinds,"
            + " i.applications, i.url, i.settings, i.secrets, i.failed, i.consecutive_failures, i.created_at,"
            + " i.updated_at, i.updated_by FROM integrations i JOIN teams t ON t.id = i.team_id";

    /** An integration with its secrets opened, for the senders (never leaves the package). */
    record Stored(Notify.Integration view, Secrets secrets) {
        @Override
        public String toString() {
            return "Stored[" + view.id() + " " + view.type() + "]";
        }

        String setting(String name) {
            return view.settings().getOrDefault(name, "");
        }
    }

    private final SecretBox box;

    Integrations(SecretBox box) {
        this.box = box;
    }

    List<Notify.Integration> list(Connection c, Scope scope) throws SQLException {
        List<Notify.Integration> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " ORDER BY t.name, i.name");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                if (scope.all() || scope.teams().contains(rs.getLong("team_id"))) {
                    out.add(read(rs).view());
                }
            }
        }
        return out;
    }

    Optional<Stored> find(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " WHERE i.id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    Stored find(Connection c, long id, Scope scope) throws SQLException {
        return find(c, id).filter(s -> scope.all() || scope.teams().contains(s.view().teamId()))
                .orElseThrow(() -> NotifyException.notFound(id));
    }

    long create(Connection c, long teamId, Drafts.Checked d, String actor, Instant now) throws SQLException {
        long id;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO integrations (team_id, type, name, enabled,"
                + " event_kinds, applications, url, settings, secrets, created_at, updated_at, updated_by)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            ps.setLong(1, teamId);
            ps.setString(2, d.draft().type().name());
            int i = bind(ps, 3, d);
            Sql.setInstant(ps, i++, now);
            Sql.setInstant(ps, i++, now);
            ps.setString(i, actor);
            ps.executeUpdate();
            id = Sql.generatedId(ps);
        } catch (SQLException e) {
            throw duplicate(e, d);
        }
        Audit.record(c, now, actor, "integration.create", "integration " + id,
                Optional.of(d.draft().type().wire() + " '" + d.draft().name() + "'"));
        return id;
    }

    void update(Connection c, Stored old, Drafts.Checked d, String actor, Instant now) throws SQLException {
        // Enabling again starts afresh: the failures that disabled it are behind.
        boolean restart = d.draft().enabled() && !old.view().enabled();
        try (PreparedStatement ps = c.prepareStatement("UPDATE integrations SET name = ?, enabled = ?,"
                + " event_kinds = ?, applications = ?, url = ?, settings = ?, secrets = ?, updated_at = ?, updated_by = ?"
                + (restart ? ", failed = FALSE, consecutive_failures = 0" : "") + " WHERE id = ?")) {
            int i = bind(ps, 1, d);
            Sql.setInstant(ps, i++, now);
            ps.setString(i++, actor);
            ps.setLong(i, old.view().id());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw duplicate(e, d);
        }
        Audit.record(c, now, actor, "integration.update", "integration " + old.view().id(),
                Optional.of(d.draft().type().wire() + " '" + d.draft().name() + "'" + (d.draft().enabled() ? ""
                        : " (disabled)")));
    }

    void delete(Connection c, Stored old, String actor, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM integrations WHERE id = ?")) {
            ps.setLong(1, old.view().id());
            ps.executeUpdate();
        }
        Audit.record(c, now, actor, "integration.delete", "integration " + old.view().id(),
                Optional.of(old.view().type().wire() + " '" + old.view().name() + "'"));
    }

    private int bind(PreparedStatement ps, int i, Drafts.Checked d) throws SQLException {
        Notify.Draft draft = d.draft();
        ps.setString(i++, draft.name());
        ps.setBoolean(i++, draft.enabled());
        ps.setString(i++, draft.kinds().stream().map(EventKind::wire).sorted().collect(Collectors.joining(",")));
        ps.setString(i++, draft.applications().isEmpty() ? null : String.join("\n", draft.applications()));
        ps.setString(i++, d.url().orElse(null));
        ObjectNode s = Outbox.JSON.createObjectNode();
        new java.util.TreeMap<>(d.settings()).forEach(s::put);
        ps.setString(i++, s.toString());
        Secrets secrets = new Secrets(d.secrets(), d.headers());
        ps.setString(i++, secrets.values().isEmpty() && secrets.headers().isEmpty() ? null : secrets.seal(box));
        return i;
    }

    private static RuntimeException duplicate(SQLException e, Drafts.Checked d) throws SQLException {
        if (Sql.isDuplicateKey(e)) {
            return NotifyException.conflict("the team already has an integration named '" + d.draft().name() + "'");
        }
        throw e;
    }

    private Stored read(ResultSet rs) throws SQLException {
        Secrets secrets = Secrets.open(box, Optional.ofNullable(rs.getString("secrets")));
        Set<EventKind> kinds = new LinkedHashSet<>();
        for (String k : rs.getString("event_kinds").split(",")) {
            EventKind.parse(k).ifPresent(kinds::add);
        }
        String apps = rs.getString("applications");
        Map<String, String> settings = new LinkedHashMap<>();
        JsonNode s = Outbox.parse(rs.getString("settings"));
        s.fields().forEachRemaining(e -> settings.put(e.getKey(), e.getValue().asText()));
        Notify.Integration view = new Notify.Integration(rs.getLong("id"), rs.getLong("team_id"), rs.getString("team"),
                IntegrationType.valueOf(rs.getString("type")), rs.getString("name"), rs.getBoolean("enabled"),
                kinds, apps == null ? List.of() : Arrays.asList(apps.split("\n")),
                Optional.ofNullable(rs.getString("url")), settings, new TreeSet<>(secrets.values().keySet()),
                List.copyOf(secrets.headers().keySet()), rs.getBoolean("failed"), rs.getInt("consecutive_failures"),
                Sql.instant(rs, "created_at").orElseThrow(), Sql.instant(rs, "updated_at").orElseThrow(),
                rs.getString("updated_by"));
        return new Stored(view, secrets);
    }
}
