package dev.telltale.upgrade;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telltale.protocol.event.Event;
import dev.telltale.testing.FakeAgent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Upgrades applied by the real applier to real server processes in an appliance-shaped scratch
 * root: a good bundle upgrades (data, run tokens and OS files carried over) and can be rolled back
 * by hand; a bad migration, a failed health gate and a crash after the switch each end with the
 * previous release running on the data of before.
 */
class UpgradeApplyTest {
    @TempDir
    Path dir;

    @Test
    void upgradeThenManualRollback() throws Exception {
        try (ApplianceRoot a = new ApplianceRoot(dir)) {
            a.install(a.release("0.1.0", "", Optional.empty(), ""), "0.1.0");
            Path bundle = a.bundle(a.release("0.2.0", "", Optional.empty(), ""), "0.2.0", "0.1.0");
            a.start();
            String admin = a.login();
            String runToken = a.runToken(admin);
            assertEquals("0.1.0", a.send(runToken, "before", events("before", 40)));
            assertEquals(40, a.awaitCount(admin, "host:before", 40));

            var up = a.send("POST", "/api/v1/upgrades/bundles", HttpRequest.BodyPublishers.ofFile(bundle), admin);
            assertEquals(201, up.statusCode(), up.body());
            StreamingAgent agent = new StreamingAgent(a, runToken, "streaming");
            Thread.sleep(1500);
            var apply = a.send("POST", "/api/v1/upgrades/apply", HttpRequest.BodyPublishers.ofString("{\"version\":\"0.2.0\"}"), admin);
            assertEquals(202, apply.statusCode(), apply.body());
            UpgradeState end = a.awaitEnd(Duration.ofMinutes(3));
            assertEquals(UpgradeState.Phase.DONE, end.phase(), end.toString());
            Thread.sleep(1500);
            long made = agent.finish(60_000);
            assertTrue(agent.reconnects() > 0, "the agent was sent away during the upgrade");
            assertEquals("0.2.0", a.currentRelease());
            assertEquals(ApplianceRoot.NEW_UNIT, Files.readString(a.root.resolve("os/etc/systemd/system/telltale.service")));
            assertTrue(Files.exists(a.root.resolve("os/usr/lib/telltale/new-helper")));

            admin = awaitLogin(a);
            assertEquals(40, a.awaitCount(admin, "host:before", 40), "every event of before the upgrade");
            assertEquals(made, a.awaitCount(admin, "host:streaming", made), "an agent streaming through the upgrade lost nothing,"
                    + " and nothing twice");
            assertEquals("0.2.0", awaitSend(a, runToken, "after", events("after", 10)), "the old run token works on 0.2.0");
            assertEquals(10, a.awaitCount(admin, "host:after", 10));
            JsonNode overview = awaitUpgradeRecorded(a, admin, "DONE");
            assertEquals("0.2.0", overview.get("version").asText());
            assertEquals("0.1.0", overview.get("rollback").get("to").asText(), overview.toString());
            assertTrue(a.json("/api/v1/audit?action=upgrade.done", admin).toString().contains("0.1.0 -> 0.2.0"));
            assertTrue(a.json("/api/v1/run-tokens", admin).toString().contains("upgrade health gate"));
            assertTrue(a.count(admin, "app:telltale-upgrade-check") >= 1, "the gate's test batch was stored");

            var back = a.send("POST", "/api/v1/upgrades/rollback", HttpRequest.BodyPublishers.noBody(), admin);
            assertEquals(202, back.statusCode(), back.body());
            Thread.sleep(500);
            UpgradeState rolled = a.awaitEnd(Duration.ofMinutes(3));
            assertEquals(UpgradeState.Kind.ROLLBACK, rolled.kind());
            assertEquals(UpgradeState.Phase.DONE, rolled.phase(), rolled.toString());
            assertEquals("0.1.0", a.currentRelease());
            assertEquals(ApplianceRoot.OLD_UNIT, Files.readString(a.root.resolve("os/etc/systemd/system/telltale.service")));
            assertFalse(Files.exists(a.root.resolve("os/usr/lib/telltale/new-helper")));
            admin = awaitLogin(a);
            assertEquals("0.1.0", awaitSend(a, runToken, "rolled", events("rolled", 5)));
            assertEquals(40, a.count(admin, "host:before"), "the data of before the upgrade");
            assertEquals(0, a.count(admin, "host:after"), "a manual rollback returns to the backup taken before the upgrade");
            JsonNode after = awaitUpgradeRecorded(a, admin, "DONE");
            assertEquals("ROLLBACK", after.get("history").get(0).get("kind").asText(), after.toString());
            assertEquals("DONE", after.get("history").get(1).get("state").asText(), "the upgrade it undid: " + after);
            assertTrue(after.get("history").get(1).get("message").asText().contains("rolled back by hand"), after.toString());
            assertTrue(after.get("rollback").isNull(), "no second rollback");
            assertTrue(a.json("/api/v1/audit?action=upgrade.done", admin).toString().contains("rollback 0.2.0 -> 0.1.0"));
        }
    }

