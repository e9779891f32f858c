package dev.telltale.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.db.Sql;
import dev.telltale.policy.Finding;
import dev.telltale.policy.Severity;
import dev.telltale.testing.HttpsReceiver;
import dev.telltale.testing.RunningAppliance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The outbox survives restarts: deliveries pending when the appliance stops (in flight, or waiting
 * for a retry) are sent by the next run, and the receiver accepts each delivery id exactly once.
 */
class NotifyRestartTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SECRET = "restart-secret-0123456789";

    @TempDir
    Path data;

    static long defaultTeam(RunningAppliance app) {
        return Sql.inTransaction(app.appliance().database().dataSource(), c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM teams WHERE name = 'default'");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    static void seed(RunningAppliance app, int n, String component) {
        long team = defaultTeam(app);
        List<Finding> findings = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            findings.add(new Finding(team, "shop", component + "-" + i, "1.0", "host", "files.credential-read",
                    Severity.P2, "/etc/shadow", "read of /etc/shadow", 1000 + i, Instant.now(), 3, 7, "standard"));
        }
        Sql.inTransaction(app.appliance().database().dataSource(), c -> {
            app.appliance().alerts().record(c, findings);
            return null;
        });
    }

    static long webhook(RunningAppliance app, HttpsReceiver receiver, String path) throws Exception {
        HttpResponse<String> r = app.post("/api/v1/integrations", "{\"type\":\"webhook\",\"name\":\"" + path
                + "\",\"url\":\"" + receiver.url(path) + "\",\"events\":[\"new_alert\"],\"secrets\":{\"secret\":\""
                + SECRET + "\"}}", app.apiToken());
        assertEquals(201, r.statusCode(), r.body());
        return JSON.readTree(r.body()).get("id").asLong();
    }

    RunningAppliance start(HttpsReceiver receiver) throws Exception {
        return RunningAppliance.start(data.resolve("appliance"), "telltale:\n  notify:\n    poll-interval: PT0.05S\n"
                + "    retry-base: PT0.1S\n    retry-max: PT0.3S\n    max-attempts: 100\n    failure-limit: 100\n"
                + "    trusted-ca-file: " + receiver.caFile() + "\n");
    }

    static Map<String, Long> acceptedIds(HttpsReceiver receiver, String path) {
        return receiver.accepted().stream().filter(r -> r.path().equals(path))
                .collect(Collectors.groupingBy(r -> r.header("X-Telltale-Delivery"), Collectors.counting()));
    }

    static Map<String, Long> awaitAccepted(HttpsReceiver receiver, String path, int n) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (acceptedIds(receiver, path).size() < n && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        Thread.sleep(500); // anything sent twice would arrive now
        return acceptedIds(receiver, path);
    }

    @Test
    void sendsInFlightWhenStoppingAreRecordedAndNotSentAgain() throws Exception {
        try (HttpsReceiver receiver = HttpsReceiver.start(data.resolve("receiver"))) {
            Function<HttpsReceiver.Request, HttpsReceiver.Answer> slow = r -> {
                try {
                    Thread.sleep(700);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return new HttpsReceiver.Answer(200, "{}");
            };
            receiver.answer(slow);
            RunningAppliance app = start(receiver);
            try {
                webhook(app, receiver, "/slow");
                seed(app, 6, "inflight");
                receiver.await(r -> r.path().equals("/slow"), 1, Duration.ofSeconds(20));
            } finally {
                app.close(); // mid-delivery: waits for the sends in flight and records them
            }
            int before = acceptedIds(receiver, "/slow").size();
            assertTrue(before >= 1 && before < 6, "stopped mid-way: " + before);
            RunningAppliance again = start(receiver);
            try {
                Map<String, Long> ids = awaitAccepted(receiver, "/slow", 6);
                assertEquals(6, ids.size(), ids.toString());
                assertTrue(ids.values().stream().allMatch(c -> c == 1), "each delivery id accepted once: " + ids);
                assertEquals(6, receiver.requests().stream().filter(r -> r.path().equals("/slow")).count(),
                        "nothing was sent twice");
                JsonNode log = JSON.readTree(again.get("/api/v1/integrations?", again.apiToken()).body());
                assertEquals(1, log.get("integrations").size());
            } finally {
                again.close();
            }
        }
    }

    @Test
    void deliveriesWaitingForARetryResumeAfterARestart() throws Exception {
        try (HttpsReceiver receiver = HttpsReceiver.start(data.resolve("receiver"))) {
            receiver.status(503);
            RunningAppliance app = start(receiver);
            try {
                webhook(app, receiver, "/down");
                seed(app, 3, "retry");
                receiver.await(r -> r.path().equals("/down"), 6, Duration.ofSeconds(20));
            } finally {
                app.close();
            }
            assertEquals(0, acceptedIds(receiver, "/down").size());
            receiver.status(200);
            RunningAppliance again = start(receiver);
            try {
                Map<String, Long> ids = awaitAccepted(receiver, "/down", 3);
                assertEquals(3, ids.size(), ids.toString());
                assertTrue(ids.values().stream().allMatch(c -> c == 1), ids.toString());
                long distinctSent = receiver.requests().stream().filter(r -> r.path().equals("/down"))
                        .map(r -> r.header("X-Telltale-Delivery")).distinct().count();
                assertEquals(3, distinctSent, "retries and resends carry the delivery's one id");
            } finally {
                again.close();
            }
        }
    }
}
