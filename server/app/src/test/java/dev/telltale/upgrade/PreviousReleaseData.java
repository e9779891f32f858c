package dev.telltale.upgrade;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.protocol.event.Event;
import dev.telltale.protocol.event.EventType;
import dev.telltale.testing.FakeAgent;
import dev.telltale.testing.RunningAppliance;
import dev.telltale.testing.TeamUsers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Makes the data directory of a release for the upgrade tests: run it at the commit of a release
 * ({@code -Dtelltale.fixture.out=server/app/src/test/resources/upgrade/data-VERSION.zip}), never later,
 * because the point is a database with that release's schema and data written by that release's code.
 * What it holds is what {@link SchemaUpgradeTest} checks: {@value #USER} with a team role, a run token
 * (written next to the zip's data as {@code fixture-run-token}), {@value #EVENTS} events of which
 * {@value #CREDENTIAL_READS} are credential reads (one alert each), one alert acknowledged with a comment.
 */
@EnabledIfSystemProperty(named = "telltale.fixture.out", matches = ".+")
class PreviousReleaseData {
    static final String USER = "olivia";
    static final int EVENTS = 500;
    static final int CREDENTIAL_READS = 5;
    static final String ACK_COMMENT = "acknowledged before the upgrade";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void generate() throws Exception {
        Path out = Path.of(System.getProperty("telltale.fixture.out")).toAbsolutePath();
        Path data = Files.createTempDirectory("telltale-fixture");
        try (RunningAppliance app = RunningAppliance.start(data, "")) {
            long team = TeamUsers.team(app, "payments");
            TeamUsers.create(app, USER, Optional.of("DEVELOPER"), team);
            String token = app.runToken(Optional.of("payments")).token();
            Files.writeString(data.resolve("fixture-run-token"), token);
            List<Event> events = new ArrayList<>();
            for (int i = 0; i < EVENTS; i++) {
                if (i % (EVENTS / CREDENTIAL_READS) == 0) {
                    events.add(FakeAgent.open("/root/.ssh/id_rsa_" + i, i));
                } else {
                    Event e = Event.of(EventType.FILE, i, 4242, 4243);
                    e.body().set("op", "write").set("path", "/var/lib/shop/order-" + i);
                    events.add(e);
                }
            }
            FakeAgent.send(app, token, RunningAppliance.newInstance(), "shop-host", "shop", "checkout", "1.4.2", events);
            app.awaitSearch("host:shop-host", EVENTS);
            String api = app.apiToken();
            JsonNode alerts = awaitAlerts(app, api);
            JsonNode first = alerts.get(0);
            JsonNode alert = JSON.readTree(app.get("/api/v1/alerts/" + first.get("id").asText(), api).body());
            String occ = alert.get("occurrences").get(0).get("id").asText();
            var r = app.post("/api/v1/alerts/" + first.get("id").asText() + "/occurrences/" + occ + "/transitions",
                    "{\"to\":\"ACKNOWLEDGED\",\"comment\":\"" + ACK_COMMENT + "\"}", api);
            if (r.statusCode() != 200) {
                throw new IllegalStateException(r.body());
            }
        }
        Files.deleteIfExists(data.resolve("test-config.yaml"));
        zip(data, out);
    }

    private static JsonNode awaitAlerts(RunningAppliance app, String api) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (true) {
            JsonNode a = JSON.readTree(app.get("/api/v1/alerts?rule=files.credential-read", api).body()).get("alerts");
            if (a.size() == CREDENTIAL_READS || System.currentTimeMillis() > deadline) {
                return a;
            }
            Thread.sleep(200);
        }
    }

    private static void zip(Path dir, Path out) throws IOException {
        Files.createDirectories(out.getParent());
        try (OutputStream os = Files.newOutputStream(out); ZipOutputStream zip = new ZipOutputStream(os);
             Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
                String name = dir.relativize(p).toString();
                if (name.endsWith(".lck") || name.startsWith("logs/")) {
                    continue;
                }
                zip.putNextEntry(new ZipEntry(name));
                Files.copy(p, zip);
                zip.closeEntry();
            }
        }
    }
}
