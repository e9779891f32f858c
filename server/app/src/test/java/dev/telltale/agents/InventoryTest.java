package dev.telltale.agents;

import dev.telltale.alerts.Alerts;
import dev.telltale.alerts.AlertsConfig;
import dev.telltale.auth.RunTokenGrant;
import dev.telltale.db.Database;
import dev.telltale.db.Sql;
import dev.telltale.policy.Finding;
import dev.telltale.policy.Severity;
import dev.telltale.store.Scope;
import dev.telltale.teams.Teams;
import dev.telltale.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InventoryTest {
    static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");
    @TempDir
    Path data;
    Database db;
    final MutableClock clock = new MutableClock(T0);
    Agents agents;
    Alerts alerts;
    Inventory inventory;
    long red;
    long blue;

    @BeforeEach
    void open() {
        db = Database.open(data);
        agents = Agents.create(db, clock);
        alerts = Alerts.create(db, clock, AlertsConfig.defaults());
        inventory = Inventory.create(db, clock, Duration.ofMinutes(15));
        Teams teams = Teams.create(db);
        red = teams.create("red", "test").id();
        blue = teams.create("blue", "test").id();
    }

    @AfterEach
    void close() {
        alerts.close();
        db.close();
    }

    void run(long team, String instance, String host, String app, String component, String version) {
        agents.register(new RunTokenGrant(1, team, "t"), new Agents.AgentIdentity(instance, "native", "0.3.1", host, app,
                component, version));
    }

    @Test
    void applicationsCountTheirPartsAgentsAndOpenAlertsPerTeam() {
        run(red, "a", "web-1", "shop", "checkout", "1.0");
        clock.advance(Duration.ofMinutes(30));
        run(red, "b", "web-2", "shop", "checkout", "1.1");
        run(red, "c", "web-3", "shop", "cart", "2.0");
        run(blue, "d", "vault", "bank", "ledger", "7");
        Sql.inTransaction(db.dataSource(), c -> {
            alerts.record(c, List.of(new Finding(red, "shop", "checkout", "1.1", "web-2", "files.credential-read",
                    Severity.P2, "/etc/shadow", "read", 1, clock.instant(), 1, 1, "standard")));
            return null;
        });

        List<Inventory.Application> all = inventory.applications(Scope.everything());
        assertEquals(List.of("bank", "shop"), all.stream().map(Inventory.Application::name).toList(), "by team name");
        Inventory.Application shop = all.get(1);
        assertEquals(2, shop.components());
        assertEquals(3, shop.versions());
        assertEquals(3, shop.agents());
        assertEquals(2, shop.activeAgents(), "agent a was last seen 30 minutes ago");
        assertEquals(1, shop.openAlerts());
        assertEquals(Optional.of(clock.instant()), shop.lastSeen());
        assertEquals(List.of("shop"), inventory.applications(Scope.teams(Set.of(red))).stream()
                .map(Inventory.Application::name).toList());
        assertTrue(inventory.applications(Scope.teams(Set.of())).isEmpty());

        Inventory.ApplicationDetail d = inventory.application(shop.id(), Scope.teams(Set.of(red))).orElseThrow();
        assertEquals(List.of("cart", "checkout"), d.components().stream().map(Inventory.Component::name).toList());
        Inventory.Component checkout = d.components().get(1);
        assertEquals(1, checkout.openAlerts());
        assertEquals(List.of("1.1", "1.0"), checkout.versions().stream().map(Inventory.Version::version).toList());
        Inventory.Agent old = checkout.versions().get(1).agents().get(0);
        assertEquals("web-1", old.hostname());
        assertFalse(old.active());
        assertEquals(T0, old.firstSeen());

        assertFalse(inventory.application(shop.id(), Scope.teams(Set.of(blue))).isPresent(), "not another team's");
        assertEquals(Optional.of(shop.id()), inventory.applicationId(red, "shop", Scope.everything()));
        assertEquals(Optional.empty(), inventory.applicationId(red, "shop", Scope.teams(Set.of(blue))));
    }
}
