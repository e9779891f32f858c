package dev.telltale.loadgen;

import dev.telltale.protocol.BatchDecoder;
import dev.telltale.protocol.Compression;
import dev.telltale.protocol.DecodedBatch;
import dev.telltale.protocol.Frames;
import dev.telltale.protocol.event.EventCodec;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventPoolTest {

    @Test
    void replayedCyclesDecodeOnOneConnectionsStream() {
        RealisticEvents g = RealisticEvents.create(21);
        EventPool pool = EventPool.build(g, g.javaService("shop", "cart"), 1000, 200, Set.of());
        assertEquals(5, pool.batchCount());
        long seq = 1;
        long compressed = 0;
        try (BatchDecoder dec = new BatchDecoder(Compression.ZSTD, 32 << 20, 20_000)) {
            // Three passes: the cycle's end must leave the appliance's decompressor ready for the next pass.
            for (int pass = 0; pass < 3; pass++) {
                for (int b = 0; b < pool.batchCount(); b++) {
                    byte[] frame = pool.frame(b, seq, 1_767_603_600_000_000L + seq);
                    compressed += frame.length;
                    DecodedBatch d = dec.decode(frame, Frames.HEADER, frame.length - Frames.HEADER);
                    assertEquals(seq, d.firstSeq());
                    assertEquals(200, d.count());
                    assertEquals(0, d.rejectedCount());
                    for (int i = 0; i < d.count(); i++) {
                        assertNotNull(d.types()[i]);
                        assertArrayEquals(pool.encoded()[b * 200 + i], EventCodec.encode(d.decode(i)));
                    }
                    seq += d.count();
                }
            }
        }
        assertTrue(compressed * 4 < pool.rawBytes() * 3, "zstd shrinks realistic events: " + compressed + " of "
                + 3 * pool.rawBytes());
    }

    @Test
    void pacedFramesDecodeInAnyOrderWithMarkersOnOneStream() {
        RealisticEvents g = RealisticEvents.create(23);
        EventPool pool = EventPool.build(g, g.javaService("shop", "cart"), 1000, 200, Set.of());
        int[] order = {3, 0, 4, 4, 1, 2, 0};
        long seq = 1;
        try (BatchDecoder dec = new BatchDecoder(Compression.ZSTD, 32 << 20, 20_000);
             CycleCompressor zstd = new CycleCompressor(3)) {
            for (int k = 0; k < order.length; k++) {
                int b = order[k];
                byte[] marker = k % 2 == 0 ? EventCodec.encode(g.fileOpen(pool.process(), 20_000, "/telltale/probe/t-" + k, false))
                        : null;
                byte[] frame = pool.pacedFrame(b, marker, zstd, seq, 1_767_603_600_000_000L + seq);
                DecodedBatch d = dec.decode(frame, Frames.HEADER, frame.length - Frames.HEADER);
                assertEquals(seq, d.firstSeq());
                assertEquals(marker == null ? 200 : 201, d.count());
                assertEquals(0, d.rejectedCount());
                for (int i = 0; i < 200; i++) {
                    assertArrayEquals(pool.encoded()[b * 200 + i], EventCodec.encode(d.decode(i)));
                }
                if (marker != null) {
                    assertArrayEquals(marker, EventCodec.encode(d.decode(200)));
                }
                seq += d.count();
            }
        }
    }

    @Test
    void excludedTypesStayOut() {
        RealisticEvents g = RealisticEvents.create(22);
        Set<dev.telltale.protocol.event.EventType> none = Set.of(dev.telltale.protocol.event.EventType.NETWORK,
                dev.telltale.protocol.event.EventType.PROCESS_START);
        EventPool pool = EventPool.build(g, g.javaService("shop", "cart"), 3000, 500, none);
        for (int i = 0; i < pool.encoded().length; i++) {
            assertTrue(!none.contains(pool.decoded(i).type()), "event " + i + " is " + pool.decoded(i).type());
        }
    }
}
