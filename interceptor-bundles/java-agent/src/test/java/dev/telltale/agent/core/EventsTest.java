package dev.telltale.agent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventsTest {
    @Test
    void varintsAndStringsInWireFormat() {
        byte[] b = new Proto().varint(1, 300).string(2, "hé", 16).toByteArray();
        assertEquals("08ac02120368c3a9", hex(b));
    }

    @Test
    void stringsAreCutAtCharacterBoundaries() {
        assertEquals(1, Proto.utf8("aé", 2).length);
        assertEquals(3, Proto.utf8("aé", 3).length);
    }

    @Test
    void dependencyEnvelope() {
        JarInspector.Result r = new JarInspector.Result();
        r.sha256 = new byte[32];
        r.size = 10;
        r.coordinates = new Coordinates("g", "a", "1", "pom");
        byte[] e = Events.dependency(42, Location.parse("jar:file:/x.jar!/lib/a-1.jar!/"), r, "a.B");
        String s = new String(e, StandardCharsets.ISO_8859_1);
        assertEquals(0x08, e[0]);
        assertEquals(10, e[1]); // type dependency
        assertTrue(s.contains("/x.jar!/lib/a-1.jar") && s.contains("pkg:maven/g/a@1") && s.contains("a.B"));
        assertTrue(s.contains("nested") && s.contains("java"));
    }

    @Test
    void usageIsSplitIntoBoundedEvents() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            names.add("com.example.some.pkg.SomeFairlyLongClassName" + i);
        }
        List<byte[]> events = Events.usage(1, "/x.jar", "pkg:maven/g/a@1", names);
        assertTrue(events.size() > 1);
        for (byte[] e : events) {
            assertTrue(e.length < Events.USAGE_BYTES + 2048, "event of " + e.length + " bytes");
        }
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(String.format("%02x", x));
        }
        return s.toString();
    }
}
