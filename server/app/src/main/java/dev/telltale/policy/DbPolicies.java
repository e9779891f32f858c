package dev.telltale.policy;

import dev.telltale.audit.Audit;
import dev.telltale.db.Database;
import dev.telltale.db.DatabaseException;
import dev.telltale.db.Sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/** Policies in Derby, with the compiled snapshot republished after every change. */
final class DbPolicies implements Policies {
    private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N} ._:()-]{0,99}");
    private final Database db;
    private final List<Rule> catalogue;
    private final Map<String, RuleInfo> infos = new LinkedHashMap<>();
    private final Clock clock;
    private final AtomicReference<PolicySnapshot> current = new AtomicReference<>();

    DbPolicies(Database db, List<Rule> catalogue, Clock clock) {
        this.db = db;
        this.catalogue = List.copyOf(catalogue);
        this.clock = clock;
        for (Rule r : catalogue) {
            if (infos.put(r.info().id(), r.info()) != null) {
                throw new IllegalArgumentException("duplicate rule id " + r.info().id());
            }
        }
        if (catalogue.size() > 64) {
            throw new IllegalArgumentException("at most 64 rules: each needs a mark bit");
        }
        reload();
    }

    @Override
    public List<Rule> catalogue() {
        return catalogue;
    }

    @Override
    public PolicySnapshot current() {
        return current.get();
    }

    @Override
    public List<Policy> list() {
        return read(this::loadPolicies);
    }

    @Override
    public Optional<Policy> byId(long id) {
        return list().stream().filter(p -> p.id() == id).findFirst();
    }

    @Override
    public Optional<Policy> byName(String name) {
        return list().stream().filter(p -> p.name().equals(name)).findFirst();
    }

    @Override
    public Policy create(PolicyDraft draft, Optional<Long> team, String actor) {
        String name = validName(draft.name());
        Policy base = byName(draft.basedOn().orElse(STANDARD))
                .orElseThrow(() -> PolicyException.invalid("no policy named '" + draft.basedOn().orElse("") + "' to start from"));
        if (base.teamId().isPresent() && !base.teamId().equals(team)) {
            throw PolicyException.invalid("'" + base.name() + "' belongs to another team and cannot be cloned here");
        }
        Map<String, RuleSetting> rules = PolicyChanges.apply(infos, base.rules(), draft.changes());
        Instant now = clock.instant();
        long id = write(c -> {
            long newId;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO policies (name, description, built_in, based_on, "
                    + "revision, created_at, created_by, updated_at, updated_by, team_id) VALUES (?, ?, FALSE, ?, 1, ?, ?, ?, ?, ?)",
                    PreparedStatement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, name);
                ps.setString(2, description(draft));
                ps.setString(3, base.name());
                Sql.setInstant(ps, 4, now);
                ps.setString(5, actor);
                Sql.setInstant(ps, 6, now);
                ps.setString(7, actor);
                if (team.isPresent()) {
                    ps.setLong(8, team.get());
                } else {
                    ps.setNull(8, java.sql.Types.BIGINT);
                }
                ps.executeUpdate();
                newId = Sql.generatedId(ps);
            }
            writeRules(c, newId, rules);
            Audit.record(c, now, actor, "policy.create", name, Optional.of("based on " + base.name()
                    + team.map(t -> ", team " + t).orElse("")));
            return newId;
        }, name);
        return byId(id).orElseThrow();
    }

    @Override
    public Policy update(long id, PolicyDraft draft, String actor) {
        Policy old = byId(id).orElseThrow(() -> PolicyException.notFound("no policy " + id));
        if (old.builtIn()) {
            throw new PolicyException(PolicyException.Kind.READ_ONLY,
                    "'" + old.name() + "' is built in and read-only; clone it to change it");
        }
        String name = validName(draft.name());
        Map<String, RuleSetting> rules = PolicyChanges.apply(infos, old.rules(), draft.changes());
        Instant now = clock.instant();
        write(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE policies SET name = ?, description = ?, "
                    + "revision = revision + 1, updated_at = ?, updated_by = ? WHERE id = ? AND built_in = FALSE")) {
                ps.setString(1, name);
                ps.setString(2, description(draft));
                Sql.setInstant(ps, 3, now);
                ps.setString(4, actor);
                ps.setLong(5, id);
                if (ps.executeUpdate() != 1) {
                    throw new SQLException("policy vanished", "02000");
                }
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM policy_rules WHERE policy_id = ?")) {
                ps.setLong(1, id);
                ps.executeUpdate();
            }
            writeRules(c, id, rules);
            Audit.record(c, now, actor, "policy.update", name,
                    Optional.of(PolicyChanges.describe(old.rules(), rules) + (name.equals(old.name()) ? "" : "; renamed from " + old.name())));
            return id;
        }, name);
        return byId(id).orElseThrow(() -> PolicyException.notFound("no policy " + id));
    }

    @Override
    public void delete(long id, String actor) {
        Policy p = byId(id).orElseThrow(() -> PolicyException.notFound("no policy " + id));
        if (p.builtIn()) {
            throw new PolicyException(PolicyException.Kind.READ_ONLY, "'" + p.name() + "' is built in and cannot be deleted");
        }
        if (defaultPolicy().id() == id || assignments().stream().anyMatch(a -> a.policy().equals(Optional.of(p.name())))) {
            throw new PolicyException(PolicyException.Kind.CONFLICT,
                    "'" + p.name() + "' is in use (default policy or assigned to an application)");
        }
        write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM policies WHERE id = ? AND built_in = FALSE")) {
                ps.setLong(1, id);
                ps.executeUpdate();
            }
            Audit.record(c, clock.instant(), actor, "policy.delete", p.name(), Optional.empty());
            return id;
        }, p.name());
    }

    @Override
    public List<Assignment> assignments() {
        return read(c -> {
            List<Assignment> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT a.id, a.team_id, t.name, a.name, p.name FROM applications a "
                    + "JOIN teams t ON t.id = a.team_id LEFT JOIN application_policies ap ON ap.application_id = a.id "
                    + "LEFT JOIN policies p ON p.id = ap.policy_id ORDER BY t.name, a.name");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Assignment(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                            Optional.ofNullable(rs.getString(5))));
                }
            }
            return out;
        });
    }

    @Override
    public Assignment assign(long applicationId, Optional<Long> policyId, String actor) {
        Assignment app = assignments().stream().filter(a -> a.applicationId() == applicationId).findFirst()
                .orElseThrow(() -> PolicyException.notFound("no application " + applicationId));
        Optional<Policy> policy = policyId.map(id -> byId(id).orElseThrow(() -> PolicyException.notFound("no policy " + id)));
        if (policy.flatMap(Policy::teamId).filter(t -> t != app.teamId()).isPresent()) {
            throw PolicyException.invalid("'" + policy.get().name() + "' belongs to another team than " + app.application());
        }
        write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM application_policies WHERE application_id = ?")) {
                ps.setLong(1, applicationId);
                ps.executeUpdate();
            }
            if (policy.isPresent()) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO application_policies "
                        + "(application_id, policy_id, assigned_at, assigned_by) VALUES (?, ?, ?, ?)")) {
                    ps.setLong(1, applicationId);
                    ps.setLong(2, policy.get().id());
                    Sql.setInstant(ps, 3, clock.instant());
                    ps.setString(4, actor);
                    ps.executeUpdate();
                }
            }
            Audit.record(c, clock.instant(), actor, "policy.assign", app.teamName() + "/" + app.application(),
                    Optional.of(policy.map(p -> "policy " + p.name()).orElse("default policy")));
            return applicationId;
        }, "");
        return new Assignment(app.applicationId(), app.teamId(), app.teamName(), app.application(), policy.map(Policy::name));
    }

    @Override
    public Policy defaultPolicy() {
        long id = read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT default_policy_id FROM policy_settings WHERE id = 1");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
        return byId(id).orElseThrow();
    }

    @Override
    public void setDefault(long policyId, String actor) {
        Policy p = byId(policyId).orElseThrow(() -> PolicyException.notFound("no policy " + policyId));
        write(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE policy_settings SET default_policy_id = ? WHERE id = 1")) {
                ps.setLong(1, policyId);
                ps.executeUpdate();
            }
            Audit.record(c, clock.instant(), actor, "policy.default", p.name(), Optional.empty());
            return policyId;
        }, p.name());
    }

    private static String validName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw PolicyException.invalid("a policy name is 1-100 letters, digits, spaces or . _ : ( ) -, starting with a letter or digit");
        }
        return name;
    }

    private static String description(PolicyDraft d) {
        if (d.description().length() > 1000) {
            throw PolicyException.invalid("'description' is longer than 1000 characters");
        }
        return d.description();
    }

    private void writeRules(Connection c, long policyId, Map<String, RuleSetting> rules) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO policy_rules (policy_id, rule_id, enabled, severity, params) VALUES (?, ?, ?, ?, ?)")) {
            for (RuleInfo info : infos.values()) {
                RuleSetting s = rules.get(info.id());
                String params = ParamJson.toText(info, s.params());
                if (params.length() > 32000) {
                    throw PolicyException.invalid("parameters of rule " + info.id() + " are too large (over 32000 characters)");
                }
                ps.setLong(1, policyId);
                ps.setString(2, info.id());
                ps.setBoolean(3, s.enabled());
                ps.setString(4, s.severity().name());
                ps.setString(5, params);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Policies as stored, built-ins derived from the catalogue. */
    private List<Policy> loadPolicies(Connection c) throws SQLException {
        Map<Long, Map<String, RuleSetting>> custom = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT policy_id, rule_id, enabled, severity, params FROM policy_rules");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                RuleInfo info = infos.get(rs.getString(2));
                if (info != null) { // a rule removed from the catalogue is simply gone
                    custom.computeIfAbsent(rs.getLong(1), k -> new HashMap<>()).put(info.id(), new RuleSetting(
                            rs.getBoolean(3), Severity.valueOf(rs.getString(4)), ParamJson.fromText(info, rs.getString(5))));
                }
            }
        }
        List<Policy> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, name, description, built_in, based_on, revision, "
                + "updated_at, updated_by, team_id FROM policies ORDER BY built_in DESC, name");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String name = rs.getString(2);
                boolean builtIn = rs.getBoolean(4);
                Map<String, RuleSetting> rules = builtIn ? builtIn(name) : complete(custom.getOrDefault(rs.getLong(1), Map.of()));
                out.add(new Policy(rs.getLong(1), name, rs.getString(3), builtIn, Optional.ofNullable(rs.getString(5)),
                        rs.getInt(6), Sql.instant(rs, "updated_at").orElseThrow(), rs.getString(8), rules,
                        Optional.ofNullable(rs.getObject(9)).map(o -> ((Number) o).longValue())));
            }
        }
        return out;
    }

    private Map<String, RuleSetting> builtIn(String name) {
        Map<String, RuleSetting> m = new LinkedHashMap<>();
        infos.values().forEach(i -> m.put(i.id(), RuleSetting.defaults(i, MAX_ALERT.equals(name) || i.inStandard())));
        return m;
    }

    /** Rules added to the catalogue after a custom policy was saved start as Standard has them. */
    private Map<String, RuleSetting> complete(Map<String, RuleSetting> stored) {
        Map<String, RuleSetting> m = new LinkedHashMap<>();
        infos.values().forEach(i -> m.put(i.id(), stored.getOrDefault(i.id(), RuleSetting.defaults(i, i.inStandard()))));
        return m;
    }

    private void reload() {
        current.set(read(c -> {
            Map<String, CompiledPolicy> compiled = new HashMap<>();
            Map<String, Long> owners = new HashMap<>();
            for (Policy p : loadPolicies(c)) {
                compiled.put(p.name(), new CompiledPolicy(p.name(), catalogue, p.rules()));
                p.teamId().ifPresent(t -> owners.put(p.name(), t));
            }
            Map<PolicySnapshot.AppKey, String> assigned = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT a.team_id, a.name, p.name FROM application_policies ap "
                    + "JOIN applications a ON a.id = ap.application_id JOIN policies p ON p.id = ap.policy_id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    assigned.put(new PolicySnapshot.AppKey(rs.getLong(1), rs.getString(2)), rs.getString(3));
                }
            }
            String def;
            try (PreparedStatement ps = c.prepareStatement("SELECT p.name FROM policy_settings s "
                    + "JOIN policies p ON p.id = s.default_policy_id WHERE s.id = 1");
                 ResultSet rs = ps.executeQuery()) {
                def = rs.next() ? rs.getString(1) : STANDARD;
            }
            return new PolicySnapshot(compiled, assigned, def, owners);
        }));
    }

    private <T> T read(Sql.Work<T> work) {
        try (Connection c = db.dataSource().getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new DatabaseException("cannot read policies", e);
        }
    }

    /** One audited change, then the new snapshot. A duplicate name is a CONFLICT. */
    private long write(Sql.Work<Long> work, String name) {
        try {
            long r = Sql.inTransaction(db.dataSource(), work);
            reload();
            return r;
        } catch (DatabaseException e) {
            if (e.getCause() instanceof SQLException s && Sql.isDuplicateKey(s)) {
                throw new PolicyException(PolicyException.Kind.CONFLICT, "a policy named '" + name + "' already exists");
            }
            throw e;
        }
    }
}