    @Test
    void badMigrationRollsBack() throws Exception {
        try (ApplianceRoot a = new ApplianceRoot(dir)) {
            a.install(a.release("0.1.0", "", Optional.empty(), ""), "0.1.0");
            Path broken = Files.createDirectories(dir.resolve("broken/db/migration"));
            Files.writeString(broken.resolve("V9999__broken.sql"), "ALTER TABLE no_such_table ADD COLUMN x INT;\n");
            Path bundle = a.bundle(a.release("0.2.0", "", Optional.of(dir.resolve("broken")), ""), "0.2.0", "0.1.0");
            UpgradeState end = upgradeAndFail(a, bundle, false);
            assertTrue(end.outcome().orElse("").contains("gate"), end.toString());
        }
    }

    @Test
    void failedHealthGateRollsBack() throws Exception {
        try (ApplianceRoot a = new ApplianceRoot(dir)) {
            a.install(a.release("0.1.0", "", Optional.empty(), ""), "0.1.0");
            // The new release comes up healthy but does not serve agents where they connect.
            Path bundle = a.bundle(a.release("0.2.0", "", Optional.empty(), "--ingest-port 0"), "0.2.0", "0.1.0");
            UpgradeState end = upgradeAndFail(a, bundle, true);
            assertTrue(end.outcome().orElse("").contains("health gate"), end.toString());
        }
    }

