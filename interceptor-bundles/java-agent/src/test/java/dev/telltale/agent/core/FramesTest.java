package dev.telltale.agent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import example.app.Calls;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FramesTest {
    @Test
    void currentStartsAtTheCallerWithFileAndLine() {
        List<Map<Integer, List<Object>>> frames = decode(Calls.through(Frames::current));
        // Frames.current, this test and its lambda are the agent's package: left out
        assertEquals("example.app.Calls.through", frames.get(0).get(3).get(0));
        assertEquals("Calls.java", frames.get(0).get(4).get(0));
        assertEquals(12L, frames.get(0).get(5).get(0));
        assertTrue(frames.stream().noneMatch(f -> ((String) f.get(3).get(0)).startsWith("dev.telltale.agent.")));
        assertTrue(frames.stream().anyMatch(f -> ((String) f.get(3).get(0)).startsWith("org.junit.")), "and the rest follows");
    }

    @Test
    void encodesAtMostMaxFramesSkippingTheAgentsAndUnknownParts() {
        List<StackTraceElement> trace = new ArrayList<>();
        trace.add(new StackTraceElement("dev.telltale.agent.core.Worker", "run", "Worker.java", 9));
        trace.add(new StackTraceElement("java.io.FileInputStream", "open0", null, -2));
        for (int i = 0; i < 100; i++) {
            trace.add(new StackTraceElement("app.C" + i, "m", "C.java", i));
        }
        List<Map<Integer, List<Object>>> frames = decode(Frames.encode(trace.toArray(new StackTraceElement[0])));
        assertEquals(Frames.MAX, frames.size());
        assertEquals("java.io.FileInputStream.open0", frames.get(0).get(3).get(0));
        assertFalse(frames.get(0).containsKey(4), "no file name: no field");
        assertFalse(frames.get(0).containsKey(5), "a native method's line: no field");
        assertEquals("app.C0.m", frames.get(1).get(3).get(0));
        assertFalse(frames.get(1).containsKey(5), "line 0 is no line");
        assertEquals("app.C62.m", frames.get(Frames.MAX - 1).get(3).get(0));
        assertEquals(62L, frames.get(Frames.MAX - 1).get(5).get(0));
    }

    private static List<Map<Integer, List<Object>>> decode(byte[] encoded) {
        assertNotNull(encoded);
        List<Map<Integer, List<Object>>> out = new ArrayList<>();
        for (Object entry : Wire.fields(encoded).getOrDefault(5, List.of())) {
            Map<Integer, List<Object>> f = Wire.fields(((String) entry).getBytes(StandardCharsets.ISO_8859_1));
            out.add(f);
        }
        return out;
    }
}
