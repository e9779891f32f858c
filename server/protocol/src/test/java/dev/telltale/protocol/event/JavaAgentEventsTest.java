package dev.telltale.protocol.event;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.telltale.protocol.ProtocolException;
import dev.telltale.protocol.WireWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Events as the Java agent writes them (docs/java-agent.md): envelope without dt_us, as channel records carry it. */
class JavaAgentEventsTest {
    private static byte[] envelope(int type, WireWriter body) {
        WireWriter e = new WireWriter();
        e.uint(1, type);
        e.uint(3, 4242);
        e.bytes(6, body.toByteArray());
        return e.toByteArray();
    }

    @Test
    void nestedJarDependencyWithFirstClass() {
        WireWriter b = new WireWriter();
        b.string(1, "/srv/shop.jar!/BOOT-INF/lib/jackson-core-2.21.3.jar");
        b.bytes(2, new byte[32]);
        b.string(3, "/srv/shop.jar");
        b.string(4, "java");
        b.string(5, "2.21.3");
        b.string(6, "nested");
        b.uint(7, 600_000);
        b.string(8, "jackson-core");
        b.string(9, "pkg:maven/com.fasterxml.jackson.core/jackson-core@2.21.3");
        b.string(10, "com.fasterxml.jackson.core.JsonFactory");
        byte[] bytes = envelope(10, b);
        Event e = EventCodec.decode(bytes, 0, bytes.length, true);
        assertEquals(EventType.DEPENDENCY, e.type());
        assertEquals("com.fasterxml.jackson.core.JsonFactory", e.body().string("first_class").orElseThrow());
        assertEquals("/srv/shop.jar", e.body().string("parent").orElseThrow());
        assertArrayEquals(new byte[32], (byte[]) e.body().get("sha256").orElseThrow());
        Event back = EventCodec.decode(EventCodec.encode(e), 0, EventCodec.encode(e).length, true);
        assertEquals("com.fasterxml.jackson.core.JsonFactory", back.body().string("first_class").orElseThrow());
    }

    @Test
    void classUsageBatch() {
        WireWriter b = new WireWriter();
        b.string(1, "*");
        b.string(3, "/app/lib/commons-lang3-3.18.0.jar");
        b.string(4, "pkg:maven/org.apache.commons/commons-lang3@3.18.0");
        b.string(2, "org.apache.commons.lang3.StringUtils");
        b.string(2, "org.apache.commons.lang3.CharSequenceUtils");
        b.uint(5, 2);
        byte[] bytes = envelope(16, b);
        Event e = EventCodec.decode(bytes, 0, bytes.length, true);
        assertEquals(EventType.JAVA_METHOD, e.type());
        assertEquals(List.of("org.apache.commons.lang3.StringUtils", "org.apache.commons.lang3.CharSequenceUtils"),
                e.body().list("methods"));
    }

    @Test
    void firstClassIsBounded() {
        WireWriter b = new WireWriter();
        b.string(1, "/x.jar");
        b.string(10, "a".repeat(1025));
        byte[] bytes = envelope(10, b);
        assertThrows(ProtocolException.class, () -> EventCodec.decode(bytes, 0, bytes.length, true));
    }
}
