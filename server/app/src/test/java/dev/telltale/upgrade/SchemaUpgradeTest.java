package dev.telltale.upgrade;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.protocol.event.Event;
import dev.telltale.testing.FakeAgent;
import dev.telltale.testing.RunningAppliance;
import dev.telltale.testing.TeamUsers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The data directory of release 0.1.0 (made by that release's code, see {@link PreviousReleaseData})
 * opened by this build: Flyway migrates its schema forward and users, team roles, run tokens,
 * alerts with their triage and every event are still there and still work.
 */
class SchemaUpgradeTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;

    @Test
    void releaseZeroOneDataSurvivesTheUpgrade() throws Exception {
        unzip("/upgrade/data-0.1.0.zip", data);
        String runToken = Files.readString(data.resolve("fixture-run-token")).trim();
        try (RunningAppliance app = RunningAppliance.start(data, "")) {
            String admin = app.apiToken();
            assertEquals(PreviousReleaseData.EVENTS, awaitCount(app, admin, "host:shop-host", PreviousReleaseData.EVENTS),
                    "every event of the old release is searchable");

            JsonNode alerts = JSON.readTree(app.get("/api/v1/alerts?rule=files.credential-read", admin).body()).get("alerts");
            assertEquals(PreviousReleaseData.CREDENTIAL_READS, alerts.size(), "every alert of the old release");
            JsonNode acked = JSON.readTree(app.get("/api/v1/alerts?rule=files.credential-read&state=ACKNOWLEDGED", admin)
                    .body()).get("alerts");
            assertEquals(1, acked.size(), "the triage state of the old release");
            JsonNode history = JSON.readTree(app.get("/api/v1/alerts/" + acked.get(0).get("id").asText(), admin).body())
                    .get("history");
            assertTrue(history.toString().contains(PreviousReleaseData.ACK_COMMENT), history.toString());

            var signIn = app.post("/api/v1/auth/token", "{\"username\":\"" + PreviousReleaseData.USER + "\",\"password\":\""
                    + TeamUsers.PASSWORD + "\"}", null);
            assertEquals(200, signIn.statusCode(), "the old release's user signs in with her password: " + signIn.body());
            String olivia = JSON.readTree(signIn.body()).get("access_token").asText();
            assertEquals(PreviousReleaseData.CREDENTIAL_READS, JSON.readTree(app.get("/api/v1/alerts?rule=files.credential-read",
                    olivia).body()).get("alerts").size(), "her team role still lets her see the team's alerts");

            FakeAgent.send(app, runToken, RunningAppliance.newInstance(), "shop-host", "shop", "checkout", "1.4.3",
                    List.of(FakeAgent.open("/etc/hostname", 1), FakeAgent.open("/etc/hosts", 2)));
            assertEquals(PreviousReleaseData.EVENTS + 2, awaitCount(app, admin, "host:shop-host", PreviousReleaseData.EVENTS + 2),
                    "the old run token still sends, and new events get ids of their own");
            assertEquals(PreviousReleaseData.EVENTS + 2, uids(app, admin, "host:shop-host").size(), "no id was reused");
        }
    }

    private static long awaitCount(RunningAppliance app, String token, String q, long n) throws Exception {
        long deadline = System.currentTimeMillis() + 15_000;
        long c;
        while ((c = count(app, token, q)) < n && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        return c;
    }

    private static long count(RunningAppliance app, String token, String q) throws Exception {
        return JSON.readTree(app.get("/api/v1/events/facets?dims=type&q=" + java.net.URLEncoder.encode(q,
                java.nio.charset.StandardCharsets.UTF_8), token).body()).get("total").asLong();
    }

    private static Set<String> uids(RunningAppliance app, String token, String q) throws Exception {
        Set<String> ids = new HashSet<>();
        String after = null;
        do {
            JsonNode page = JSON.readTree(app.get("/api/v1/events?limit=500&q=" + java.net.URLEncoder.encode(q,
                    java.nio.charset.StandardCharsets.UTF_8) + (after == null ? "" : "&after=" + after), token).body());
            page.get("events").forEach(e -> ids.add(e.get("uid").asText()));
            after = page.hasNonNull("next") ? page.get("next").asText() : null;
        } while (after != null);
        return ids;
    }

    static void unzip(String resource, Path dir) throws IOException {
        try (InputStream in = SchemaUpgradeTest.class.getResourceAsStream(resource); ZipInputStream zip = new ZipInputStream(in)) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                Path p = dir.resolve(e.getName()).normalize();
                assertTrue(p.startsWith(dir));
                Files.createDirectories(p.getParent());
                Files.copy(zip, p);
            }
        }
    }
}
