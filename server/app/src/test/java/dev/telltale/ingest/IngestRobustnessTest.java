package dev.telltale.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telltale.protocol.Compression;
import dev.telltale.protocol.FrameType;
import dev.telltale.protocol.Frames;
import dev.telltale.protocol.Ping;
import dev.telltale.protocol.client.AgentConnection;
import dev.telltale.protocol.event.Event;
import dev.telltale.protocol.event.EventType;
import dev.telltale.protocol.event.Msg;
import dev.telltale.protocol.event.Schemas;
import dev.telltale.testing.RunningAppliance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Secrets, clients that misbehave at scale, and agents that must not notice them. */
class IngestRobustnessTest {
    static final String CONFIG = """
            telltale:
              ingest:
                hello-timeout: PT3S
                idle-timeout: PT30S
              store:
                commit-interval: PT1S
            """;
    static final String AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    static final String BEARER = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjaGVja291dC1zZXJ2aWNlIn0.c2lnbmF0dXJlLXZhbHVlLTEyMzQ1Ng";
    static final String DB_PASSWORD = "hunter2-but-longer-xyz";

    @TempDir
    static Path data;
    static RunningAppliance app;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        app = RunningAppliance.start(data, CONFIG);
        token = app.runToken(Optional.empty()).token();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void secretsAreNeverStoredInClear() throws Exception {
        String instance = RunningAppliance.newInstance();
        Event start = Event.of(EventType.PROCESS_START, 0, 900, 900);
        start.body().set("hostname", "web-1").set("exe", "/usr/bin/java")
                .set("argv", List.of("/usr/bin/java", "--db-password=" + DB_PASSWORD, "-jar", "app.jar"))
                .set("env", new Msg(Schemas.ENV_VAR).set("env.name", "AWS_SECRET_ACCESS_KEY").set("env.value", AWS_SECRET))
                .set("env", new Msg(Schemas.ENV_VAR).set("env.name", "LANG").set("env.value", "C.UTF-8"))
                .set("env", new Msg(Schemas.ENV_VAR).set("env.name", "DB_PASSWORD").set("env.value", "hunt… (22 chars)")
                        .set("env.hash", "0123456789abcdef0123456789abcdef").set("env.masked", true))
                .set("env", new Msg(Schemas.ENV_VAR).set("env.name", "STRIPE").set("env.value", "AKIAIOSFODNN7EXAMPLE")
                        .set("env.hash", "forged").set("env.masked", true));
        Event bearer = Event.of(EventType.BEARER_TOKEN, 1, 900, 901);
        bearer.body().set("auth_type", "bearer").set("value", BEARER).set("lport", 8080L).set("tls", false);
        try (AgentConnection conn = app.connect()) {
            conn.hello(RunningAppliance.hello(token, instance, Compression.ZSTD));
            conn.sendRaw(conn.encoder().frame(1, System.currentTimeMillis() * 1000, List.of(start, bearer)));
            conn.awaitAck(2);
        }
        JsonNode started = app.awaitSearch("host:host-" + instance + " AND type:process_start", 1).get("events").get(0);
        JsonNode aws = started.get("fields").get("env").get(0);
        assertTrue(aws.get("masked").asBoolean());
        assertFalse(aws.get("value").asText().contains("EXAMPLEKEY"));
        assertEquals(32, aws.get("hash").asText().length());
        assertEquals("C.UTF-8", started.get("fields").get("env").get(1).get("value").asText(), "ordinary values stay");
        assertEquals("0123456789abcdef0123456789abcdef", started.get("fields").get("env").get(2).get("hash").asText(),
                "a forwarder's mask and team-keyed hash are kept");
        JsonNode forged = started.get("fields").get("env").get(3);
        assertFalse(forged.get("value").asText().contains("EXAMPLE"), "a clear secret flagged as masked is masked again");
        assertEquals(32, forged.get("hash").asText().length());
        assertTrue(started.get("fields").get("argv").get(1).asText().startsWith("--db-password=hunt…"));
        JsonNode tok = app.awaitSearch("host:host-" + instance + " AND type:bearer_token", 1).get("events").get(0);
        assertFalse(tok.get("fields").has("value"));
        assertTrue(tok.get("fields").get("token_masked").asText().startsWith("eyJh…"));
        // The same secret hashes the same way, so its uses can be found without knowing it.
        String hash = tok.get("fields").get("token_hash").asText();
        assertEquals(1, app.search("token_hash:" + hash).get("events").size());

        Thread.sleep(1500); // one commit interval: the indexes are on disk too
        try (Stream<Path> files = Files.walk(app.dataDir())) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String content = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                for (String secret : List.of(AWS_SECRET, BEARER, DB_PASSWORD, "AKIAIOSFODNN7EXAMPLE")) {
                    assertFalse(content.contains(secret), f + " holds a secret in clear");
                }
            }
        }
    }

    @Test
    void aThousandIdleConnectionsDoNotHurtAWorkingAgent() throws Exception {
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 900; i++) {
                idle.add(new Socket("localhost", app.ingestPort()));
            }
            for (int i = 0; i < 100; i++) {
                SSLSocket s = (SSLSocket) app.tls().getSocketFactory().createSocket("localhost", app.ingestPort());
                s.startHandshake();
                idle.add(s);
            }
            String instance = RunningAppliance.newInstance();
            try (AgentConnection conn = app.connect()) {
                conn.hello(RunningAppliance.hello(token, instance, Compression.ZSTD));
                conn.sendRaw(conn.encoder().frame(1, 0, List.of(IngestProtocolTest.file("/busy/1"))));
                assertEquals(1, conn.awaitAck(1));
            }
            assertEquals(200, app.get("/api/health", null).statusCode());
            // Past the HELLO deadline every idle connection has been closed by the appliance.
            long deadline = System.currentTimeMillis() + 15_000;
            while (app.appliance().store() != null && connections() > 0 && System.currentTimeMillis() < deadline) {
                Thread.sleep(200);
            }
            assertEquals(0, connections(), "idle connections closed after the HELLO deadline");
        } finally {
            for (Socket s : idle) {
                s.close();
            }
        }
    }

    private static long connections() throws Exception {
        String metrics = app.get("/metrics", null).body();
        return metrics.lines().filter(l -> l.startsWith("telltale_ingest_connections "))
                .mapToLong(l -> (long) Double.parseDouble(l.split(" ")[1])).findFirst().orElse(-1);
    }

    @Test
    void anAgentThatStopsReadingIsThrottledWithoutHarmingOthers() throws Exception {
        AgentConnection stalled = app.connect();
        stalled.hello(RunningAppliance.hello(token, RunningAppliance.newInstance(), Compression.NONE));
        AtomicLong sent = new AtomicLong();
        byte[] ping = Frames.frame(FrameType.PING, new Ping(1, 1).encode());
        // Every PING is answered; an agent that never reads the answers fills the buffers between
        // us until the appliance stops reading it, which blocks this writer.
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                while (sent.get() < 5_000_000) {
                    for (int i = 0; i < 1000; i++) {
                        stalled.write(ping);
                    }
                    stalled.flush();
                    sent.addAndGet(1000);
                }
            } catch (IOException e) {
                // closed at the end of the test
            }
        });
        try {
            long last = -1;
            long deadline = System.currentTimeMillis() + 60_000;
            while (sent.get() != last && System.currentTimeMillis() < deadline) {
                last = sent.get();
                Thread.sleep(2000);
            }
            assertEquals(last, sent.get(), "the appliance stopped reading the agent that does not read");
            assertTrue(last < 5_000_000);
            String instance = RunningAppliance.newInstance();
            try (AgentConnection conn = app.connect()) {
                conn.hello(RunningAppliance.hello(token, instance, Compression.ZSTD));
                conn.sendRaw(conn.encoder().frame(1, 0, List.of(IngestProtocolTest.file("/fast/1"))));
                assertEquals(1, conn.awaitAck(1), "another agent is served while one stalls");
            }
            assertEquals(200, app.get("/api/health", null).statusCode());
        } finally {
            stalled.abort();
            writer.get(10, TimeUnit.SECONDS);
        }
    }
}
