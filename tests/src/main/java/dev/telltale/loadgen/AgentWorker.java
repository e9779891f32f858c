package dev.telltale.loadgen;

import dev.telltale.protocol.BatchEncoder;
import dev.telltale.protocol.Compression;
import dev.telltale.protocol.ErrorCode;
import dev.telltale.protocol.ErrorFrame;
import dev.telltale.protocol.FrameType;
import dev.telltale.protocol.Frames;
import dev.telltale.protocol.Hello;
import dev.telltale.protocol.Welcome;
import dev.telltale.protocol.WireWriter;
import dev.telltale.protocol.client.AgentConnection;
import dev.telltale.protocol.event.EventCodec;

import java.io.IOException;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * One simulated agent: a TLS 1.3 connection, HELLO, then BATCH frames with up to
 * {@code window} unacknowledged at once, while a second thread reads ACKs. Saturating runs
 * replay the pool's pre-compressed cycle; paced runs and runs with latency markers encode
 * live (the markers are new events), at the agent's share of the target rate. Any ERROR frame
 * fails the whole run.
 */
final class AgentWorker implements Runnable {
    private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(120);

    private final int index;
    private final LoadConfig cfg;
    private final EventPool pool;
    private final RealisticEvents generator;
    private final Hello hello;
    private final LoadCounters counters;
    private final LatencyProbe probe;
    private final AtomicBoolean stop;
    private final long deadlineNanos;
    private final long quota;
    private final ConcurrentLinkedDeque<long[]> inflight = new ConcurrentLinkedDeque<>();
    private final Semaphore window;
    private volatile boolean closing;
    private AgentConnection conn;
    /** Compresses the latency markers of replayed paced batches; closed when the run ends. */
    private CycleCompressor markerZstd;
    private int cursor;
    private long batchNumber;

    AgentWorker(int index, LoadConfig cfg, EventPool pool, RealisticEvents generator, Hello hello,
                LoadCounters counters, LatencyProbe probe, AtomicBoolean stop, long deadlineNanos) {
        this.index = index;
        this.cfg = cfg;
        this.pool = pool;
        this.generator = generator;
        this.hello = hello;
        this.counters = counters;
        this.probe = probe;
        this.stop = stop;
        this.deadlineNanos = deadlineNanos;
        this.quota = cfg.maxEvents() > 0 ? (cfg.maxEvents() + cfg.agents() - 1) / cfg.agents() : Long.MAX_VALUE;
        this.window = new Semaphore(cfg.window());
    }

