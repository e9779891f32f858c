package dev.telltale.protocol;

import dev.telltale.protocol.event.Event;
import dev.telltale.protocol.event.EventCodec;

import java.util.List;

/**
 * Builds BATCH frames for one connection. With {@link Compression#ZSTD} the frames share
 * one stream and must be sent in the order they were built; after a reconnect use a new
 * encoder. Not thread-safe.
 */
public final class BatchEncoder implements AutoCloseable {
    private final Compression compression;
    private final ZstdStreamCompressor zstd;
    private final WireWriter events = new WireWriter(64 << 10);
    private final WireWriter scratch = new WireWriter(1024);
    private int count;

    public BatchEncoder(Compression compression, int zstdLevel) {
        this.compression = compression;
        this.zstd = compression == Compression.ZSTD ? new ZstdStreamCompressor(zstdLevel) : null;
    }

    public BatchEncoder(Compression compression) {
        this(compression, 3);
    }

    /** Appends one already encoded event (see {@link EventCodec#encode(Event)}). */
    public void add(byte[] encodedEvent) {
        events.writeVarint(encodedEvent.length);
        events.writeRaw(encodedEvent, 0, encodedEvent.length);
        count++;
    }

    public void add(Event e) {
        scratch.reset();
        EventCodec.encode(e, scratch);
        events.writeVarint(scratch.size());
        events.writeRaw(scratch.buffer(), 0, scratch.size());
        count++;
    }

    public int count() {
        return count;
    }

    public int rawSize() {
        return events.size();
    }

    /** Builds the frame of the events added since the last call and starts a new batch. */
    public byte[] finish(long firstSeq, long baseTimeUs) {
        if (count == 0) {
            throw new IllegalStateException("empty batch");
        }
        WireWriter p = new WireWriter(events.size() + 32);
        p.uint(1, firstSeq);
        p.uint(2, count);
        p.uint(3, baseTimeUs);
        p.uint(4, events.size());
        if (zstd != null) {
            p.bytes(5, zstd.compressAndFlush(events.buffer(), 0, events.size()));
        } else {
            p.bytes(5, events.buffer(), 0, events.size());
        }
        events.reset();
        count = 0;
        return Frames.frame(FrameType.BATCH, p);
    }

    public Compression compression() {
        return compression;
    }

    @Override
    public void close() {
        if (zstd != null) {
            zstd.close();
        }
    }

    /** Convenience for tests and tools: one frame from a list of events. */
    public byte[] frame(long firstSeq, long baseTimeUs, List<Event> list) {
        list.forEach(this::add);
        return finish(firstSeq, baseTimeUs);
    }
}
