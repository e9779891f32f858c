package dev.telltale.agent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class LocationTest {
    @Test
    void plainJarAndDirectory() {
        Location jar = Location.parse("file:/opt/app/lib/commons-lang3-3.18.0.jar");
        assertEquals(Location.Kind.JAR, jar.kind);
        assertEquals("/opt/app/lib/commons-lang3-3.18.0.jar", jar.path());
        assertNull(jar.parent());
        assertEquals("classpath", jar.load());
        Location dir = Location.parse("file:/opt/app/classes/");
        assertEquals(Location.Kind.DIR, dir.kind);
        assertEquals("/opt/app/classes", dir.path());
        assertEquals("classdir", dir.load());
        assertEquals(Location.Kind.JAR, Location.parse("jar:file:/opt/x.jar!/").kind);
    }

    @Test
    void springBootOldNestedForm() {
        Location l = Location.parse("jar:file:/srv/shop.jar!/BOOT-INF/lib/jackson-core-2.21.3.jar!/");
        assertEquals(Location.Kind.NESTED_JAR, l.kind);
        assertEquals("/srv/shop.jar!/BOOT-INF/lib/jackson-core-2.21.3.jar", l.path());
        assertEquals("/srv/shop.jar", l.parent());
        assertEquals("nested", l.load());
        Location classes = Location.parse("jar:file:/srv/shop.jar!/BOOT-INF/classes!/");
        assertEquals(Location.Kind.NESTED_DIR, classes.kind);
        assertEquals("/srv/shop.jar!/BOOT-INF/classes", classes.path());
    }

    @Test
    void springBootNestedScheme() {
        Location l = Location.parse("jar:nested:/srv/my%20shop.jar/!BOOT-INF/lib/spring-core-6.1.2.jar!/");
        assertEquals(Location.Kind.NESTED_JAR, l.kind);
        assertEquals("/srv/my shop.jar", l.file);
        assertEquals("BOOT-INF/lib/spring-core-6.1.2.jar", l.entry);
        Location c = Location.parse("jar:nested:/srv/shop.jar/!BOOT-INF/classes/!/");
        assertEquals(Location.Kind.NESTED_DIR, c.kind);
        assertEquals("BOOT-INF/classes", c.entry);
    }

    @Test
    void modulesAndForeignSchemes() {
        Location m = Location.parse("jrt:/java.sql");
        assertEquals(Location.Kind.MODULE, m.kind);
        assertEquals("jrt:/java.sql", m.path());
        assertEquals("jdk_module", m.load());
        assertNull(Location.parse("http://example.com/x.jar"));
        assertNull(Location.parse("memory:abc"));
    }

    @Test
    void percentDecodingKeepsUtf8AndPlus() {
        assertEquals("/a b/c+d/é.jar", Location.decode("/a%20b/c+d/%C3%A9.jar"));
        assertEquals("/50%", Location.decode("/50%"));
    }
}
