package dev.telltale.upgrade;

import dev.telltale.protocol.Compression;
import dev.telltale.protocol.Hello;
import dev.telltale.protocol.Welcome;
import dev.telltale.protocol.client.AgentConnection;
import dev.telltale.protocol.event.Event;
import dev.telltale.testing.FakeAgent;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An agent that behaves as the forwarder does: it makes events all the time (numbered, so the
 * same sequence number is always the same event), keeps what is not acknowledged, and when the
 * appliance refuses it or goes away it reconnects and sends again from the sequence number the
 * appliance says it expects.
 */
final class StreamingAgent implements AutoCloseable {
    private final ApplianceRoot a;
    private final String token;
    private final String host;
    private final Thread thread;
    private final AtomicLong produced = new AtomicLong();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private volatile boolean producing = true;
    private volatile boolean running = true;

    StreamingAgent(ApplianceRoot a, String token, String host) {
        this.a = a;
        this.token = token;
        this.host = host;
        this.thread = new Thread(this::run, "streaming-agent-" + host);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (running) {
            try (AgentConnection conn = AgentConnection.connect(a.tls(), "localhost", a.ingest, 10_000)) {
                Welcome w = conn.hello(new Hello(1, token, "agent-" + host, "native", "0.3.1", host, "shop", "checkout",
                        "1.0", Optional.empty(), Compression.ZSTD, Optional.empty()));
                long next = w.nextSeq();
                while (running) {
                    if (producing && produced.get() < next + 20) {
                        produced.addAndGet(10);
                    }
                    long last = Math.min(produced.get(), next + 49);
                    if (last < next) {
                        if (!producing) {
                            return; // everything made was acknowledged
                        }
                        Thread.sleep(50);
                        continue;
                    }
                    List<Event> batch = new ArrayList<>();
                    for (long s = next; s <= last; s++) {
                        batch.add(FakeAgent.open("/srv/stream-" + s, s));
                    }
                    conn.sendRaw(conn.encoder().frame(next, System.currentTimeMillis() * 1000, batch));
                    conn.awaitAck(last);
                    acked.set(last);
                    next = last + 1;
                    Thread.sleep(100);
                }
            } catch (Exception e) {
                reconnects.incrementAndGet(); // refused (an upgrade) or the appliance went away: spool and retry
                try {
                    Thread.sleep(500);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /** Stops making events and waits until everything made was acknowledged; returns how many were made. */
    long finish(long timeoutMs) throws InterruptedException {
        producing = false;
        thread.join(timeoutMs);
        if (thread.isAlive()) {
            throw new AssertionError("the agent could not deliver: " + acked.get() + " of " + produced.get() + " acknowledged");
        }
        return produced.get();
    }

    long reconnects() {
        return reconnects.get();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5_000);
    }
}
