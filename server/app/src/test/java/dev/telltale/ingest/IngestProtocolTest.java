package dev.telltale.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telltale.protocol.BatchEncoder;
import dev.telltale.protocol.Compression;
import dev.telltale.protocol.ErrorCode;
import dev.telltale.protocol.ErrorFrame;
import dev.telltale.protocol.FrameType;
import dev.telltale.protocol.Frames;
import dev.telltale.protocol.GapFrame;
import dev.telltale.protocol.Hello;
import dev.telltale.protocol.Ping;
import dev.telltale.protocol.ProtocolException;
import dev.telltale.protocol.Welcome;
import dev.telltale.protocol.WireWriter;
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

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ingestion protocol end to end: a real appliance, real TLS, the reference client. */
class IngestProtocolTest {
    static final String CONFIG = """
            telltale:
              ingest:
                hello-timeout: PT1S
                idle-timeout: PT5S
                max-frame-bytes: 65536
                max-batch-bytes: 1048576
              store:
                commit-interval: PT1S
            """;

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

    static Event file(String path) {
        Event e = Event.of(EventType.FILE, 5, 321, 322);
        e.body().set("op", "open").set("path", path).set("flags", 0101L).set("mode", 0644L);
        e.stack().add(new Msg(Schemas.STACK_FRAME).set("stack.module", "/usr/bin/python3.11").set("stack.offset", 0x1234L));
        return e;
    }

    static AgentConnection session(String instance, Compression c) throws IOException {
        AgentConnection conn = app.connect();
        conn.hello(RunningAppliance.hello(token, instance, c));
        return conn;
    }

    static ErrorFrame expectError(AgentConnection conn) throws IOException {
        while (true) {
            AgentConnection.Frame f = conn.read();
            if (f.type() == FrameType.ERROR) {
                return f.error();
            }
        }
    }

    static void expectClosed(AgentConnection conn) {
        assertThrows(IOException.class, () -> {
            while (true) {
                conn.read();
            }
        });
    }

    @Test
    void batchesAreAcknowledgedAndSearchableWithTheirContext() throws Exception {
        String instance = RunningAppliance.newInstance();
        try (AgentConnection conn = session(instance, Compression.ZSTD)) {
            Welcome w = conn.welcome();
            assertEquals(1, w.nextSeq());
            conn.sendRaw(conn.encoder().frame(1, System.currentTimeMillis() * 1000, List.of(file("/srv/a.txt"), file("/srv/b.txt"))));
            assertEquals(2, conn.awaitAck(2));
            conn.sendRaw(conn.encoder().frame(3, System.currentTimeMillis() * 1000, List.of(file("/srv/c.txt"))));
            assertEquals(3, conn.awaitAck(3));
            conn.send(FrameType.PING, new Ping(99, 1).encode());
            AgentConnection.Frame pong = conn.read();
            assertEquals(FrameType.PONG, pong.type());
            assertEquals(99, Ping.decode(pong.payload(), 0, pong.payload().length).nonce());
        }
        JsonNode hits = app.awaitSearch("host:host-" + instance, 3).get("events");
        assertEquals(3, hits.size());
        JsonNode newest = hits.get(0);
        assertEquals("/srv/c.txt", newest.get("fields").get("path").asText());
        assertEquals("shop", newest.get("app").asText());
        assertEquals("checkout", newest.get("component").asText());
        assertEquals("1.4.2", newest.get("version").asText());
        assertEquals("default", newest.get("team").asText());
        assertEquals(instance, newest.get("agent_instance").asText());
        assertEquals(3, newest.get("seq").asLong());
        assertEquals("/usr/bin/python3.11", newest.get("stack").get(0).get("module").asText());
    }

    @Test
    void aReconnectingAgentResumesWhereTheApplianceStopped() throws Exception {
        String instance = RunningAppliance.newInstance();
        try (AgentConnection conn = session(instance, Compression.ZSTD)) {
            conn.sendRaw(conn.encoder().frame(1, 0, List.of(file("/r/1"), file("/r/2"))));
            conn.awaitAck(2);
        }
        try (AgentConnection conn = session(instance, Compression.NONE)) {
            assertEquals(3, conn.welcome().nextSeq());
            // A retry of what was already stored is acknowledged, not stored again.
            conn.sendRaw(conn.encoder().frame(1, 0, List.of(file("/r/1"), file("/r/2"), file("/r/3"))));
            assertEquals(3, conn.awaitAck(3));
        }
        assertEquals(3, app.awaitSearch("host:host-" + instance, 3).get("events").size());
        assertEquals(1, app.search("host:host-" + instance + " AND path:/r/2").get("events").size());
    }

