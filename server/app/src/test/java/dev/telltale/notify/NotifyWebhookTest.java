package dev.telltale.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.alerts.TriageState;
import dev.telltale.db.Sql;
import dev.telltale.policy.Finding;
import dev.telltale.policy.Severity;
import dev.telltale.testing.HttpsReceiver;
import dev.telltale.testing.RunningAppliance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Webhooks against a real HTTPS receiver that checks the signature: new alerts and state changes
 * arrive signed with a delivery id, failures are retried with the same id, an integration that
 * keeps failing is disabled, secrets never appear in responses or logs.
 */
class NotifyWebhookTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SECRET = "whsec-0123456789abcdef-topsecret";
    static final String HEADER_VALUE = "Bearer header-secret-5a5a5a5a";
    static final AtomicLong UIDS = new AtomicLong(1);

    @TempDir
    static Path data;
    static RunningAppliance app;
    static HttpsReceiver receiver;
    static String token;
    static long team;
    static final List<String> LOGS = new ArrayList<>();
    static final Handler CAPTURE = new Handler() {
        @Override
        public void publish(LogRecord r) {
            synchronized (LOGS) {
                LOGS.add(r.getMessage() + " " + (r.getThrown() == null ? "" : r.getThrown().toString()));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeAll
    static void start() throws Exception {
        Logger.getLogger("").addHandler(CAPTURE);
        receiver = HttpsReceiver.start(data.resolve("receiver"));
        app = RunningAppliance.start(data.resolve("appliance"), config(receiver.caFile()));
        token = app.apiToken();
        team = Sql.inTransaction(app.appliance().database().dataSource(), c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM teams WHERE name = 'default'");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    static String config(Path ca) {
        return "telltale:\n  notify:\n    poll-interval: PT0.05S\n    retry-base: PT0.05S\n    retry-max: PT0.2S\n"
                + "    max-attempts: 50\n    trusted-ca-file: " + ca + "\n";
    }

    @AfterAll
    static void stop() {
        Logger.getLogger("").removeHandler(CAPTURE);
        app.close();
        receiver.close();
    }

    static JsonNode webhook(String name, String path, String events, String apps) throws Exception {
        HttpResponse<String> r = app.post("/api/v1/integrations", "{\"type\":\"webhook\",\"name\":\"" + name
                + "\",\"url\":\"" + receiver.url(path) + "\",\"events\":" + events + ",\"applications\":" + apps
                + ",\"secrets\":{\"secret\":\"" + SECRET + "\"},\"headers\":{\"Authorization\":\"" + HEADER_VALUE
                + "\"}}", token);
        assertEquals(201, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    static void seed(String app0, String component, String rule) {
        long uid = UIDS.getAndIncrement();
        Finding f = new Finding(team, app0, component, "1.0", "host-1", rule, Severity.P1, "/etc/shadow",
                "read of /etc/shadow", uid, Instant.now(), 3, 100 + uid, "standard");
        Sql.inTransaction(app.appliance().database().dataSource(), c -> {
            app.appliance().alerts().record(c, List.of(f));
            return null;
        });
    }

    /** What a receiver does (docs/integrations.md): recompute the HMAC over "t." + body and compare. */
    static boolean signatureValid(HttpsReceiver.Request r, String secret) throws Exception {
        String header = r.header("X-Telltale-Signature");
        String t = header.replaceAll("^t=(\\d+),v1=[0-9a-f]{64}$", "$1");
        String v1 = header.substring(header.indexOf("v1=") + 3);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = HexFormat.of().formatHex(mac.doFinal((t + "." + r.body()).getBytes(StandardCharsets.UTF_8)));
        boolean fresh = Math.abs(Instant.now().getEpochSecond() - Long.parseLong(t)) < 300;
        return fresh && java.security.MessageDigest.isEqual(expected.getBytes(), v1.getBytes());
    }

    static List<HttpsReceiver.Request> at(String path, int n) throws InterruptedException {
        return receiver.await(r -> r.path().equals(path), n, Duration.ofSeconds(20));
    }

    @Test
    void newAlertsAndStateChangesArriveSignedWithADeliveryId() throws Exception {
        JsonNode hook = webhook("signed", "/signed", "[\"new_alert\",\"state_change\"]", "[\"shop\"]");
        assertEquals(List.of("secret"), JSON.convertValue(hook.get("secrets_set"), List.class));
        assertEquals(List.of("Authorization"), JSON.convertValue(hook.get("headers"), List.class));
        seed("shop", "checkout", "files.credential-read");
        seed("other-app", "checkout", "files.credential-read"); // filtered out by application
        HttpsReceiver.Request created = at("/signed", 1).get(0);
        assertTrue(signatureValid(created, SECRET), created.header("X-Telltale-Signature"));
        assertFalse(signatureValid(created, "another secret of enough length"));
        JsonNode body = JSON.readTree(created.body());
        assertEquals("telltale.notification/1", body.get("schema").asText());
        assertEquals("new_alert", body.get("kind").asText());
        assertEquals("new_alert", created.header("X-Telltale-Event"));
        assertEquals(created.header("X-Telltale-Delivery"), body.get("delivery_id").asText());
        assertEquals(HEADER_VALUE, created.header("Authorization"), "custom headers are sent");
        assertEquals("shop", body.get("application").asText());
        assertEquals("default", body.get("team").asText());
        JsonNode d = body.get("data");
        assertEquals("P1", d.get("severity").asText());
        assertEquals("REPORTED", d.get("state").asText());
        assertTrue(d.get("url").asText().endsWith("/alerts/" + d.get("alert_id").asLong()), d.toString());

        app.appliance().alerts().transition(d.get("alert_id").asLong(), d.get("occurrence_id").asLong(),
                TriageState.ACKNOWLEDGED, Optional.of("looking"), Optional.empty(), "alice");
        HttpsReceiver.Request changed = at("/signed", 2).get(1);
        assertTrue(signatureValid(changed, SECRET));
        JsonNode c = JSON.readTree(changed.body());
        assertEquals("state_change", c.get("kind").asText());
        assertEquals("REPORTED", c.get("data").get("previous_state").asText());
        assertEquals("ACKNOWLEDGED", c.get("data").get("state").asText());
        assertEquals("alice", c.get("data").get("actor").asText());
        Thread.sleep(300);
        assertEquals(2, receiver.requests().stream().filter(r -> r.path().equals("/signed")).count(),
                "the other application's alert is filtered out; nothing is sent twice");

        JsonNode log = JSON.readTree(app.get("/api/v1/integrations/" + hook.get("id").asLong() + "/deliveries", token)
                .body()).get("deliveries");
        assertEquals(2, log.size());
        for (JsonNode e : log) {
            assertEquals("DELIVERED", e.get("status").asText());
            assertEquals(1, e.get("attempts").asInt());
        }
    }

    @Test
    void failedDeliveriesAreRetriedWithTheSameDeliveryIdUntilAccepted() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        receiver.answer(r -> !r.path().equals("/flaky") ? new HttpsReceiver.Answer(200, "{}")
                : new HttpsReceiver.Answer(calls.incrementAndGet() <= 3 ? 500 : 204, ""));
        try {
            JsonNode hook = webhook("flaky", "/flaky", "[\"new_alert\"]", "[]");
            seed("shop", "retry", "files.credential-read");
            List<HttpsReceiver.Request> got = at("/flaky", 4);
            assertEquals(4, got.size());
            assertEquals(1, got.stream().map(r -> r.header("X-Telltale-Delivery")).distinct().count(),
                    "a retry is the same delivery");
            assertEquals(1, receiver.accepted().stream().filter(r -> r.path().equals("/flaky")).count());
            JsonNode e = awaitDelivery(hook.get("id").asLong(), "DELIVERED");
            assertEquals(4, e.get("attempts").asInt());
            assertEquals("HTTP 204", e.get("last_result").asText());
            assertEquals(0, JSON.readTree(app.get("/api/v1/integrations/" + hook.get("id").asLong(), token).body())
                    .get("consecutive_failures").asInt(), "a success ends the run of failures");
        } finally {
            receiver.status(200);
        }
    }

    @Test
    void anIntegrationFailingTenTimesInARowIsDisabledAndMarkedFailed() throws Exception {
        receiver.answer(r -> new HttpsReceiver.Answer(r.path().equals("/down") ? 500 : 200, "{}"));
        try {
            JsonNode hook = webhook("down", "/down", "[\"new_alert\"]", "[]");
            long id = hook.get("id").asLong();
            seed("shop", "down-1", "files.credential-read");
            seed("shop", "down-2", "files.credential-read");
            long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            JsonNode now;
            do {
                Thread.sleep(50);
                now = JSON.readTree(app.get("/api/v1/integrations/" + id, token).body());
            } while (now.get("enabled").asBoolean() && System.nanoTime() < end);
            assertFalse(now.get("enabled").asBoolean(), now.toString());
            assertTrue(now.get("failed").asBoolean());
            assertEquals(10, now.get("consecutive_failures").asInt());
            Thread.sleep(400);
            int seen = receiver.requests().stream().filter(r -> r.path().equals("/down")).toList().size();
            assertEquals(10, seen, "nothing is sent once disabled");
            String audit = app.get("/api/v1/audit?action=integration.disable", token).body();
            assertTrue(audit.contains("integration " + id), audit);

            // Enabled again (the receiver is back): the pending deliveries resume and the failure mark clears.
            receiver.status(200);
            HttpResponse<String> r = app.put("/api/v1/integrations/" + id, "{\"name\":\"down\",\"url\":\""
                    + receiver.url("/down") + "\",\"events\":[\"new_alert\"],\"enabled\":true}", token);
            assertEquals(200, r.statusCode(), r.body());
            JsonNode back = JSON.readTree(r.body());
            assertFalse(back.get("failed").asBoolean());
            assertEquals(List.of("secret"), JSON.convertValue(back.get("secrets_set"), List.class), "secret kept");
            List<HttpsReceiver.Request> accepted;
            do {
                Thread.sleep(50);
                accepted = receiver.accepted().stream().filter(x -> x.path().equals("/down")).toList();
            } while (accepted.size() < 2 && System.nanoTime() < end);
            assertEquals(2, accepted.size());
            assertTrue(signatureValid(accepted.get(0), SECRET), "the kept secret still signs");
        } finally {
            receiver.status(200);
        }
    }

    @Test
    void aTestSendGoesToThatIntegrationOnly() throws Exception {
        JsonNode hook = webhook("tested", "/tested", "[\"system\"]", "[]");
        HttpResponse<String> r = app.post("/api/v1/integrations/" + hook.get("id").asLong() + "/test", "{}", token);
        assertEquals(202, r.statusCode(), r.body());
        HttpsReceiver.Request got = at("/tested", 1).get(0);
        assertEquals("test", JSON.readTree(got.body()).get("kind").asText());
        assertEquals(JSON.readTree(r.body()).get("delivery_id").asText(), got.header("X-Telltale-Delivery"));
        assertTrue(signatureValid(got, SECRET));

        app.appliance().notifications().system("certificate.expiry", "the server certificate expires in 7 days");
        HttpsReceiver.Request sys = at("/tested", 2).get(1);
        JsonNode s = JSON.readTree(sys.body());
        assertEquals("system", s.get("kind").asText());
        assertEquals("certificate.expiry", s.get("data").get("category").asText());
    }

    @Test
    void secretsAreNeitherReturnedNorLogged() throws Exception {
        receiver.answer(r -> new HttpsReceiver.Answer(r.path().equals("/quiet") ? 503 : 200, "{}"));
        try {
            JsonNode hook = webhook("quiet", "/quiet", "[\"new_alert\"]", "[]");
            seed("shop", "secretive", "files.credential-read");
            at("/quiet", 2);
            for (String path : new String[]{"/api/v1/integrations", "/api/v1/integrations/" + hook.get("id").asLong(),
                    "/api/v1/integrations/" + hook.get("id").asLong() + "/deliveries", "/api/v1/audit"}) {
                String body = app.get(path, token).body();
                assertFalse(body.contains(SECRET) || body.contains(HEADER_VALUE), path + ": " + body);
            }
            synchronized (LOGS) {
                for (String line : LOGS) {
                    assertFalse(line.contains(SECRET) || line.contains(HEADER_VALUE), line);
                }
            }
        } finally {
            receiver.status(200);
        }
    }

    @Test
    void invalidSettingsAreRefusedNamingTheField() throws Exception {
        String ok = "\"secrets\":{\"secret\":\"" + SECRET + "\"},\"events\":[\"new_alert\"]";
        String[][] cases = {
                {"{\"type\":\"webhook\",\"name\":\"a\",\"url\":\"http://localhost/x\"," + ok + "}", "https"},
                {"{\"type\":\"webhook\",\"name\":\"a\",\"url\":\"https://u:p@localhost/x\"," + ok + "}", "credentials"},
                {"{\"type\":\"webhook\",\"name\":\"a\",\"url\":\"https://localhost/x\",\"events\":[\"new_alert\"],"
                        + "\"secrets\":{\"secret\":\"short\"}}", "secrets.secret"},
                {"{\"type\":\"webhook\",\"name\":\"a\",\"url\":\"https://localhost/x\"," + ok
                        + ",\"headers\":{\"A\":\"1\",\"B\":\"1\",\"C\":\"1\",\"D\":\"1\",\"E\":\"1\",\"F\":\"1\"}}", "at most 5"},
                {"{\"type\":\"webhook\",\"name\":\"a\",\"url\":\"https://localhost/x\"," + ok
                        + ",\"headers\":{\"X-Telltale-Delivery\":\"1\"}}", "not allowed"},
                {"{\"type\":\"webhook\",\"name\":\"a\",\"url\":\"https://localhost/x\",\"events\":[\"test\"],"
                        + "\"secrets\":{\"secret\":\"" + SECRET + "\"}}", "events"},
                {"{\"type\":\"slack\",\"name\":\"a\",\"events\":[\"new_alert\"],\"secrets\":{\"webhook_url\":"
                        + "\"http://hooks.slack.example/T0/B0/xyzsecret\"}}", "secrets.webhook_url"},
                {"{\"type\":\"jira\",\"name\":\"a\",\"url\":\"https://jira.example\",\"events\":[\"new_alert\"],"
                        + "\"settings\":{\"project_key\":\"sec\"},\"secrets\":{\"api_token\":\"t\"}}", "project_key"},
                {"{\"type\":\"syslog\",\"name\":\"a\",\"events\":[\"system\"],\"settings\":{\"host\":\"siem\","
                        + "\"port\":\"99999\"}}", "settings.port"},
        };
        for (String[] c : cases) {
            HttpResponse<String> r = app.post("/api/v1/integrations", c[0], token);
            assertEquals(400, r.statusCode(), c[0] + " → " + r.body());
            assertTrue(r.body().contains(c[1]), c[1] + " in " + r.body());
            assertFalse(r.body().contains("xyzsecret"), r.body());
        }
        webhook("twice", "/twice", "[\"new_alert\"]", "[]");
        HttpResponse<String> dup = app.post("/api/v1/integrations", "{\"type\":\"webhook\",\"name\":\"twice\",\"url\":\""
                + receiver.url("/x") + "\"," + ok + "}", token);
        assertEquals(409, dup.statusCode(), dup.body());
        assertEquals(404, app.get("/api/v1/integrations/999999", token).statusCode());
    }

    static JsonNode awaitDelivery(long integration, String status) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            JsonNode log = JSON.readTree(app.get("/api/v1/integrations/" + integration + "/deliveries", token).body())
                    .get("deliveries");
            if (log.size() > 0 && log.get(0).get("status").asText().equals(status) || System.nanoTime() > end) {
                return log.get(0);
            }
            Thread.sleep(50);
        }
    }
}
