package dev.telltale.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.protocol.Compression;
import dev.telltale.protocol.client.AgentConnection;
import dev.telltale.protocol.event.Event;
import dev.telltale.protocol.event.EventType;
import dev.telltale.testing.RunningAppliance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApiTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path data;
    static RunningAppliance app;

    @BeforeAll
    static void start() throws Exception {
        app = RunningAppliance.start(data, "");
        String token = app.runToken(Optional.empty()).token();
        try (AgentConnection conn = app.connect()) {
            conn.hello(RunningAppliance.hello(token, "api-agent", Compression.ZSTD));
            List<Event> events = new ArrayList<>();
            long base = System.currentTimeMillis() * 1000 - 60_000_000;
            for (int i = 0; i < 250; i++) {
                Event e = Event.of(i % 5 == 0 ? EventType.NETWORK : EventType.FILE, i * 100_000L, 10 + i % 3, 10);
                if (e.type() == EventType.NETWORK) {
                    e.body().set("op", "connect").set("raddr", "10.1.2." + (i % 7)).set("rport", 443L);
                } else {
                    e.body().set("op", "open").set("path", "/srv/data/file-" + i + ".bin");
                }
                events.add(e);
            }
            conn.sendRaw(conn.encoder().frame(1, base, events));
            conn.awaitAck(250);
        }
        app.awaitSearch("", 250);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void healthReportsEveryComponent() throws Exception {
        HttpResponse<String> r = app.get("/api/health", null);
        assertEquals(200, r.statusCode());
        JsonNode h = JSON.readTree(r.body());
        assertEquals("UP", h.get("status").asText());
        for (String c : List.of("derby", "lucene", "journal", "ingest")) {
            assertEquals("UP", h.get("checks").get(c).get("status").asText(), c);
        }
    }

    @Test
    void metricsAreInPrometheusFormat() throws Exception {
        HttpResponse<String> r = app.get("/metrics", null);
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        String body = r.body();
        for (String m : List.of("telltale_ingest_events_received_total", "telltale_ingest_events_acked_total",
                "telltale_ingest_events_rejected_total", "telltale_ingest_bytes_total", "telltale_journal_queue_bytes",
                "telltale_ingest_batch_latency_seconds_bucket", "telltale_ingest_connections")) {
            assertTrue(body.contains("\n" + m), m);
        }
        assertTrue(body.contains("telltale_ingest_events_received_total 250"), "counts what it received");
        assertTrue(body.contains("telltale_ingest_events_acked_total 250"), "counts events, not ACK frames");
    }

    @Test
    void loginIssuesShortLivedTokensAndRefusesBadCredentials() throws Exception {
        HttpResponse<String> ok = app.post("/api/v1/auth/token",
                "{\"username\":\"admin\",\"password\":\"" + RunningAppliance.ADMIN_PASSWORD + "\"}", null);
        assertEquals(200, ok.statusCode());
        JsonNode t = JSON.readTree(ok.body());
        assertEquals(300, t.get("expires_in").asLong());
        assertEquals("Bearer", t.get("token_type").asText());
        assertFalse(t.get("password_change_required").asBoolean(), "a preset initial password is the operator's own");

        HttpResponse<String> bad = app.post("/api/v1/auth/token", "{\"username\":\"admin\",\"password\":\"nope\"}", null);
        assertEquals(401, bad.statusCode());
        assertEquals("application/problem+json", bad.headers().firstValue("Content-Type").orElse(""));
        assertEquals(400, app.post("/api/v1/auth/token", "{\"username\":", null).statusCode());
        assertEquals(400, app.post("/api/v1/auth/token", "[1,2]", null).statusCode());
        assertEquals(400, app.post("/api/v1/auth/token", "{\"username\":\"admin\"}", null).statusCode());
    }

    @Test
    void theApiNeedsAValidBearerToken() throws Exception {
        assertEquals(401, app.get("/api/v1/events", null).statusCode());
        assertEquals(401, app.get("/api/v1/events", "tt_api_forged").statusCode());
        assertEquals(401, app.get("/api/v1/run-tokens", null).statusCode());
    }

    @Test
    void runTokensAreShownOnceListedByPrefixAndRevocable() throws Exception {
        String api = app.apiToken();
        HttpResponse<String> created = app.post("/api/v1/run-tokens", "{\"name\":\"ci pipeline\"}", api);
        assertEquals(201, created.statusCode());
        JsonNode c = JSON.readTree(created.body());
        String token = c.get("token").asText();
        assertTrue(token.startsWith("tt_run_"));
        assertEquals("default", c.get("team").asText());
        String list = app.get("/api/v1/run-tokens", api).body();
        assertFalse(list.contains(token), "lists never show the token");
        assertTrue(list.contains("ci pipeline"));
        assertEquals(204, app.delete("/api/v1/run-tokens/" + c.get("id").asLong(), api).statusCode());
        assertEquals(404, app.delete("/api/v1/run-tokens/" + c.get("id").asLong(), api).statusCode());
        assertEquals(400, app.post("/api/v1/run-tokens", "{\"team\":\"no-such-team\"}", api).statusCode());
        assertEquals(400, app.post("/api/v1/run-tokens", "{\"name\":\"<script>\"}", api).statusCode());
        assertEquals(400, app.post("/api/v1/run-tokens", "{\"expires_at\":\"tomorrow\"}", api).statusCode());
    }

    @Test
    void searchPagesFacetsAndHistograms() throws Exception {
        String api = app.apiToken();
        Set<String> ids = new HashSet<>();
        String after = null;
        do {
            String url = "/api/v1/events?limit=100&q=" + enc("type:file") + (after == null ? "" : "&after=" + after);
            JsonNode page = JSON.readTree(app.get(url, api).body());
            page.get("events").forEach(e -> ids.add(e.get("id").asText()));
            after = page.get("next").isNull() ? null : page.get("next").asText();
        } while (after != null);
        assertEquals(200, ids.size(), "every file event exactly once over the pages");

        JsonNode facets = JSON.readTree(app.get("/api/v1/events/facets?dims=type,app", api).body());
        assertEquals(250, facets.get("total").asLong());
        assertEquals("file", facets.get("facets").get("type").get(0).get("value").asText());
        assertEquals(200, facets.get("facets").get("type").get(0).get("count").asLong());

        JsonNode hist = JSON.readTree(app.get("/api/v1/events/histogram?buckets=10&q=" + enc("rport:443"), api).body());
        assertEquals(50, hist.get("total").asLong());
        long sum = 0;
        for (JsonNode b : hist.get("buckets")) {
            sum += b.get("count").asLong();
        }
        assertEquals(50, sum);

        JsonNode first = JSON.readTree(app.get("/api/v1/events?limit=1&q=" + enc("type:file"), api).body()).get("events").get(0);
        String one = "/api/v1/events/" + first.get("uid").asText();
        assertEquals(first, JSON.readTree(app.get(one + "?at=" + first.get("time").asText(), api).body()),
                "one event by id and time, as alert evidence links to it");
        assertEquals(first, JSON.readTree(app.get(one, api).body()), "and by id alone");
        assertEquals(404, app.get(one + "?at=2020-01-01T00:00:00Z", api).statusCode());
        assertEquals(400, app.get("/api/v1/events/abc", api).statusCode());

        JsonNode window = JSON.readTree(app.get("/api/v1/events?from=now-1m&to=now&limit=1", api).body());
        assertEquals(1, window.get("events").size());
        JsonNode none = JSON.readTree(app.get("/api/v1/events?from=now-1h&to=now-30m", api).body());
        assertEquals(0, none.get("events").size());
    }

    @Test
    void badSearchInputGetsAClearError() throws Exception {
        String api = app.apiToken();
        for (String bad : List.of("/api/v1/events?q=" + enc("path:(open"), "/api/v1/events?limit=0",
                "/api/v1/events?limit=abc", "/api/v1/events?from=yesterday", "/api/v1/events?after=%25%25",
                "/api/v1/events/facets?dims=secret", "/api/v1/events/histogram?buckets=5000",
                "/api/v1/events?from=now&to=now-1h")) {
            HttpResponse<String> r = app.get(bad, api);
            assertEquals(400, r.statusCode(), bad + " → " + r.body());
            assertTrue(JSON.readTree(r.body()).get("detail").asText().length() > 5, bad);
        }
    }

    @Test
    void httpsSpeaksTls13Only() throws Exception {
        SSLContext tls = RunningAppliance.trusting(data.resolve("tls/ca.crt"));
        try (SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket("localhost", app.appliance().httpsPort())) {
            s.setEnabledProtocols(new String[]{"TLSv1.2"});
            assertThrows(SSLException.class, s::startHandshake);
        }
    }

    @Test
    void firstStartLeavesPrivateFilesPrivate() throws Exception {
        for (String f : List.of("tls/ca.key", "tls/server.key", "secrets/hash.key", "secrets/settings.key")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve(f))), f);
        }
        // Derby reads its log location once per JVM; other tests in this JVM may have booted it first.
        assertTrue(System.getProperty("derby.stream.error.file", "").endsWith("logs/derby.log"), "Derby logs under a data directory");
        assertFalse(Files.exists(Path.of("derby.log")), "nothing written to the working directory");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