    @Test
    void outOfOrderIsRefusedAndAGapIsRecordedWhenDeclared() throws Exception {
        String instance = RunningAppliance.newInstance();
        try (AgentConnection conn = session(instance, Compression.NONE)) {
            conn.sendRaw(conn.encoder().frame(5, 0, List.of(file("/o/5"))));
            ErrorFrame e = expectError(conn);
            assertEquals(ErrorCode.OUT_OF_ORDER.code(), e.code());
            assertEquals(1, e.seq(), "the error names the expected sequence number");
            conn.send(FrameType.GAP, new GapFrame(1, 4, "spool_full", "spool exceeded its budget").encode());
            assertEquals(4, conn.awaitAck(4));
            conn.sendRaw(conn.encoder().frame(5, 0, List.of(file("/o/5"))));
            assertEquals(5, conn.awaitAck(5));
        }
        JsonNode gap = app.awaitSearch("host:host-" + instance + " AND type:gap", 1).get("events").get(0);
        assertEquals(1, gap.get("fields").get("from_seq").asLong());
        assertEquals(4, gap.get("fields").get("to_seq").asLong());
        assertEquals("spool_full", gap.get("fields").get("reason").asText());
    }

    @Test
    void badEventsAreRefusedOneByOneAndAccountedFor() throws Exception {
        String instance = RunningAppliance.newInstance();
        WireWriter unknownType = new WireWriter();
        unknownType.uint(1, 77);
        WireWriter missingPath = new WireWriter();
        missingPath.uint(1, EventType.FILE.code());
        WireWriter body = new WireWriter();
        body.string(1, "unlink");
        missingPath.message(6, body);
        try (AgentConnection conn = session(instance, Compression.ZSTD)) {
            BatchEncoder enc = conn.encoder();
            enc.add(file("/ok/1"));
            enc.add(unknownType.toByteArray());
            enc.add(missingPath.toByteArray());
            enc.add(file("/ok/2"));
            conn.sendRaw(enc.finish(1, 0));
            List<ErrorFrame> errors = new ArrayList<>();
            long acked = 0;
            while (acked < 4) {
                AgentConnection.Frame f = conn.read();
                if (f.type() == FrameType.ERROR) {
                    errors.add(f.error());
                } else if (f.type() == FrameType.ACK) {
                    acked = f.ack().ackedSeq();
                }
            }
            assertEquals(2, errors.size());
            assertEquals(ErrorCode.EVENT_REJECTED.code(), errors.get(0).code());
            assertEquals(2, errors.get(0).seq());
            assertTrue(errors.get(0).message().contains("unknown event type 77"), errors.get(0).message());
            assertTrue(errors.get(1).message().contains("missing required field path"), errors.get(1).message());
        }
        assertEquals(2, app.awaitSearch("host:host-" + instance + " AND type:file", 2).get("events").size());
        JsonNode rejected = app.awaitSearch("host:host-" + instance + " AND type:rejected", 2).get("events");
        assertEquals(2, rejected.size());
        assertEquals(77, rejected.get(1).get("fields").get("claimed_type").asLong());
    }

