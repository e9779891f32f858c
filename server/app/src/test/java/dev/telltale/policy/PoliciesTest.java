package dev.telltale.policy;

import dev.telltale.db.Database;
import dev.telltale.journal.AgentContext;
import dev.telltale.protocol.event.EventType;
import dev.telltale.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PoliciesTest {
    @TempDir
    Path data;
    private Database db;
    private Policies policies;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T10:00:00Z"));

    @BeforeEach
    void open() {
        db = Database.open(data);
        policies = Policies.create(db, TestRules.all(), clock);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private static PolicyDraft.RuleChange change(Boolean enabled, Severity severity, Map<String, Object> params) {
        return new PolicyDraft.RuleChange(Optional.ofNullable(enabled), Optional.ofNullable(severity), params);
    }

    @Test
    void builtInPoliciesFollowTheCatalogueAndAreReadOnly() {
        Policy standard = policies.byName(Policies.STANDARD).orElseThrow();
        Policy max = policies.byName(Policies.MAX_ALERT).orElseThrow();
        assertTrue(standard.rules().get("test.shadow-open").enabled());
        assertFalse(standard.rules().get("test.root-bound").enabled(), "noisy rules stay out of Standard");
        assertTrue(max.rules().values().stream().allMatch(RuleSetting::enabled));
        assertEquals(Policies.STANDARD, policies.defaultPolicy().name());
        PolicyException e = assertThrows(PolicyException.class, () -> policies.update(standard.id(),
                new PolicyDraft("Standard", "", Optional.empty(), Map.of()), "admin"));
        assertEquals(PolicyException.Kind.READ_ONLY, e.kind());
        assertEquals(PolicyException.Kind.READ_ONLY,
                assertThrows(PolicyException.class, () -> policies.delete(max.id(), "admin")).kind());
    }

    @Test
    void aCloneKeepsItsBaseAndAppliesChanges() {
        Policy p = policies.create(new PolicyDraft("Payments", "for the payment apps", Optional.of(Policies.MAX_ALERT),
                Map.of("test.shadow-open", change(null, Severity.P1, Map.of("paths", List.of("/etc/shadow", "/etc/gshadow"))),
                        "test.root-bound", change(false, null, Map.of()))), "alice");
        assertEquals(Optional.of(Policies.MAX_ALERT), p.basedOn());
        assertEquals(Severity.P1, p.rules().get("test.shadow-open").severity());
        assertEquals(List.of("/etc/shadow", "/etc/gshadow"), p.rules().get("test.shadow-open").params().get("paths"));
        assertFalse(p.rules().get("test.root-bound").enabled());

        Policy changed = policies.update(p.id(), new PolicyDraft("Payments", "", Optional.empty(),
                Map.of("test.root-bound", change(true, Severity.P3, Map.of()))), "bob");
        assertEquals(2, changed.revision());
        assertEquals(Severity.P3, changed.rules().get("test.root-bound").severity());
        assertEquals(Severity.P1, changed.rules().get("test.shadow-open").severity(), "untouched rules keep their setting");
        assertEquals(List.of("alice policy.create Payments", "bob policy.update Payments"), audit());
    }

    @Test
    void badChangesAreRefusedWithTheirReason() {
        assertInvalid("no rule 'test.nope'", new PolicyDraft("X", "", Optional.empty(),
                Map.of("test.nope", change(true, null, Map.of()))));
        assertInvalid("has no parameter 'pathz'", new PolicyDraft("X", "", Optional.empty(),
                Map.of("test.shadow-open", change(null, null, Map.of("pathz", List.of("/x"))))));
        assertInvalid("parameter 'paths' of rule test.shadow-open must be STRINGS", new PolicyDraft("X", "",
                Optional.empty(), Map.of("test.shadow-open", change(null, null, Map.of("paths", 3L)))));
        assertInvalid("no policy named 'Nope'", new PolicyDraft("X", "", Optional.of("Nope"), Map.of()));
        assertInvalid("a policy name is", new PolicyDraft("  ", "", Optional.empty(), Map.of()));
        policies.create(new PolicyDraft("Dup", "", Optional.empty(), Map.of()), "a");
        assertEquals(PolicyException.Kind.CONFLICT, assertThrows(PolicyException.class,
                () -> policies.create(new PolicyDraft("Dup", "", Optional.empty(), Map.of()), "a")).kind());
        assertEquals(3, policies.list().size(), "refused drafts leave nothing behind");
    }

    private void assertInvalid(String message, PolicyDraft draft) {
        PolicyException e = assertThrows(PolicyException.class, () -> policies.create(draft, "a"));
        assertEquals(PolicyException.Kind.INVALID, e.kind());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void theSnapshotPicksAgentPolicyThenAssignmentThenDefault() throws Exception {
        long appId = application("shop");
        Policy custom = policies.create(new PolicyDraft("Shop", "", Optional.of(Policies.MAX_ALERT), Map.of()), "a");
        AgentContext plain = new AgentContext(1, "i", 1, "default", "shop", "c", "1", "h");
        AgentContext other = new AgentContext(1, "i", 1, "default", "bank", "c", "1", "h");
        AgentContext named = new AgentContext(1, "i", 1, "default", "shop", "c", "1", "h", Policies.STANDARD);
        assertEquals("Standard", policies.current().resolve(plain).name());
        policies.assign(appId, Optional.of(custom.id()), "admin");
        assertEquals("Shop", policies.current().resolve(plain).name());
        assertEquals("Standard", policies.current().resolve(other).name());
        assertEquals("Standard", policies.current().resolve(named).name());
        assertEquals(1, policies.current().resolve(plain).rulesFor(EventType.HEARTBEAT).length);
        assertEquals(PolicyException.Kind.CONFLICT,
                assertThrows(PolicyException.class, () -> policies.delete(custom.id(), "a")).kind(),
                "an assigned policy cannot be deleted");
        policies.assign(appId, Optional.empty(), "admin");
        policies.setDefault(custom.id(), "admin");
        assertEquals("Shop", policies.current().resolve(other).name());
        assertEquals(PolicyException.Kind.NOT_FOUND,
                assertThrows(PolicyException.class, () -> policies.assign(999, Optional.empty(), "a")).kind());
    }

    @Test
    void anAgentCannotChooseAnotherTeamsPolicy() throws Exception {
        long other;
        try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO teams (organisation_id, name) VALUES (1, 'other')", Statement.RETURN_GENERATED_KEYS)) {
            ps.executeUpdate();
            try (ResultSet rs = ps.getGeneratedKeys()) {
                rs.next();
                other = rs.getLong(1);
            }
        }
        policies.create(new PolicyDraft("Theirs", "", Optional.of(Policies.MAX_ALERT), Map.of()), Optional.of(other), "a");
        AgentContext mine = new AgentContext(1, "i", 1, "default", "shop", "c", "1", "h", "Theirs");
        AgentContext theirs = new AgentContext(2, "j", other, "other", "bank", "c", "1", "h", "Theirs");
        assertEquals("Standard", policies.current().resolve(mine).name(), "another team's policy is not mine to name");
        assertEquals("Theirs", policies.current().resolve(theirs).name());
        long appId = application("shop");
        long theirsId = policies.byName("Theirs").orElseThrow().id();
        assertEquals(PolicyException.Kind.INVALID, assertThrows(PolicyException.class,
                () -> policies.assign(appId, Optional.of(theirsId), "a")).kind(), "nor to assign to my application");
    }

    @Test
    void policiesSurviveARestart() {
        Policy p = policies.create(new PolicyDraft("Kept", "", Optional.empty(),
                Map.of("test.shadow-open", change(false, Severity.P4, Map.of()))), "a");
        policies.setDefault(p.id(), "a");
        db.close();
        db = Database.open(data);
        Policies again = Policies.create(db, TestRules.all(), clock);
        assertEquals("Kept", again.defaultPolicy().name());
        assertEquals(Severity.P4, again.byId(p.id()).orElseThrow().rules().get("test.shadow-open").severity());
        assertEquals(0, again.current().resolve(new AgentContext(1, "i", 1, "d", "a", "c", "1", "h"))
                .rulesFor(EventType.FILE).length);
    }

    private long application(String name) throws Exception {
        try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO applications (team_id, name, created_at) VALUES (1, ?, CURRENT_TIMESTAMP)",
                Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, name);
            ps.executeUpdate();
            try (ResultSet rs = ps.getGeneratedKeys()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private List<String> audit() {
        List<String> out = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT actor, action, target FROM audit_log ORDER BY id")) {
            while (rs.next()) {
                out.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3));
            }
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
        return out;
    }
}
