package dev.telltale.ingest;

import dev.telltale.protocol.Compression;
import dev.telltale.protocol.ErrorCode;
import dev.telltale.protocol.FrameType;
import dev.telltale.protocol.ProtocolException;
import dev.telltale.protocol.Welcome;
import dev.telltale.protocol.client.AgentConnection;
import dev.telltale.protocol.event.Event;
import dev.telltale.testing.RunningAppliance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pausing agents for an upgrade's backup: once {@link IngestServer#admit} returns with a
 * restricted admission, no other session acknowledges anything, so the backup taken next holds
 * everything acknowledged. Real appliance, real TLS, the reference client.
 */
class IngestAdmissionTest {
    static final String REASON = "paused for a test backup";

    @TempDir
    static Path data;
    static RunningAppliance app;
    static String token;
    static String gate;

    @BeforeAll
    static void start() throws Exception {
        app = RunningAppliance.start(data, IngestProtocolTest.CONFIG);
        token = app.runToken(Optional.empty()).token();
        gate = app.runToken(Optional.empty()).token();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @AfterEach
    void readmit() {
        app.appliance().ingest().admit(Admission.everyone());
    }

    @Test
    void afterARestrictedAdmitReturnsNothingFurtherIsAcknowledgedThatTheJournalDidNotHave() throws Exception {
        AgentConnection conn = app.connect();
        Welcome w = conn.hello(RunningAppliance.hello(token, RunningAppliance.newInstance(), Compression.ZSTD));
        AtomicLong maxAck = new AtomicLong();
        AtomicInteger errorCode = new AtomicInteger(-1);
        AtomicBoolean stop = new AtomicBoolean();
        Thread reader = Thread.ofPlatform().start(() -> {
            try {
                while (true) {
                    AgentConnection.Frame f = conn.read();
                    if (f.type() == FrameType.ACK) {
                        maxAck.accumulateAndGet(f.ack().ackedSeq(), Math::max);
                    } else if (f.type() == FrameType.ERROR) {
                        errorCode.set(f.error().code());
                    }
                }
            } catch (IOException e) {
                // closed by the appliance: what we were meant to see
            }
        });
        Thread sender = Thread.ofPlatform().start(() -> {
            long seq = 1;
            try {
                while (!stop.get()) {
                    List<Event> events = new ArrayList<>(200);
                    for (int i = 0; i < 200; i++) {
                        events.add(IngestProtocolTest.file("/pause/" + seq + "/" + i));
                    }
                    conn.sendRaw(conn.encoder().frame(seq, System.currentTimeMillis() * 1000, events));
                    seq += 200;
                }
            } catch (IOException e) {
                // the appliance closed the connection under us
            }
        });
        long deadline = System.currentTimeMillis() + 30_000;
        while (maxAck.get() < 4_000 && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(maxAck.get() >= 4_000, "the agent streams and is acknowledged before the pause");

        app.appliance().ingest().admit(Admission.only(gate, REASON));
        // What a backup begun now would copy.
        long inJournal = app.appliance().journal().nextSeq(w.agentId()) - 1;

        reader.join(20_000);
        stop.set(true);
        assertFalse(reader.isAlive(), "the paused session's connection is closed");
        sender.join(20_000);
        conn.abort();
        assertEquals(ErrorCode.SHUTTING_DOWN.code(), errorCode.get(), "the agent was told why");
        assertTrue(maxAck.get() <= inJournal, "acknowledged up to " + maxAck.get()
                + " but the journal held only up to " + inJournal + " when admit returned");

        // While paused, other agents are refused and the gate's token gets through.
        try (AgentConnection other = app.connect()) {
            ProtocolException e = assertThrows(ProtocolException.class,
                    () -> other.hello(RunningAppliance.hello(token, RunningAppliance.newInstance(), Compression.NONE)));
            assertEquals(ErrorCode.SHUTTING_DOWN, e.code());
            assertTrue(e.getMessage().contains(REASON), e.getMessage());
        }
        assertStreams(gate);

        app.appliance().ingest().admit(Admission.everyone());
        assertStreams(token);
    }

    @Test
    void sessionsStillRegisteringWhenAdmissionIsRestrictedAreRefusedBeforeWelcome() throws Exception {
        List<AgentConnection> conns = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            conns.add(app.connect());
        }
        for (AgentConnection c : conns) {
            c.send(FrameType.HELLO, RunningAppliance.hello(token, RunningAppliance.newInstance(), Compression.NONE).encode());
        }
        Thread.sleep(5);
        app.appliance().ingest().admit(Admission.only(gate, REASON));

        int refused = 0;
        for (AgentConnection c : conns) {
            try (c) {
                boolean welcomed = false;
                while (true) {
                    AgentConnection.Frame f = c.read();
                    if (f.type() == FrameType.WELCOME && !welcomed) {
                        welcomed = true;
                        // Were it live, this would be acknowledged after the pause.
                        try {
                            c.sendRaw(new dev.telltale.protocol.BatchEncoder(Compression.NONE)
                                    .frame(1, 0, List.of(IngestProtocolTest.file("/late"))));
                        } catch (IOException closed) {
                            // already closed: fine
                        }
                    }
                    assertFalse(f.type() == FrameType.ACK, "a session that is not admitted acknowledged a batch");
                    if (f.type() == FrameType.ERROR) {
                        assertEquals(ErrorCode.SHUTTING_DOWN.code(), f.error().code(), f.error().message());
                        refused++;
                    }
                }
            } catch (java.net.SocketTimeoutException e) {
                throw new AssertionError("a session that is not admitted stayed open after admit returned", e);
            } catch (IOException closed) {
                // closed by the appliance
            }
        }
        assertEquals(conns.size(), refused, "every session was told the appliance is going away");
    }

    private static void assertStreams(String runToken) throws IOException {
        try (AgentConnection c = app.connect()) {
            c.hello(RunningAppliance.hello(runToken, RunningAppliance.newInstance(), Compression.ZSTD));
            c.sendRaw(c.encoder().frame(1, 0, List.of(IngestProtocolTest.file("/after/1"), IngestProtocolTest.file("/after/2"))));
            assertEquals(2, c.awaitAck(2));
        }
    }
}
