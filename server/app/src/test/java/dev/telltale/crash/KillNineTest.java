package dev.telltale.crash;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.protocol.Compression;
import dev.telltale.protocol.FrameType;
import dev.telltale.protocol.client.AgentConnection;
import dev.telltale.protocol.event.Event;
import dev.telltale.protocol.event.EventType;
import dev.telltale.testing.RunningAppliance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The appliance is killed with SIGKILL while an agent streams events into it; after a restart
 * every event it acknowledged is searchable, exactly once, and every alert those events raise
 * exists exactly once with exactly its evidence (one event in fifty reads a credential file,
 * each a different one, so each is its own alert).
 */
class KillNineTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ALERT_EVERY = 50;

    @TempDir
    Path data;

    private Process server;
    private int https;
    private int ingest;

    @Test
    void everyAcknowledgedEventSurvivesSigkill() throws Exception {
        https = freePort();
        ingest = freePort();
        start();
        SSLContext tls = RunningAppliance.trusting(data.resolve("tls/ca.crt"));
        HttpClient http = HttpClient.newBuilder().sslContext(tls).build();
        String api = login(http);
        String runToken = JSON.readTree(post(http, "/api/v1/run-tokens", "{\"name\":\"crash\"}", api)).get("token").asText();

        AtomicLong acked = new AtomicLong();
        CountDownLatch streaming = new CountDownLatch(1);
        Thread agent = new Thread(() -> stream(tls, runToken, acked, streaming), "crash-agent");
        agent.start();
        assertTrue(streaming.await(30, TimeUnit.SECONDS));
        Thread.sleep(2500); // past a couple of store commits, in the middle of the next
        server.destroyForcibly().waitFor(); // SIGKILL on Linux
        agent.join(10_000);
        long ackedBeforeKill = acked.get();
        assertTrue(ackedBeforeKill > 1000, "the agent streamed before the kill: " + ackedBeforeKill);

        start();
        try {
            api = login(http);
            long stored;
            try (AgentConnection conn = AgentConnection.connect(tls, "localhost", ingest, 10_000)) {
                stored = conn.hello(RunningAppliance.hello(runToken, "crash-agent", Compression.ZSTD)).nextSeq() - 1;
            }
            assertTrue(stored >= ackedBeforeKill, "the appliance remembers at least what it acknowledged");
            long deadline = System.currentTimeMillis() + 30_000;
            long found;
            do {
                found = count(http, api, "host:host-crash-agent");
            } while (found < stored && System.currentTimeMillis() < deadline && sleep());
            assertEquals(stored, found, "every stored event is searchable, none twice");
            assertEquals(ackedBeforeKill, count(http, api, "host:host-crash-agent AND seq:[1 TO " + ackedBeforeKill + "]"));

            long expectedAlerts = stored / ALERT_EVERY;
            deadline = System.currentTimeMillis() + 60_000;
            long[] alerts;
            do {
                alerts = alerts(http, api);
            } while (alerts[0] < expectedAlerts && System.currentTimeMillis() < deadline && sleep());
            Thread.sleep(1500); // a duplicate would come from a late re-evaluation
            alerts = alerts(http, api);
            assertEquals(expectedAlerts, alerts[0], "one alert per credential read the appliance stored");
            assertEquals(expectedAlerts, alerts[1], "each with exactly one piece of evidence");
        } finally {
            server.destroyForcibly().waitFor();
        }
    }

    private static boolean sleep() throws InterruptedException {
        Thread.sleep(200);
        return true;
    }

    private void stream(SSLContext tls, String token, AtomicLong acked, CountDownLatch streaming) {
        try (AgentConnection conn = AgentConnection.connect(tls, "localhost", ingest, 10_000)) {
            conn.hello(RunningAppliance.hello(token, "crash-agent", Compression.ZSTD));
            Thread reader = new Thread(() -> {
                try {
                    while (true) {
                        AgentConnection.Frame f = conn.read();
                        if (f.type() == FrameType.ACK) {
                            acked.set(f.ack().ackedSeq());
                            streaming.countDown();
                        }
                    }
                } catch (IOException e) {
                    // killed
                }
            });
            reader.setDaemon(true);
            reader.start();
            long seq = 1;
            while (true) {
                while (seq - acked.get() > 2000) {
                    Thread.sleep(1);
                }
                List<Event> batch = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    Event e = Event.of(EventType.FILE, i, 77, 77);
                    if ((seq + i) % ALERT_EVERY == 0) {
                        e.body().set("op", "open").set("path", "/root/.ssh/id_rsa_" + (seq + i)).set("result", 3L);
                    } else {
                        e.body().set("op", "write").set("path", "/var/lib/app/chunk-" + (seq + i));
                    }
                    batch.add(e);
                }
                conn.sendRaw(conn.encoder().frame(seq, System.currentTimeMillis() * 1000, batch));
                seq += 200;
            }
        } catch (IOException | InterruptedException e) {
            // the appliance was killed
        }
    }

    /** Number of credential-read alerts and the sum of their evidence counts. */
    private long[] alerts(HttpClient http, String api) throws Exception {
        long alerts = 0, events = 0;
        String after = null;
        do {
            String page = get(http, "/api/v1/alerts?rule=files.credential-read&limit=500"
                    + (after == null ? "" : "&after=" + URLEncoder.encode(after, StandardCharsets.UTF_8)), api);
            var json = JSON.readTree(page);
            for (var a : json.get("alerts")) {
                alerts++;
                events += a.get("events").asLong();
            }
            after = json.hasNonNull("next") ? json.get("next").asText() : null;
        } while (after != null);
        return new long[]{alerts, events};
    }

    private long count(HttpClient http, String api, String q) throws Exception {
        String body = get(http, "/api/v1/events/facets?dims=type&q=" + URLEncoder.encode(q, StandardCharsets.UTF_8), api);
        return JSON.readTree(body).get("total").asLong();
    }

    private void start() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "dev.telltale.Main", "--data", data.toString(), "--https-port", Integer.toString(https),
                "--ingest-port", Integer.toString(ingest))
                .redirectErrorStream(true);
        pb.environment().put("TELLTALE_ADMIN_PASSWORD", RunningAppliance.ADMIN_PASSWORD);
        pb.environment().put("TELLTALE_STORE_COMMIT__INTERVAL", "PT1S");
        pb.environment().put("TELLTALE_EVALUATION_CHECKPOINT__INTERVAL", "PT0.5S");
        // The smallest segments: the kill lands among rollovers, whose new segments are held
        // unwritten until the old ones are durable (decision 40).
        pb.environment().put("TELLTALE_JOURNAL_SEGMENT__BYTES", "1048576");
        server = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        String line;
        java.util.ArrayDeque<String> lastLines = new java.util.ArrayDeque<>();
        while ((line = out.readLine()) != null) {
            lastLines.addLast(line);
            if (lastLines.size() > 30) {
                lastLines.removeFirst();
            }
            if (line.contains("is up")) {
                Thread drain = new Thread(() -> {
                    try {
                        while (out.readLine() != null) {
                            // keep the pipe flowing
                        }
                    } catch (IOException ignored) {
                        // process ended
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return;
            }
        }
        throw new IllegalStateException("the appliance did not start; its last lines:\n" + String.join("\n", lastLines));
    }

    private String login(HttpClient http) throws Exception {
        String body = post(http, "/api/v1/auth/token",
                "{\"username\":\"admin\",\"password\":\"" + RunningAppliance.ADMIN_PASSWORD + "\"}", null);
        return JSON.readTree(body).get("access_token").asText();
    }

    private String post(HttpClient http, String path, String json, String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://localhost:" + https + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(r.statusCode() / 100 == 2, path + " → " + r.statusCode() + " " + r.body());
        return r.body();
    }

    private String get(HttpClient http, String path, String bearer) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("https://localhost:" + https + path))
                .header("Authorization", "Bearer " + bearer).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
