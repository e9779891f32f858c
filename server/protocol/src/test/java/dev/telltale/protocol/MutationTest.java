package dev.telltale.protocol;

import dev.telltale.protocol.event.Event;
import dev.telltale.protocol.event.EventCodec;
import dev.telltale.protocol.event.EventType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A fixed-seed mutation run over valid frames, on every build: flipped bits, truncations,
 * splices and length-field edits must be refused with {@link ProtocolException} or decode to
 * something valid, never raise anything else.
 */
class MutationTest {

    private static List<byte[]> seeds() {
        List<byte[]> seeds = new ArrayList<>();
        for (Compression c : Compression.values()) {
            try (BatchEncoder enc = new BatchEncoder(c)) {
                List<Event> events = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    Event e = BatchCodecTest.fileOpen("/var/lib/x/" + i);
                    events.add(e);
                }
                Event net = Event.of(EventType.NETWORK, 9, 1, 1);
                net.body().set("op", "dns").set("fqdn", List.of("api.example.com", "cdn.example.com"));
                events.add(net);
                byte[] f = enc.frame(1, 1_700_000_000_000_000L, events);
                seeds.add(Arrays.copyOfRange(f, Frames.HEADER, f.length));
            }
        }
        return seeds;
    }

    @Test
    void mutatedBatchesAreRefusedCleanly() {
        Random rnd = new Random(20261126);
        List<byte[]> seeds = seeds();
        int refused = 0;
        for (int round = 0; round < 30_000; round++) {
            int which = rnd.nextInt(seeds.size());
            byte[] b = mutate(seeds.get(which), rnd);
            Compression c = which == 0 ? Compression.NONE : Compression.ZSTD;
            try (BatchDecoder d = new BatchDecoder(c, 1 << 20, 10_000)) {
                DecodedBatch batch = d.decode(b, 0, b.length);
                for (int i = 0; i < batch.count(); i++) {
                    if (!batch.rejected(i)) {
                        EventCodec.encode(batch.decode(i));
                    }
                }
            } catch (ProtocolException expected) {
                refused++;
            }
        }
        assertTrue(refused > 10_000, "most mutations are refused: " + refused);
    }

    @Test
    void mutatedHellosAreRefusedCleanly() {
        Random rnd = new Random(7);
        byte[] hello = new Hello(1, "tt_run_abc", "agent-1", "native", "1.0", "host", "shop", "checkout", "1.0",
                java.util.Optional.of("Standard"), Compression.ZSTD, java.util.Optional.of("c0ffee")).encode().toByteArray();
        for (int round = 0; round < 20_000; round++) {
            byte[] b = mutate(hello, rnd);
            try {
                Hello.decode(b, 0, b.length);
            } catch (ProtocolException expected) {
                // refused
            }
        }
    }

    static byte[] mutate(byte[] seed, Random rnd) {
        byte[] b = seed.clone();
        int ops = 1 + rnd.nextInt(4);
        for (int i = 0; i < ops && b.length > 0; i++) {
            switch (rnd.nextInt(5)) {
                case 0 -> b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
                case 1 -> b = Arrays.copyOf(b, rnd.nextInt(b.length));
                case 2 -> b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                case 3 -> {
                    int at = rnd.nextInt(b.length);
                    byte[] longer = Arrays.copyOf(b, b.length + 1 + rnd.nextInt(8));
                    System.arraycopy(b, at, longer, longer.length - (b.length - at), b.length - at);
                    b = longer;
                }
                default -> b[rnd.nextInt(b.length)] = (byte) 0xFF;
            }
        }
        return b;
    }

    /** The validator used on the ingest path refuses exactly what the decoder refuses. */
    @Test
    void validationAgreesWithDecoding() {
        Random rnd = new Random(99);
        List<byte[]> seeds = new ArrayList<>();
        for (dev.telltale.protocol.event.EventType t : dev.telltale.protocol.event.EventType.values()) {
            Event e = Event.of(t, 3, 7, 8);
            for (var f : t.schema().fields()) {
                Object v = switch (f.kind()) {
                    case UINT, SINT -> 5L;
                    case BOOL -> true;
                    case STRING -> "v\u00e9";
                    case BYTES -> new byte[]{1, 2};
                    case MESSAGE -> {
                        var m = new dev.telltale.protocol.event.Msg(f.messageSchema());
                        f.messageSchema().fields().forEach(g -> m.set(g, switch (g.kind()) {
                            case UINT, SINT -> 1L;
                            case BOOL -> false;
                            case BYTES -> new byte[]{3};
                            default -> "n";
                        }));
                        yield m;
                    }
                };
                e.body().set(f, v);
            }
            seeds.add(EventCodec.encode(e));
        }
        var meta = new dev.telltale.protocol.event.EventMeta();
        int refused = 0;
        for (int round = 0; round < 40_000; round++) {
            byte[] b = mutate(seeds.get(rnd.nextInt(seeds.size())), rnd);
            boolean fromAgent = rnd.nextBoolean();
            String decoded;
            try {
                Event e = EventCodec.decode(b, 0, b.length, fromAgent);
                decoded = "ok " + e.type();
            } catch (ProtocolException ex) {
                decoded = "refused";
            }
            String validated;
            try {
                dev.telltale.protocol.event.EventValidator.validate(b, 0, b.length, fromAgent, meta);
                validated = "ok " + meta.type;
            } catch (ProtocolException ex) {
                validated = "refused";
                refused++;
            }
            assertEquals(decoded, validated, "round " + round);
        }
        assertTrue(refused > 5_000, "mutations were refused: " + refused);
    }
}
