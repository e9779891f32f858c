package dev.telltale.protocol;

import dev.telltale.protocol.event.Event;
import dev.telltale.protocol.event.EventCodec;
import dev.telltale.protocol.event.EventType;
import dev.telltale.protocol.event.Msg;
import dev.telltale.protocol.event.Schemas;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchCodecTest {

    static Event fileOpen(String path) {
        Event e = Event.of(EventType.FILE, 15, 4242, 4243);
        e.body().set("op", "open").set("path", path).set("flags", 0x241L).set("mode", 0644L);
        e.stack().add(new Msg(Schemas.STACK_FRAME).set("stack.module", "/usr/lib/x86_64-linux-gnu/libc.so.6")
                .set("stack.offset", 0x11a3b0L).set("stack.symbol", "__libc_open64"));
        return e;
    }

    private static List<Event> sample(int n) {
        List<Event> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(fileOpen("/var/log/app/" + i + ".log"));
        }
        return list;
    }

    private static byte[] payload(byte[] frame) {
        return java.util.Arrays.copyOfRange(frame, Frames.HEADER, frame.length);
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void batchesRoundTripOverOneStream(Compression c) {
        try (BatchEncoder enc = new BatchEncoder(c); BatchDecoder dec = new BatchDecoder(c, 1 << 20, 1000)) {
            for (int b = 0; b < 5; b++) {
                byte[] frame = enc.frame(1 + b * 10L, 1_700_000_000_000_000L, sample(10));
                assertEquals(FrameType.BATCH.code(), frame[0]);
                byte[] p = payload(frame);
                DecodedBatch batch = dec.decode(p, 0, p.length);
                assertEquals(1 + b * 10L, batch.firstSeq());
                assertEquals(10, batch.count());
                assertEquals(0, batch.rejectedCount());
                assertEquals(EventType.FILE, batch.types()[3]);
                assertEquals(15, batch.dts()[3]);
                Event e = batch.decode(3);
                assertEquals(EventType.FILE, e.type());
                assertEquals("/var/log/app/3.log", e.body().string("path").orElseThrow());
                assertEquals(4242, e.pid());
                assertEquals("__libc_open64", e.stack().get(0).string("stack.symbol").orElseThrow());
            }
        }
    }

    /**
     * Connections served by one thread share its decompression buffers but never their streams:
     * batches of two streams, interleaved, and one larger than the buffers start out, each
     * decode to their own events.
     */
    @Test
    void interleavedStreamsOnOneThreadKeepTheirOwnEvents() {
        try (BatchEncoder a = new BatchEncoder(Compression.ZSTD); BatchEncoder b = new BatchEncoder(Compression.ZSTD);
             BatchDecoder da = new BatchDecoder(Compression.ZSTD, 4 << 20, 20_000);
             BatchDecoder db = new BatchDecoder(Compression.ZSTD, 4 << 20, 20_000)) {
            for (int round = 0; round < 4; round++) {
                int n = round == 2 ? 6000 : 20;
                byte[] pa = payload(a.frame(1 + round * 10_000L, 0, sampleUnder("/a/" + round + "/", n)));
                byte[] pb = payload(b.frame(1 + round * 10_000L, 0, sampleUnder("/b/" + round + "/", 7)));
                DecodedBatch ba = da.decode(pa, 0, pa.length);
                assertEquals(n, ba.count());
                assertEquals("/a/" + round + "/" + (n - 1), ba.decode(n - 1).body().string("path").orElseThrow());
                DecodedBatch bb = db.decode(pb, 0, pb.length);
                assertEquals("/b/" + round + "/6", bb.decode(6).body().string("path").orElseThrow());
                assertEquals("/b/" + round + "/0", bb.decode(0).body().string("path").orElseThrow());
            }
        }
    }

    private static List<Event> sampleUnder(String dir, int n) {
        List<Event> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(fileOpen(dir + i));
        }
        return list;
    }

    @Test
    void compressedStreamIsSmallerThanRaw() {
        try (BatchEncoder enc = new BatchEncoder(Compression.ZSTD)) {
            sample(200).forEach(enc::add);
            int raw = enc.rawSize();
            byte[] frame = enc.finish(1, 0);
            assertTrue(frame.length * 4 < raw, "zstd frame " + frame.length + " vs raw " + raw);
        }
    }

    @Test
    void aFrameOfAnotherStreamDoesNotDecode() {
        try (BatchEncoder enc = new BatchEncoder(Compression.ZSTD); BatchDecoder dec = new BatchDecoder(Compression.ZSTD, 1 << 20, 1000)) {
            enc.frame(1, 0, sample(10));
            byte[] second = payload(enc.frame(11, 0, sample(10)));
            ProtocolException e = assertThrows(ProtocolException.class, () -> dec.decode(second, 0, second.length));
            assertEquals(ErrorCode.DECOMPRESSION_FAILED, e.code());
        }
    }

    @Test
    void everyEventTypeRoundTrips() {
        for (EventType t : EventType.values()) {
            Event e = Event.of(t, -5, 1, 2);
            for (var f : t.schema().fields()) {
                Object v = switch (f.kind()) {
                    case UINT, SINT -> 7L;
                    case BOOL -> true;
                    case STRING -> "v";
                    case BYTES -> new byte[]{1, 2, 3};
                    case MESSAGE -> {
                        Msg m = new Msg(f.messageSchema());
                        f.messageSchema().fields().forEach(g -> m.set(g, switch (g.kind()) {
                            case UINT, SINT -> 9L;
                            case BOOL -> false;
                            case BYTES -> new byte[]{4};
                            default -> "n";
                        }));
                        yield m;
                    }
                };
                e.body().set(f, v);
            }
            byte[] bytes = EventCodec.encode(e);
            Event back = EventCodec.decode(bytes, 0, bytes.length, false);
            assertEquals(t, back.type());
            assertEquals(-5, back.dtUs());
            assertArrayEquals(bytes, EventCodec.encode(back), t.id());
        }
    }

    @Test
    void skippingALengthDelimitedFieldLandsOnTheNextField() {
        WireWriter w = new WireWriter();
        w.string(9, "x".repeat(300)); // a two-byte length prefix
        w.uint(2, 77);
        WireReader r = new WireReader(w.toByteArray());
        r.skip(r.readTag() & 7);
        assertEquals(2 << 3, r.readTag());
        assertEquals(77, r.readVarint());
        assertTrue(!r.hasMore());
    }

    @Test
    void decodingWithoutStackKeepsEnvelopeAndBody() {
        Event e = fileOpen("/etc/shadow");
        e.stack().add(new Msg(Schemas.STACK_FRAME).set("stack.module", "/usr/bin/cat").set("stack.offset", 42L));
        e.stack().add(new Msg(Schemas.STACK_FRAME).set("stack.module", "/lib/libc.so.6").set("stack.offset", 7L));
        byte[] bytes = EventCodec.encode(e);
        Event full = EventCodec.decode(bytes, 0, bytes.length, false);
        Event light = EventCodec.decodeWithoutStack(bytes, 0, bytes.length);
        assertEquals(3, full.stack().size());
        assertEquals(0, light.stack().size());
        assertEquals(full.pid(), light.pid());
        assertEquals(full.dtUs(), light.dtUs());
        assertEquals("/etc/shadow", light.body().string("path").orElseThrow());
    }

    @Test
    void singleBadEventsAreRefusedAndTheRestKept() {
        byte[] good = EventCodec.encode(fileOpen("/etc/hosts"));
        WireWriter unknownType = new WireWriter();
        unknownType.uint(1, 99);
        WireWriter missingPath = new WireWriter();
        missingPath.uint(1, EventType.FILE.code());
        WireWriter body = new WireWriter();
        body.string(1, "open");
        missingPath.message(6, body);
        WireWriter serverOnly = new WireWriter();
        serverOnly.uint(1, EventType.GAP.code());
        try (BatchEncoder enc = new BatchEncoder(Compression.NONE); BatchDecoder dec = new BatchDecoder(Compression.NONE, 1 << 20, 100)) {
            enc.add(good);
            enc.add(unknownType.toByteArray());
            enc.add(missingPath.toByteArray());
            enc.add(serverOnly.toByteArray());
            enc.add(new byte[]{(byte) 0xFF});
            byte[] p = payload(enc.finish(1, 0));
            DecodedBatch b = dec.decode(p, 0, p.length);
            assertEquals(EventType.FILE, b.types()[0]);
            assertNull(b.rejections()[0]);
            assertTrue(b.rejected(1));
            assertNull(b.types()[1]);
            assertTrue(b.rejections()[1].contains("unknown event type 99"), b.rejections()[1]);
            assertEquals(99, b.claimedTypes()[1]);
            assertTrue(b.rejections()[2].contains("missing required field path"), b.rejections()[2]);
            assertTrue(b.rejections()[3].contains("appliance only"), b.rejections()[3]);
            assertTrue(b.rejected(4));
            assertEquals(4, b.rejectedCount());
        }
    }

    @Test
    void countMismatchIsFatal() {
        WireWriter p = new WireWriter();
        p.uint(1, 1);
        p.uint(2, 3);
        p.uint(3, 0);
        byte[] ev = EventCodec.encode(fileOpen("/a"));
        WireWriter events = new WireWriter();
        events.writeVarint(ev.length);
        events.writeRaw(ev, 0, ev.length);
        p.bytes(5, events.toByteArray());
        byte[] bytes = p.toByteArray();
        try (BatchDecoder dec = new BatchDecoder(Compression.NONE, 1 << 20, 100)) {
            ProtocolException e = assertThrows(ProtocolException.class, () -> dec.decode(bytes, 0, bytes.length));
            assertEquals(ErrorCode.MALFORMED_FRAME, e.code());
            assertTrue(e.getMessage().contains("holds 1"), e.getMessage());
        }
    }

    @Test
    void decompressionBombIsRefused() {
        try (BatchEncoder enc = new BatchEncoder(Compression.ZSTD); BatchDecoder dec = new BatchDecoder(Compression.ZSTD, 1000, 100_000)) {
            byte[] p = payload(enc.frame(1, 0, sample(100)));
            ProtocolException e = assertThrows(ProtocolException.class, () -> dec.decode(p, 0, p.length));
            assertEquals(ErrorCode.PAYLOAD_TOO_LARGE, e.code());
        }
    }

    @Test
    void invalidUtf8IsRefused() {
        WireWriter w = new WireWriter();
        w.uint(1, EventType.FILE.code());
        WireWriter body = new WireWriter();
        body.string(1, "open");
        body.bytes(2, new byte[]{'/', (byte) 0xC3, (byte) 0x28});
        w.message(6, body);
        byte[] b = w.toByteArray();
        ProtocolException e = assertThrows(ProtocolException.class, () -> EventCodec.decode(b, 0, b.length, true));
        assertEquals(ErrorCode.EVENT_REJECTED, e.code());
        assertTrue(e.getMessage().contains("UTF-8"));
    }

    @Test
    void helloValidatesItsFields() {
        Hello ok = new Hello(1, "tok", "agent-1", "native", "0.1", "host1", "shop", "checkout", "1.4.2",
                java.util.Optional.empty(), Compression.ZSTD, java.util.Optional.empty());
        byte[] bytes = ok.encode().toByteArray();
        assertEquals(ok, Hello.decode(bytes, 0, bytes.length));
        assertTrue(!ok.toString().contains("tok,"), "the run token never reaches logs");

        Hello badApp = new Hello(1, "tok", "agent-1", "native", "0.1", "host1", "sh op", "checkout", "1",
                java.util.Optional.empty(), Compression.NONE, java.util.Optional.empty());
        byte[] b2 = badApp.encode().toByteArray();
        ProtocolException e = assertThrows(ProtocolException.class, () -> Hello.decode(b2, 0, b2.length));
        assertEquals(ErrorCode.BAD_HELLO, e.code());
        assertTrue(e.getMessage().contains("application"));

        Hello v9 = new Hello(9, "tok", "agent-1", "native", "0.1", "host1", "shop", "c", "1",
                java.util.Optional.empty(), Compression.NONE, java.util.Optional.empty());
        byte[] b3 = v9.encode().toByteArray();
        assertEquals(ErrorCode.UNSUPPORTED_VERSION,
                assertThrows(ProtocolException.class, () -> Hello.decode(b3, 0, b3.length)).code());
    }

    @Test
    void helloMayAskForThePackagesToTraceAndWelcomeListsThem() {
        Hello asks = new Hello(1, "tok", "agent-1", "native", "0.1", "host1", "shop", "checkout", "1.4.2",
                java.util.Optional.empty(), Compression.ZSTD, java.util.Optional.empty(), true);
        byte[] bytes = asks.encode().toByteArray();
        assertTrue(Hello.decode(bytes, 0, bytes.length).traceRequest());
        Hello plain = new Hello(1, "tok", "agent-1", "native", "0.1", "host1", "shop", "checkout", "1.4.2",
                java.util.Optional.empty(), Compression.ZSTD, java.util.Optional.empty());
        byte[] p = plain.encode().toByteArray();
        assertTrue(!Hello.decode(p, 0, p.length).traceRequest());
        WireWriter ww = new WireWriter(64);
        ww.uint(1, 1);
        ww.uint(14, 2);
        byte[] two = ww.toByteArray();
        ProtocolException e = assertThrows(ProtocolException.class, () -> Hello.decode(two, 0, two.length));
        assertTrue(e.getMessage().contains("trace_request"), e.getMessage());

        Welcome listed = new Welcome(1, 7, 1, 1 << 20, 1000, 15_000, "0.2.0",
                java.util.Optional.of(List.of("pkg:maven/com.fasterxml.jackson.core/jackson-core@2.13.5")));
        byte[] w = listed.encode().toByteArray();
        assertEquals(listed, Welcome.decode(w, 0, w.length));
        Welcome empty = new Welcome(1, 7, 1, 1 << 20, 1000, 15_000, "0.2.0", java.util.Optional.of(List.of()));
        byte[] w2 = empty.encode().toByteArray();
        assertEquals(java.util.Optional.of(List.of()), Welcome.decode(w2, 0, w2.length).trace(),
                "an empty list is still a list: the agent forgets the packages it traced");
        Welcome none = new Welcome(1, 7, 1, 1 << 20, 1000, 15_000, "0.2.0");
        byte[] w3 = none.encode().toByteArray();
        assertEquals(java.util.Optional.empty(), Welcome.decode(w3, 0, w3.length).trace());
    }
}
