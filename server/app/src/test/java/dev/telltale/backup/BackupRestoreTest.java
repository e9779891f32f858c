package dev.telltale.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.protocol.Compression;
import dev.telltale.protocol.FrameType;
import dev.telltale.protocol.client.AgentConnection;
import dev.telltale.protocol.event.Event;
import dev.telltale.protocol.event.EventType;
import dev.telltale.testing.RunningAppliance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A backup taken through the API while an agent streams, downloaded as an archive, restored
 * onto a fresh data directory: users, run tokens (the agent connects with its old token),
 * every event acknowledged before the backup and the alerts they raise are there, and new
 * events get ids no restored event has.
 */
class BackupRestoreTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONFIG = """
            telltale:
              store:
                commit-interval: PT1S
              evaluation:
                checkpoint-interval: PT0.5S
            """;
    private static final int ALERT_EVERY = 50;

    @TempDir
    Path tmp;

    @Test
    void backupWhileStreamingRestoresOntoAFreshAppliance() throws Exception {
        Path archive = tmp.resolve("out").resolve("backup.zip");
        Files.createDirectories(archive.getParent());
        String token;
        long ackedBeforeBackup;
        try (RunningAppliance app = RunningAppliance.start(tmp.resolve("old"), CONFIG)) {
            token = app.runToken(java.util.Optional.empty()).token();
            AtomicLong acked = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch streaming = new CountDownLatch(1);
            Thread agent = new Thread(() -> stream(app, token, 1, acked, streaming, stop), "backup-agent");
            agent.start();
            assertTrue(streaming.await(30, TimeUnit.SECONDS));
            Thread.sleep(2500); // past a couple of store commits and engine checkpoints
            ackedBeforeBackup = acked.get();
            var created = app.post("/api/v1/backups", "{\"reason\":\"manual\"}", app.apiToken());
            assertEquals(201, created.statusCode(), created.body());
            String id = JSON.readTree(created.body()).get("id").asText();
            Thread.sleep(500); // the agent goes on after the backup point
            stop.set(true);
            agent.join(10_000);
            assertTrue(ackedBeforeBackup > 500, "the agent streamed before the backup: " + ackedBeforeBackup);

            var list = JSON.readTree(app.get("/api/v1/backups", app.apiToken()).body());
            assertEquals(id, list.get("backups").get(0).get("id").asText());
            download(app, id, archive);
        }

        Path fresh = tmp.resolve("new");
        String restored = ArchiveRestore.restore(archive, fresh, false);
        assertTrue(restored.endsWith("-manual"));
        try (RunningAppliance app = RunningAppliance.start(fresh, CONFIG)) {
            String api = app.apiToken(); // the admin's password came along
            long stored;
            try (AgentConnection conn = app.connect()) {
                stored = conn.hello(RunningAppliance.hello(token, "backup-agent", Compression.ZSTD)).nextSeq() - 1;
            }
            assertTrue(stored >= ackedBeforeBackup, "remembers at least what was acknowledged before the backup");
            assertEquals(ackedBeforeBackup, awaitCount(app, api, "host:host-backup-agent AND seq:[1 TO "
                    + ackedBeforeBackup + "]", ackedBeforeBackup));
            assertEquals(stored, awaitCount(app, api, "host:host-backup-agent", stored), "every stored event once");

            long expectedAlerts = stored / ALERT_EVERY;
            long deadline = System.currentTimeMillis() + 30_000;
            long alerts;
            do {
                alerts = alerts(app, api);
            } while (alerts < expectedAlerts && System.currentTimeMillis() < deadline && sleep());
            assertEquals(expectedAlerts, alerts, "one alert per credential read stored before the backup");

            // New events after the restore: ids the restored indexes do not hold.
            AtomicLong acked = new AtomicLong(stored);
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch streaming = new CountDownLatch(1);
            Thread agent = new Thread(() -> stream(app, token, stored + 1, acked, streaming, stop), "backup-agent");
            agent.start();
            assertTrue(streaming.await(30, TimeUnit.SECONDS));
            Thread.sleep(300);
            stop.set(true);
            agent.join(10_000);
            long total = acked.get();
            assertEquals(total, awaitCount(app, api, "host:host-backup-agent", total));
            assertEquals(total, distinctUids(app, api, "host:host-backup-agent"), "no unique id used twice");
            var audit = app.get("/api/v1/audit?action=backup.restore", api);
            assertTrue(audit.body().contains(restored), audit.body());
        }
    }

    private static void download(RunningAppliance app, String id, Path archive) throws Exception {
        var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create("https://localhost:"
                        + app.appliance().httpsPort() + "/api/v1/backups/" + id + "/archive"))
                .header("Authorization", "Bearer " + app.apiToken()).GET().build();
        var client = java.net.http.HttpClient.newBuilder().sslContext(app.tls()).build();
        var res = client.send(req, java.net.http.HttpResponse.BodyHandlers.ofFile(archive));
        assertEquals(200, res.statusCode());
        var sha = Archives.sha256();
        sha.update(Files.readAllBytes(archive));
        Files.writeString(archive.resolveSibling(archive.getFileName() + ".sha256"),
                Archives.checksumLine(java.util.HexFormat.of().formatHex(sha.digest()), archive.getFileName().toString()));
    }

    static void stream(RunningAppliance app, String token, long firstSeq, AtomicLong acked, CountDownLatch streaming,
                       AtomicBoolean stop) {
        try (AgentConnection conn = app.connect()) {
            conn.hello(RunningAppliance.hello(token, "backup-agent", Compression.ZSTD));
            long seq = firstSeq;
            while (!stop.get() || acked.get() < seq - 1) {
                if (!stop.get() && seq - acked.get() <= 400) {
                    List<Event> batch = new ArrayList<>();
                    for (int i = 0; i < 100; i++) {
                        Event e = Event.of(EventType.FILE, i, 77, 77);
                        if ((seq + i) % ALERT_EVERY == 0) {
                            e.body().set("op", "open").set("path", "/root/.ssh/id_rsa_" + (seq + i)).set("result", 3L);
                        } else {
                            e.body().set("op", "write").set("path", "/var/lib/app/chunk-" + (seq + i));
                        }
                        batch.add(e);
                    }
                    conn.sendRaw(conn.encoder().frame(seq, System.currentTimeMillis() * 1000, batch));
                    seq += 100;
                    Thread.sleep(5);
                    continue;
                }
                AgentConnection.Frame f = conn.read();
                if (f.type() == FrameType.ACK) {
                    acked.set(f.ack().ackedSeq());
                    streaming.countDown();
                }
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("agent stream failed", e);
        }
    }

    private static boolean sleep() throws InterruptedException {
        Thread.sleep(200);
        return true;
    }

    private static long awaitCount(RunningAppliance app, String api, String q, long expected) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        long found;
        do {
            found = count(app, api, q);
        } while (found < expected && System.currentTimeMillis() < deadline && sleep());
        return found;
    }

    private static long count(RunningAppliance app, String api, String q) throws Exception {
        String body = app.get("/api/v1/events/facets?dims=type&q=" + URLEncoder.encode(q, StandardCharsets.UTF_8), api).body();
        return JSON.readTree(body).get("total").asLong();
    }

    private static long distinctUids(RunningAppliance app, String api, String q) throws Exception {
        Set<Long> uids = new HashSet<>();
        String after = null;
        do {
            JsonNode page = JSON.readTree(app.get("/api/v1/events?limit=1000&q=" + URLEncoder.encode(q, StandardCharsets.UTF_8)
                    + (after == null ? "" : "&after=" + URLEncoder.encode(after, StandardCharsets.UTF_8)), api).body());
            page.get("events").forEach(e -> uids.add(e.get("uid").asLong()));
            after = page.hasNonNull("next") ? page.get("next").asText() : null;
        } while (after != null);
        return uids.size();
    }

    private static long alerts(RunningAppliance app, String api) throws Exception {
        long n = 0;
        String after = null;
        do {
            JsonNode page = JSON.readTree(app.get("/api/v1/alerts?rule=files.credential-read&limit=500"
                    + (after == null ? "" : "&after=" + URLEncoder.encode(after, StandardCharsets.UTF_8)), api).body());
            n += page.get("alerts").size();
            after = page.hasNonNull("next") ? page.get("next").asText() : null;
        } while (after != null);
        return n;
    }

}