    @Test
    void plaintextClientsAreRefused() throws Exception {
        try (Socket s = new Socket("localhost", app.ingestPort())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(Frames.frame(FrameType.HELLO, RunningAppliance.hello(token, "plain", Compression.NONE).encode()));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            // The TLS layer answers garbage with at most an alert, then closes.
            byte[] buf = new byte[1024];
            int total = 0;
            try {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    total += n;
                    assertTrue(total < 64, "no protocol data for a plaintext client");
                }
            } catch (SocketException reset) {
                // closed with a reset: refused too
            }
        }
    }

    @Test
    void tls12ClientsAreRefusedInTheHandshake() throws Exception {
        SSLSocket s = (SSLSocket) RunningAppliance.trusting(app.dataDir().resolve("tls/ca.crt")).getSocketFactory()
                .createSocket("localhost", app.ingestPort());
        s.setEnabledProtocols(new String[]{"TLSv1.2"});
        s.setSoTimeout(5000);
        assertThrows(SSLException.class, s::startHandshake);
        s.close();
    }

    @Test
    void refusedHellos() throws Exception {
        assertHelloRefused(RunningAppliance.hello("tt_run_not-a-token", "x1", Compression.NONE), ErrorCode.AUTH_FAILED);
        assertHelloRefused(RunningAppliance.hello("", "x2", Compression.NONE), ErrorCode.BAD_HELLO);
        assertHelloRefused(new Hello(2, token, "x3", "native", "1", "h", "shop", "c", "1", Optional.empty(),
                Compression.NONE, Optional.empty()), ErrorCode.UNSUPPORTED_VERSION);
        assertHelloRefused(new Hello(1, token, "x4", "native", "1", "h", "bad app name", "c", "1", Optional.empty(),
                Compression.NONE, Optional.empty()), ErrorCode.BAD_HELLO);
    }

    private static void assertHelloRefused(Hello hello, ErrorCode expected) throws Exception {
        try (AgentConnection conn = app.connect()) {
            ProtocolException e = assertThrows(ProtocolException.class, () -> conn.hello(hello));
            assertEquals(expected, e.code(), e.getMessage());
            expectClosed(conn);
        }
    }

    @Test
    void revokingATokenEndsItsSessionsAndRefusesItAfterwards() throws Exception {
        RunningAppliance.CreatedToken t = app.runToken(Optional.empty());
        String instance = RunningAppliance.newInstance();
        try (AgentConnection conn = app.connect()) {
            conn.hello(RunningAppliance.hello(t.token(), instance, Compression.NONE));
            assertEquals(204, app.delete("/api/v1/run-tokens/" + t.id(), app.apiToken()).statusCode());
            assertEquals(ErrorCode.TOKEN_REVOKED.code(), expectError(conn).code());
            expectClosed(conn);
        }
        assertHelloRefused(RunningAppliance.hello(t.token(), instance, Compression.NONE), ErrorCode.AUTH_FAILED);
    }

    @Test
    void aNewSessionOfTheSameAgentSupersedesTheOld() throws Exception {
        String instance = RunningAppliance.newInstance();
        try (AgentConnection first = session(instance, Compression.NONE);
             AgentConnection second = session(instance, Compression.NONE)) {
            assertEquals(ErrorCode.SUPERSEDED.code(), expectError(first).code());
            expectClosed(first);
            second.sendRaw(second.encoder().frame(1, 0, List.of(file("/s/1"))));
            assertEquals(1, second.awaitAck(1));
        }
    }

    @Test
    void malformedFramesCloseTheConnectionWithTheirCode() throws Exception {
        // Longer than max-frame-bytes: refused from the header alone.
        try (AgentConnection conn = session(RunningAppliance.newInstance(), Compression.NONE)) {
            conn.sendRaw(new byte[]{(byte) FrameType.BATCH.code(), 0, (byte) 0xA0, 0, 0, 1, 2, 3});
            assertEquals(ErrorCode.FRAME_TOO_LARGE.code(), expectError(conn).code());
            expectClosed(conn);
        }
        // A payload whose fields run past its end.
        try (AgentConnection conn = session(RunningAppliance.newInstance(), Compression.NONE)) {
            conn.sendRaw(Frames.frame(FrameType.BATCH, new byte[]{0x08, 0x01, 0x2A, 0x7F, 1, 2}, 0, 6));
            assertEquals(ErrorCode.MALFORMED_FRAME.code(), expectError(conn).code());
            expectClosed(conn);
        }
        // Corrupt compressed data.
        try (AgentConnection conn = session(RunningAppliance.newInstance(), Compression.ZSTD)) {
            byte[] frame = conn.encoder().frame(1, 0, List.of(file("/z/1"), file("/z/2")));
            for (int i = frame.length - 12; i < frame.length; i++) {
                frame[i] ^= (byte) 0x5A;
            }
            conn.sendRaw(frame);
            assertEquals(ErrorCode.DECOMPRESSION_FAILED.code(), expectError(conn).code());
            expectClosed(conn);
        }
        // An unknown frame type.
        try (AgentConnection conn = session(RunningAppliance.newInstance(), Compression.NONE)) {
            conn.sendRaw(new byte[]{42, 0, 0, 0, 0});
            assertEquals(ErrorCode.UNKNOWN_FRAME_TYPE.code(), expectError(conn).code());
            expectClosed(conn);
        }
        // Events before HELLO.
        try (AgentConnection conn = app.connect(); BatchEncoder enc = new BatchEncoder(Compression.NONE)) {
            conn.sendRaw(enc.frame(1, 0, List.of(file("/n/1"))));
            assertEquals(ErrorCode.HELLO_REQUIRED.code(), expectError(conn).code());
            expectClosed(conn);
        }
    }

    @Test
    void silentConnectionsAreClosed() throws Exception {
        try (AgentConnection conn = app.connect()) {
            assertEquals(ErrorCode.HELLO_REQUIRED.code(), expectError(conn).code(), "no HELLO within hello-timeout");
            expectClosed(conn);
        }
        try (AgentConnection conn = session(RunningAppliance.newInstance(), Compression.NONE)) {
            // Half a frame, then silence.
            conn.sendRaw(new byte[]{(byte) FrameType.BATCH.code(), 0, 0, 0, 100, 1, 2, 3});
            assertEquals(ErrorCode.IDLE_TIMEOUT.code(), expectError(conn).code());
            expectClosed(conn);
        }
    }

    @Test
    void eventsStayAcknowledgedWhenTheConnectionDropsMidBatch() throws Exception {
        String instance = RunningAppliance.newInstance();
        try (AgentConnection conn = session(instance, Compression.NONE)) {
            conn.sendRaw(conn.encoder().frame(1, 0, List.of(file("/d/1"))));
            conn.awaitAck(1);
            byte[] frame = conn.encoder().frame(2, 0, List.of(file("/d/2")));
            conn.sendRaw(java.util.Arrays.copyOf(frame, frame.length / 2));
        }
        try (AgentConnection conn = session(instance, Compression.NONE)) {
            assertEquals(2, conn.welcome().nextSeq(), "the torn batch was not stored");
        }
        assertEquals(1, app.awaitSearch("host:host-" + instance, 1).get("events").size());
    }
}
