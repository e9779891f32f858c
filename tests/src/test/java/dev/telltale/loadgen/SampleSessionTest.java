package dev.telltale.loadgen;

import dev.telltale.protocol.BatchDecoder;
import dev.telltale.protocol.Compression;
import dev.telltale.protocol.DecodedBatch;
import dev.telltale.protocol.FrameType;
import dev.telltale.protocol.Frames;
import dev.telltale.protocol.Hello;
import dev.telltale.protocol.event.Event;
import dev.telltale.protocol.event.EventType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SampleSessionTest {
    private static final SampleSession SESSION = SampleSession.create(2023);

    @Test
    void hasTheReferenceMixOver30Minutes() {
        assertEquals(743, SESSION.events().size());
        assertEquals(743, SampleSession.REFERENCE_MIX.values().stream().mapToInt(Integer::intValue).sum());
        assertEquals(new EnumMap<>(SampleSession.REFERENCE_MIX), SESSION.mix());
        assertEquals(3, SESSION.processes().size());
        long minutes = SESSION.durationUs() / 60_000_000;
        assertTrue(minutes >= 29 && minutes <= 31, "duration " + minutes + " min");
    }

    @Test
    void heartbeatsEveryTenSecondsAndWarningsAtMostOncePerMinutePerKind() {
        for (ProcessModel p : SESSION.processes()) {
            long lastBeat = -1;
            Map<String, Long> lastWarning = new java.util.HashMap<>();
            for (Event e : SESSION.events()) {
                if (e.pid() != p.pid()) {
                    continue;
                }
                if (e.type() == EventType.HEARTBEAT) {
                    if (lastBeat >= 0) {
                        assertEquals(10_000_000, e.dtUs() - lastBeat);
                    }
                    lastBeat = e.dtUs();
                }
                if (e.type() == EventType.MEMORY_WARNING) {
                    String key = e.body().string("function").orElseThrow();
                    Long previous = lastWarning.put(key, e.dtUs());
                    assertTrue(previous == null || e.dtUs() - previous >= 60_000_000, key + " twice within a minute");
                }
            }
        }
    }

    @Test
    void wireBytesAreTheFramesOfThreeConnectionsThatDecodeBackToTheSession() {
        long bytes = SESSION.wireBytes();
        System.out.println("sample session: " + SESSION.events().size() + " events, " + bytes
                + " wire bytes (reference " + SampleSession.REFERENCE_BYTES + " raw bytes, target <= 130000)");
        long framed = 0;
        Map<EventType, Integer> decoded = new EnumMap<>(EventType.class);
        for (int i = 0; i < 3; i++) {
            List<byte[]> frames = SESSION.frames(i, "tt_run_" + "x".repeat(43));
            assertEquals(FrameType.HELLO.code(), frames.get(0)[0]);
            Hello h = Hello.decode(frames.get(0), Frames.HEADER, frames.get(0).length - Frames.HEADER);
            assertEquals(Compression.ZSTD, h.compression());
            long expectedSeq = 1;
            try (BatchDecoder dec = new BatchDecoder(Compression.ZSTD, 32 << 20, 20_000)) {
                for (byte[] f : frames) {
                    framed += f.length;
                    if (f[0] != FrameType.BATCH.code()) {
                        continue;
                    }
                    DecodedBatch b = dec.decode(f, Frames.HEADER, f.length - Frames.HEADER);
                    assertEquals(expectedSeq, b.firstSeq());
                    assertTrue(b.count() <= 500);
                    expectedSeq += b.count();
                    for (int k = 0; k < b.count(); k++) {
                        decoded.merge(b.types()[k], 1, Integer::sum);
                        assertTrue(b.dts()[k] >= 0 && b.dts()[k] < 1_000_000, "batch spans at most a second");
                    }
                }
            }
        }
        assertEquals(bytes, framed);
        assertEquals(new EnumMap<>(SampleSession.REFERENCE_MIX), decoded);
    }

    @Test
    void sameSeedSameBytes() {
        assertEquals(SESSION.wireBytes(), SampleSession.create(2023).wireBytes());
        List<Long> other = new ArrayList<>();
        other.add(SampleSession.create(2024).wireBytes());
        assertTrue(other.get(0) != SESSION.wireBytes());
    }
}