    @Override
    public void run() {
        try (AgentConnection c = AgentConnection.connect(cfg.tls(), cfg.host(), cfg.port(), 30_000)) {
            conn = c;
            Welcome w = c.hello(hello);
            // The reader waits as long as the run lasts; closing the socket ends it.
            c.socket().setSoTimeout(0);
            Thread reader = Thread.ofPlatform().daemon().name("loadgen-acks-" + index).start(this::readAcks);
            sendLoop(w.nextSeq());
            drain();
            closing = true;
            c.sendRaw(Frames.frame(FrameType.BYE, new WireWriter(0)));
            reader.join(2000);
        } catch (IOException | RuntimeException e) {
            if (!closing) {
                counters.fail(new IOException("agent " + index + " (" + hello.component() + "): " + e.getMessage(), e));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (markerZstd != null) {
                markerZstd.close();
            }
            stopIfFailed();
        }
    }

    private void sendLoop(long firstSeq) throws IOException, InterruptedException {
        boolean live = cfg.rate() > 0 || cfg.markersPerSecond() > 0;
        double agentRate = cfg.rate() / (double) cfg.agents();
        int perBatch = cfg.rate() > 0 ? (int) Math.max(1, Math.min(cfg.batchSize(),
                Math.round(agentRate * cfg.flushInterval().toNanos() / 1e9))) : cfg.batchSize();
        long interval = cfg.rate() > 0 ? (long) (perBatch / agentRate * 1e9) : 0;
        long markerInterval = cfg.markersPerSecond() > 0 ? (long) (cfg.agents() / cfg.markersPerSecond() * 1e9) : 0;
        long start = System.nanoTime();
        // Agents start out of phase, as real ones do.
        long next = start + (interval > 0 ? interval * index / cfg.agents() : 0);
        long nextMarker = start + (markerInterval > 0 ? markerInterval * index / cfg.agents() : Long.MAX_VALUE);
        long seq = firstSeq;
        long sent = 0;
        BatchEncoder enc = conn.encoder();
        // Batches of the pool's own size replay its frames instead of compressing them live
        // (EventPool.pacedFrame); smaller ones (slow rates, short flush intervals) are encoded.
        boolean replayPaced = live && perBatch == pool.batchSize() && enc.compression() == Compression.ZSTD;
        if (replayPaced) {
            markerZstd = new CycleCompressor(3);
        }
        while (!stop.get() && sent < quota && System.nanoTime() < deadlineNanos) {
            if (interval > 0) {
                long now = System.nanoTime();
                if (next > now) {
                    LockSupport.parkNanos(next - now);
                }
                // After a stall, catch up at most one second's worth rather than bursting without end.
                next = Math.max(next + interval, System.nanoTime() - TimeUnit.SECONDS.toNanos(1));
            }
            if (!window.tryAcquire(50, TimeUnit.MILLISECONDS)) {
                continue;
            }
            long base = cfg.baseTime().baseTimeUs(index, batchNumber++);
            byte[] frame;
            int count;
            long marker = -1;
            long markerTimeUs = 0;
            byte[] markerEvent = null;
            if (probe != null && System.nanoTime() >= nextMarker) {
                marker = probe.nextMarker();
                long dtUs = EventPool.EVENT_SPACING_US * perBatch;
                markerTimeUs = base + dtUs; // an event's time is its batch's base time plus its dt_us
                markerEvent = EventCodec.encode(generator.fileOpen(pool.process(), dtUs, probe.path(marker), false));
                nextMarker += markerInterval;
            }
            if (replayPaced) {
                frame = pool.pacedFrame(cursor, markerEvent, markerZstd, seq, base);
                count = pool.batchSize() + (markerEvent != null ? 1 : 0);
                cursor = (cursor + 1) % pool.batchCount();
            } else if (live) {
                for (int i = 0; i < perBatch; i++) {
                    enc.add(pool.encoded()[cursor]);
                    cursor = (cursor + 1) % pool.encoded().length;
                }
                if (markerEvent != null) {
                    enc.add(markerEvent);
                }
                count = enc.count();
                frame = enc.finish(seq, base);
            } else {
                count = pool.batchSize();
                frame = pool.frame(cursor, seq, base);
                cursor = (cursor + 1) % pool.batchCount();
            }
            inflight.add(new long[]{seq + count - 1, count, marker});
            if (marker >= 0) {
                probe.sent(marker, System.nanoTime(), markerTimeUs);
            }
            conn.write(frame);
            conn.flush();
            counters.eventsSent.add(count);
            counters.batchesSent.increment();
            counters.frameBytes.add(frame.length);
            seq += count;
            sent += count;
        }
    }

    /** Waits until every batch sent is acknowledged, the run failed, or two minutes passed. */
    private void drain() throws IOException {
        long until = System.nanoTime() + DRAIN_NANOS;
        while (!inflight.isEmpty() && counters.failure() == null && System.nanoTime() < until) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        if (!inflight.isEmpty() && counters.failure() == null) {
            throw new IOException(inflight.size() + " batches still unacknowledged after "
                    + TimeUnit.NANOSECONDS.toSeconds(DRAIN_NANOS) + " s");
        }
    }

    private void readAcks() {
        try {
            while (true) {
                AgentConnection.Frame f = conn.read();
                if (f.type() == FrameType.ACK) {
                    long acked = f.ack().ackedSeq();
                    long[] head;
                    while ((head = inflight.peek()) != null && head[0] <= acked) {
                        inflight.poll();
                        if (head[2] >= 0) {
                            probe.acked(head[2], System.nanoTime());
                        }
                        counters.eventsAcked.add(head[1]);
                        window.release();
                    }
                } else if (f.type() == FrameType.ERROR) {
                    ErrorFrame e = f.error();
                    String name = ErrorCode.of(e.code()).map(Enum::name).orElse("code " + e.code());
                    throw new IOException("appliance sent ERROR " + name + ": " + e.message()
                            + (e.seq() >= 0 ? " (seq " + e.seq() + ", event " + e.index() + ")" : ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            if (!closing) {
                counters.fail(new IOException("agent " + index + " (" + hello.component() + "): " + e.getMessage(), e));
                stopIfFailed();
                try {
                    conn.socket().close();
                } catch (IOException ignored) {
                    // Already failing; the socket is being torn down anyway.
                }
            }
        }
    }

    private void stopIfFailed() {
        if (counters.failure() != null) {
            stop.set(true);
        }
    }
}