    @Test
    void aCrashAtAnyStepIsRolledBackBeforeTheNextStart() throws Exception {
        try (ApplianceRoot a = new ApplianceRoot(dir)) {
            a.install(a.release("0.1.0", "", Optional.empty(), ""), "0.1.0");
            Path bundle = a.bundle(a.release("0.2.0", "", Optional.empty(), ""), "0.2.0", "0.1.0");
            a.start();
            String admin = a.login();
            String runToken = a.runToken(admin);
            a.send(runToken, "before", events("before", 25));
            assertEquals(25, a.awaitCount(admin, "host:before", 25));
            assertEquals(201, a.send("POST", "/api/v1/upgrades/bundles", HttpRequest.BodyPublishers.ofFile(bundle), admin).statusCode());
            for (String step : UpgradeState.stepNames(UpgradeState.Kind.UPGRADE).subList(2, 8)) {
                a.crashAt(step);
                var r = a.send("POST", "/api/v1/upgrades/apply", HttpRequest.BodyPublishers.ofString("{\"version\":\"0.2.0\"}"), admin);
                assertEquals(202, r.statusCode(), r.body());
                String id = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).get("id").asText();
                long deadline = System.currentTimeMillis() + 120_000;
                while (!(a.state().filter(s -> s.id().equals(id)).map(s -> s.reached(step)).orElse(false) && !a.applierRunning())
                        && System.currentTimeMillis() < deadline) {
                    Thread.sleep(100);
                }
                assertFalse(a.applierRunning(), "the applier halted as '" + step + "' began");
                assertFalse(a.state().orElseThrow().terminal(), step);
                // Two ways to end: the applier dies alone (its unit's OnFailure= recovers at once, the
                // server still running), or the power goes (recovery at the next boot, before the server).
                boolean alone = step.equals("verify") || step.equals("gate");
                String out;
                if (alone) {
                    out = a.recover();
                } else {
                    a.killServer();
                    out = a.recover("--no-start"); // what telltale.service runs first at the next boot
                }
                UpgradeState end = a.state().orElseThrow();
                assertEquals(UpgradeState.Phase.ROLLED_BACK, end.phase(), step + ": " + out + end);
                assertTrue(end.outcome().orElse("").contains("stopped during '" + step + "'"), end.toString());
                assertEquals("0.1.0", a.currentRelease(), step);
                assertFalse(Files.exists(a.root.resolve("opt/releases/0.2.0")), step);
                assertEquals(ApplianceRoot.OLD_UNIT, Files.readString(a.root.resolve("os/etc/systemd/system/telltale.service")), step);
                assertFalse(Files.exists(a.root.resolve("os/usr/lib/telltale/new-helper")), step);

                if (alone) {
                    a.awaitHealthy();
                } else {
                    a.start(); // the boot goes on: the service starts the server
                }
                admin = a.login();
                assertEquals(25, a.count(admin, "host:before"), step + ": the data of before");
                assertEquals("0.1.0", awaitSend(a, runToken, "later-" + step, events("later", 2)), step + ": agents are admitted");
                awaitUpgradeRecorded(a, admin, "ROLLED_BACK");
            }
        }
    }

    @Test
    void aReleaseThatCannotReadTheIndexIsRefusedBeforeAnythingChanges() throws Exception {
        try (ApplianceRoot a = new ApplianceRoot(dir)) {
            a.install(a.release("0.1.0", "", Optional.empty(), ""), "0.1.0");
            Path src = a.release("0.2.0", "", Optional.empty(), "");
            int tooNew = org.apache.lucene.util.Version.LATEST.major + 2;
            Files.createDirectories(src.resolve("lib/libs"));
            Files.writeString(src.resolve("lib/libs/lucene-core-" + tooNew + ".0.0.jar"), "a Lucene two majors on");
            Path bundle = a.bundle(src, "0.2.0", "0.1.0");
            a.start();
            String admin = a.login();
            String runToken = a.runToken(admin);
            assertEquals(201, a.send("POST", "/api/v1/upgrades/bundles", HttpRequest.BodyPublishers.ofFile(bundle), admin).statusCode());
            assertEquals(202, a.send("POST", "/api/v1/upgrades/apply", HttpRequest.BodyPublishers.ofString("{\"version\":\"0.2.0\"}"),
                    admin).statusCode());
            UpgradeState end = a.awaitEnd(Duration.ofMinutes(1));
            assertEquals(UpgradeState.Phase.REFUSED, end.phase(), end.toString());
            assertTrue(end.outcome().orElse("").contains("Lucene " + tooNew + ", which cannot read"), end.toString());
            assertTrue(end.outcome().orElse("").endsWith("nothing was changed"), end.toString());
            assertEquals("0.1.0", a.currentRelease());
            assertFalse(Files.exists(a.root.resolve("opt/releases/0.2.0")));
            assertEquals(ApplianceRoot.OLD_UNIT, Files.readString(a.root.resolve("os/etc/systemd/system/telltale.service")));
            assertTrue(end.safetyBackup().isEmpty(), "refused before the backup");
            assertEquals("0.1.0", awaitSend(a, runToken, "after", events("after", 2)), "agents were never sent away");
            awaitUpgradeRecorded(a, admin, "REFUSED");
        }
    }

    /** Upgrades to a release that cannot pass; checks the previous release runs on the data of before. */
    private UpgradeState upgradeAndFail(ApplianceRoot a, Path bundle, boolean cli) throws Exception {
        a.start();
        String admin = a.login();
        String runToken = a.runToken(admin);
        a.send(runToken, "before", events("before", 30));
        assertEquals(30, a.awaitCount(admin, "host:before", 30));
        StreamingAgent agent = new StreamingAgent(a, runToken, "streaming");
        Thread.sleep(1500);
        if (cli) {
            // As an operator would from a shell: upload, apply, follow through the restart; exit 1 on a rollback.
            ProcessBuilder pb = new ProcessBuilder("bash", Path.of("../../bin/telltale-upgrade").toAbsolutePath().normalize().toString(),
                    "push", bundle.toString(), "--url", "https://localhost:" + a.https, "--cacert",
                    a.data.resolve("tls/ca.crt").toString(), "--apply").redirectErrorStream(true);
            pb.environment().put("TELLTALE_USER", "admin");
            pb.environment().put("TELLTALE_PASSWORD", dev.telltale.testing.RunningAppliance.ADMIN_PASSWORD);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertEquals(1, p.waitFor(), out);
            assertTrue(out.contains("verified and kept: 0.2.0") && out.contains("ROLLED_BACK"), out);
        } else {
            assertEquals(201, a.send("POST", "/api/v1/upgrades/bundles", HttpRequest.BodyPublishers.ofFile(bundle), admin)
                    .statusCode());
            assertEquals(202, a.send("POST", "/api/v1/upgrades/apply",
                    HttpRequest.BodyPublishers.ofString("{\"version\":\"0.2.0\"}"), admin).statusCode());
        }
        UpgradeState end = a.awaitEnd(Duration.ofMinutes(3));
        assertEquals(UpgradeState.Phase.ROLLED_BACK, end.phase(), end + "\n" + a.tail());
        Thread.sleep(1500);
        long made = agent.finish(60_000);
        assertEquals("0.1.0", a.currentRelease());
        assertFalse(Files.exists(a.root.resolve("opt/releases/0.2.0")), "the failed release is removed");
        assertEquals(ApplianceRoot.OLD_UNIT, Files.readString(a.root.resolve("os/etc/systemd/system/telltale.service")));
        assertFalse(Files.exists(a.root.resolve("os/usr/lib/telltale/new-helper")));
        admin = awaitLogin(a);
        assertEquals(30, a.count(admin, "host:before"), "the data of before");
        assertEquals(made, a.awaitCount(admin, "host:streaming", made), "an agent streaming through the failed upgrade and the"
                + " rollback lost nothing, and nothing twice");
        assertEquals("0.1.0", awaitSend(a, runToken, "later", events("later", 3)), "agents are admitted again");
        assertEquals(3, a.awaitCount(admin, "host:later", 3));
        JsonNode overview = awaitUpgradeRecorded(a, admin, "ROLLED_BACK");
        assertTrue(overview.get("rollback").isNull(), "nothing to roll back after a failed upgrade");
        assertTrue(a.json("/api/v1/audit?action=upgrade.rolled_back", admin).toString().contains("0.1.0 -> 0.2.0"));
        return end;
    }

    private static JsonNode awaitUpgradeRecorded(ApplianceRoot a, String admin, String state) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        JsonNode o;
        do {
            o = a.json("/api/v1/upgrades", admin);
            if (o.get("history").size() > 0 && o.get("history").get(0).get("state").asText().equals(state)) {
                return o;
            }
            Thread.sleep(300);
        } while (System.currentTimeMillis() < deadline);
        throw new AssertionError("not recorded as " + state + ": " + o);
    }

    private static String awaitLogin(ApplianceRoot a) throws Exception {
        a.awaitHealthy();
        return a.login();
    }

    /** Sends once agents are admitted again (the server readmits them within a second of the outcome). */
    private static String awaitSend(ApplianceRoot a, String token, String instance, List<Event> events) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        while (true) {
            try {
                return a.send(token, instance, events);
            } catch (java.io.IOException | dev.telltale.protocol.ProtocolException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw e;
                }
                Thread.sleep(500);
            }
        }
    }

    private static List<Event> events(String prefix, int n) {
        List<Event> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(FakeAgent.open("/srv/" + prefix + "-" + i, i));
        }
        return out;
    }
}
