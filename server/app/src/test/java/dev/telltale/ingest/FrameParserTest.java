package dev.telltale.ingest;

import dev.telltale.metrics.Metrics;
import dev.telltale.protocol.BatchDecoder;
import dev.telltale.protocol.BatchEncoder;
import dev.telltale.protocol.Compression;
import dev.telltale.protocol.DecodedBatch;
import dev.telltale.protocol.FrameType;
import dev.telltale.protocol.Frames;
import dev.telltale.protocol.Hello;
import dev.telltale.protocol.Ping;
import dev.telltale.protocol.ProtocolException;
import dev.telltale.protocol.event.Event;
import dev.telltale.protocol.event.EventType;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The framing and decoder stages of the ingestion pipeline, without sockets. */
class FrameParserTest {
    private static final int MAX_FRAME = 1 << 16;

    private static EmbeddedChannel channel() {
        return new EmbeddedChannel(
                new LengthFieldBasedFrameDecoder(MAX_FRAME + Frames.HEADER, 1, 4, 0, 0, true),
                new FrameParser(new IngestMetrics(new Metrics())));
    }

    private static byte[] stream() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Hello hello = new Hello(1, "tok", "a1", "native", "1", "h", "shop", "c", "1", Optional.empty(),
                Compression.ZSTD, Optional.empty());
        out.writeBytes(Frames.frame(FrameType.HELLO, hello.encode()));
        try (BatchEncoder enc = new BatchEncoder(Compression.ZSTD)) {
            for (int b = 0; b < 3; b++) {
                List<Event> events = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    Event e = Event.of(EventType.FILE, i, 5, 5);
                    e.body().set("op", "open").set("path", "/p/" + b + "/" + i);
                    events.add(e);
                }
                out.writeBytes(enc.frame(1 + b * 10L, 0, events));
            }
        }
        out.writeBytes(Frames.frame(FrameType.PING, new Ping(5, 6).encode()));
        return out.toByteArray();
    }

    @Test
    void framesSplitAnywhereDecodeTheSame() {
        byte[] bytes = stream();
        EmbeddedChannel ch = channel();
        for (byte b : bytes) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[]{b}));
        }
        assertInstanceOf(Hello.class, ch.readInbound());
        BatchDecoder decoder = new BatchDecoder(Compression.ZSTD, 1 << 20, 1000);
        for (int b = 0; b < 3; b++) {
            FrameParser.RawBatch raw = ch.readInbound();
            DecodedBatch batch = decoder.decode(raw.payload(), 0, raw.payload().length);
            assertEquals(1 + b * 10L, batch.firstSeq());
            assertEquals("/p/" + b + "/9", batch.decode(9).body().string("path").orElseThrow());
        }
        assertEquals(5, ((Ping) ch.readInbound()).nonce());
        ch.finishAndReleaseAll();
    }

    @Test
    void anOversizedLengthFailsBeforeItsPayloadArrives() {
        EmbeddedChannel ch = channel();
        DecoderException e = org.junit.jupiter.api.Assertions.assertThrows(DecoderException.class,
                () -> ch.writeInbound(Unpooled.wrappedBuffer(new byte[]{3, 0, 2, 0, 0})));
        assertInstanceOf(TooLongFrameException.class, e);
        ch.finishAndReleaseAll();
    }

    @Test
    void randomDamageOnlyEverRaisesProtocolErrors() {
        byte[] valid = stream();
        Random rnd = new Random(42);
        int refused = 0;
        for (int round = 0; round < 3000; round++) {
            byte[] b = valid.clone();
            for (int k = 0; k < 1 + rnd.nextInt(3); k++) {
                b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
            }
            EmbeddedChannel ch = channel();
            try (BatchDecoder decoder = new BatchDecoder(Compression.ZSTD, 1 << 20, 1000)) {
                ch.writeInbound(Unpooled.wrappedBuffer(b));
                Object m;
                while ((m = ch.readInbound()) != null) {
                    if (m instanceof FrameParser.RawBatch raw) {
                        decoder.decode(raw.payload(), 0, raw.payload().length);
                    }
                }
            } catch (ProtocolException e) {
                refused++;
            } catch (DecoderException e) {
                Throwable cause = e instanceof TooLongFrameException ? e : e.getCause();
                assertTrue(cause instanceof ProtocolException || cause instanceof TooLongFrameException,
                        "unexpected " + e);
                refused++;
            } finally {
                ch.finishAndReleaseAll();
            }
        }
        assertTrue(refused > 1000, "damage is noticed: " + refused);
    }
}
