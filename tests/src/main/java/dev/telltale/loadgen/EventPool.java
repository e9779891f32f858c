package dev.telltale.loadgen;

import dev.telltale.protocol.FrameType;
import dev.telltale.protocol.Frames;
import dev.telltale.protocol.WireWriter;
import dev.telltale.protocol.event.Event;
import dev.telltale.protocol.event.EventCodec;
import dev.telltale.protocol.event.EventType;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One simulated agent's events, generated and encoded once and then replayed: batches of
 * consecutive events, each compressed once as part of a replayable zstd cycle (see
 * {@link CycleCompressor}). Building a BATCH frame from it costs a few hundred bytes of copying.
 */
public final class EventPool {
    /** One pre-compressed batch of the cycle. */
    record Batch(int count, int rawSize, byte[] compressed, int firstEvent) {
    }

    /** Event spacing inside a batch: 500 events cover 50 ms, as a busy service's would. */
    static final long EVENT_SPACING_US = 100;

    private final ProcessModel process;
    private final byte[][] encoded;
    private final List<Batch> cycle;
    private final long rawBytes;
    /** The cycle's batches compressed each as a zstd frame of its own, built at first use ({@link #pacedFrame}). */
    private List<byte[]> separate;

    private EventPool(ProcessModel process, byte[][] encoded, List<Batch> cycle, long rawBytes) {
        this.process = process;
        this.encoded = encoded;
        this.cycle = cycle;
        this.rawBytes = rawBytes;
    }

    /**
     * Generates {@code events} steady-state events of {@code process} (rounded up to whole
     * batches of {@code batchSize}), without the {@code excluded} types, and compresses them as one cycle.
     */
    public static EventPool build(RealisticEvents g, ProcessModel process, int events, int batchSize,
                                  Set<EventType> excluded) {
        int batches = Math.max(1, (events + batchSize - 1) / batchSize);
        byte[][] encoded = new byte[batches * batchSize][];
        List<Batch> cycle = new ArrayList<>(batches);
        long raw = 0;
        WireWriter w = new WireWriter(1 << 20);
        try (CycleCompressor zstd = new CycleCompressor(3)) {
            for (int b = 0; b < batches; b++) {
                w.reset();
                for (int i = 0; i < batchSize; i++) {
                    byte[] e = EventCodec.encode(g.steadyState(process, i * EVENT_SPACING_US, excluded));
                    encoded[b * batchSize + i] = e;
                    w.writeVarint(e.length);
                    w.writeRaw(e, 0, e.length);
                }
                raw += w.size();
                cycle.add(new Batch(batchSize, w.size(), zstd.compress(w.buffer(), w.size(), b == batches - 1), b * batchSize));
            }
        }
        return new EventPool(process, encoded, List.copyOf(cycle), raw);
    }

    public ProcessModel process() {
        return process;
    }

    /** The pool's events as an agent encodes them, in send order. */
    public byte[][] encoded() {
        return encoded;
    }

    /** Decodes event {@code i} as the appliance would (for baselines that index what the appliance indexes). */
    public Event decoded(int i) {
        return EventCodec.decode(encoded[i], 0, encoded[i].length, true);
    }

    public int batchCount() {
        return cycle.size();
    }

    int batchSize() {
        return cycle.get(0).count();
    }

    Batch batch(int index) {
        return cycle.get(index);
    }

    /** Raw (uncompressed) event bytes of one pass over the pool. */
    public long rawBytes() {
        return rawBytes;
    }

    /**
     * The BATCH frame of cycle batch {@code index} followed by {@code extra} (one encoded event, or
     * null), for paced runs and runs with latency markers. Each batch is compressed once as a zstd
     * frame of its own and {@code extra} now as another: unlike the saturating cycle's one long
     * frame, such frames decode on a connection's stream in any order and between live events, so
     * replaying the pool costs the load generator no compression. The load generator shares the
     * measured machine with the appliance: compressing 50,000 events a second live took it a
     * quarter of a core.
     */
    byte[] pacedFrame(int index, byte[] extra, CycleCompressor zstd, long firstSeq, long baseTimeUs) {
        Batch b = cycle.get(index);
        byte[] own = separate().get(index);
        int count = b.count();
        int rawSize = b.rawSize();
        byte[] more = new byte[0];
        if (extra != null) {
            WireWriter e = new WireWriter(extra.length + 5);
            e.writeVarint(extra.length);
            e.writeRaw(extra, 0, extra.length);
            more = zstd.compress(e.buffer(), e.size(), true);
            count++;
            rawSize += e.size();
        }
        byte[] block = java.util.Arrays.copyOf(own, own.length + more.length);
        System.arraycopy(more, 0, block, own.length, more.length);
        return batchFrame(firstSeq, count, baseTimeUs, rawSize, block);
    }

    private synchronized List<byte[]> separate() {
        if (separate == null) {
            List<byte[]> frames = new ArrayList<>(cycle.size());
            WireWriter w = new WireWriter(1 << 20);
            try (CycleCompressor zstd = new CycleCompressor(3)) {
                for (Batch b : cycle) {
                    w.reset();
                    for (int i = 0; i < b.count(); i++) {
                        byte[] e = encoded[b.firstEvent() + i];
                        w.writeVarint(e.length);
                        w.writeRaw(e, 0, e.length);
                    }
                    frames.add(zstd.compress(w.buffer(), w.size(), true));
                }
            }
            separate = List.copyOf(frames);
        }
        return separate;
    }

    /** The BATCH frame of cycle batch {@code index}, numbered from {@code firstSeq}, at {@code baseTimeUs}. */
    byte[] frame(int index, long firstSeq, long baseTimeUs) {
        Batch b = cycle.get(index);
        return batchFrame(firstSeq, b.count(), baseTimeUs, b.rawSize(), b.compressed());
    }

    private static byte[] batchFrame(long firstSeq, int count, long baseTimeUs, int rawSize, byte[] compressed) {
        WireWriter p = new WireWriter(compressed.length + 40);
        p.uint(1, firstSeq);
        p.uint(2, count);
        p.uint(3, baseTimeUs);
        p.uint(4, rawSize);
        p.bytes(5, compressed);
        return Frames.frame(FrameType.BATCH, p);
    }
}
