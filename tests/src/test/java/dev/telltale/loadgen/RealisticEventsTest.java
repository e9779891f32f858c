package dev.telltale.loadgen;

import dev.telltale.protocol.event.Event;
import dev.telltale.protocol.event.EventCodec;
import dev.telltale.protocol.event.EventType;
import dev.telltale.protocol.event.Msg;
import dev.telltale.secrets.SecretPatterns;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class RealisticEventsTest {

    @Test
    void everyAgentTypeIsGeneratedAndRoundTrips() {
        RealisticEvents g = RealisticEvents.create(42);
        ProcessModel java = g.javaService("shop", "checkout");
        ProcessModel sh = g.nativeProcess(java, List.of("/usr/bin/bash", "bash", "/opt/shop/bin/entrypoint.sh"));
        assertEquals(16, RealisticEvents.AGENT_TYPES.size());
        for (EventType t : RealisticEvents.AGENT_TYPES) {
            for (ProcessModel p : List.of(java, sh)) {
                for (int i = 0; i < 20; i++) {
                    Event e = g.event(t, p, 1000L * i);
                    assertEquals(t, e.type());
                    assertRoundTrips(e);
                    int frames = e.stack().size();
                    if (RealisticEvents.STACKED.contains(t)) {
                        assertTrue(frames >= 5 && frames <= 15, t + " has " + frames + " frames");
                    } else {
                        assertEquals(0, frames, t + " should carry no stack");
                    }
                }
            }
        }
    }

    @Test
    void steadyStreamRoundTripsAndIsMostlyFileAndNetwork() {
        RealisticEvents g = RealisticEvents.create(7);
        ProcessModel p = g.javaService("shop", "cart");
        Map<EventType, Integer> counts = new EnumMap<>(EventType.class);
        for (int i = 0; i < 5000; i++) {
            Event e = g.steadyState(p, i);
            assertRoundTrips(e);
            counts.merge(e.type(), 1, Integer::sum);
        }
        int file = counts.get(EventType.FILE);
        assertTrue(file > 1500 && file < 2600, "file events: " + file);
        assertTrue(counts.get(EventType.NETWORK) > counts.get(EventType.HEARTBEAT), counts.toString());
    }

    @Test
    void sameSeedSameEventsOtherSeedOthers() {
        byte[][] a = encodeStream(11);
        byte[][] b = encodeStream(11);
        byte[][] c = encodeStream(12);
        for (int i = 0; i < a.length; i++) {
            assertArrayEquals(a[i], b[i], "event " + i);
        }
        assertFalse(Arrays.deepEquals(a, c));
    }

    @Test
    void environmentHasRealNamesAndOnlyInventedSecrets() {
        RealisticEvents g = RealisticEvents.create(3);
        ProcessModel p = g.javaService("shop", "payments");
        Event start = g.processStart(p, 0);
        List<Msg> env = start.body().list("env");
        for (String real : System.getenv().keySet()) {
            assertTrue(env.stream().anyMatch(v -> v.string("env.name").orElseThrow().equals(real)), real);
        }
        Msg key = env.stream().filter(v -> v.string("env.name").orElseThrow().equals("AWS_ACCESS_KEY_ID")).findFirst()
                .orElseThrow();
        String value = key.string("env.value").orElseThrow();
        assertTrue(value.matches("AKIA[A-Z2-7]{16}"), value);
        assertTrue(SecretPatterns.looksLikeSecret(value), "the appliance must recognise the shape: " + value);
        long secrets = env.stream().filter(v -> SecretPatterns.isSecretEnv(v.string("env.name").orElseThrow(),
                v.string("env.value").orElseThrow())).count();
        assertTrue(secrets >= 7, "secret-looking variables: " + secrets);
        for (Msg v : env) {
            String name = v.string("env.name").orElseThrow();
            String real = System.getenv(name);
            if (real != null && SecretPatterns.isSecretEnv(name, real)) {
                assertNotEquals(real, v.string("env.value").orElseThrow(), name + " must not carry its real value");
            }
        }
    }

    @Test
    void hostInventoryIsThisMachinesPackages() {
        assumeTrue(Files.isReadable(Path.of("/var/lib/dpkg/status")), "a Debian machine");
        RealisticEvents g = RealisticEvents.create(5);
        Event e = g.hostEnv(g.javaService("shop", "checkout"), 0);
        List<Msg> pkgs = e.body().list("packages");
        assertEquals(g.machine().dpkg().packages().size(), pkgs.size());
        assertTrue(pkgs.stream().anyMatch(m -> m.string("pkg.name").orElseThrow().equals("libc6")));
        long licensed = pkgs.stream().filter(m -> m.string("pkg.license").isPresent()).count();
        assertTrue(licensed > pkgs.size() / 2, "packages with a licence: " + licensed + " of " + pkgs.size());
    }

    @Test
    void stacksNameRealModulesAndSymbols() {
        RealisticEvents g = RealisticEvents.create(9);
        Event e = g.network(g.javaService("shop", "checkout"), 0, "connect");
        Msg top = e.stack().get(0);
        assertTrue(top.string("stack.module").orElseThrow().endsWith("libc.so.6"), top.string("stack.module").orElseThrow());
        assertEquals("connect", top.string("stack.symbol").orElseThrow());
        assertTrue(Files.exists(Path.of(top.string("stack.module").orElseThrow())));
        assertTrue(e.stack().stream().anyMatch(f -> f.string("stack.symbol").orElseThrow().equals("sun.nio.ch.Net.connect0")),
                "the JDK frames of a connect");
    }

    private static byte[][] encodeStream(long seed) {
        RealisticEvents g = RealisticEvents.create(seed);
        ProcessModel p = g.javaService("shop", "checkout");
        byte[][] out = new byte[500][];
        for (int i = 0; i < out.length; i++) {
            out[i] = EventCodec.encode(g.steadyState(p, i));
        }
        return out;
    }

    static void assertRoundTrips(Event e) {
        byte[] bytes = EventCodec.encode(e);
        Event back = EventCodec.decode(bytes, 0, bytes.length, true);
        assertEquals(e.type(), back.type());
        assertEquals(e.stack().size(), back.stack().size());
        assertArrayEquals(bytes, EventCodec.encode(back), e.type() + " changes in a round trip");
    }
}
