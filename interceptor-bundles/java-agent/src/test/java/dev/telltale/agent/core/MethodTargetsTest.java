package dev.telltale.agent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MethodTargetsTest {
    @TempDir
    Path dir;

    @Test
    void offUnlessTheVariableNamesSomething() {
        assertNull(MethodTargets.parse(null, null));
        assertNull(MethodTargets.parse("", "/x"));
        assertNull(MethodTargets.parse(" off ", "/x"));
        assertNull(MethodTargets.parse("OFF", null));
    }

    @Test
    void exactPurlsAndPrefixes() {
        MethodTargets t = MethodTargets.parse("pkg:maven/g/a@1.2, pkg:maven/com.fasterxml.jackson.core/*", null);
        assertTrue(t.invalid.isEmpty(), t.invalid.toString());
        assertTrue(t.matches("pkg:maven/g/a@1.2"));
        assertFalse(t.matches("pkg:maven/g/a@1.20"));
        assertFalse(t.matches("pkg:maven/g/ab@1.2"));
        assertTrue(t.matches("pkg:maven/com.fasterxml.jackson.core/jackson-core@2.13.5"));
        assertFalse(t.matches("pkg:maven/com.fasterxml.jackson.corex/x@1"));
        assertFalse(t.matches(null));
    }

    @Test
    void invalidItemsAreCollectedNotThrown() {
        MethodTargets t = MethodTargets.parse("jackson, pkg:maven/*/x, pkg:*, pkg:maven/g/a@1 2,pkg:maven/g/b@1,,", null);
        assertEquals(List.of("jackson", "pkg:maven/*/x", "pkg:*", "pkg:maven/g/a@1 2"), t.invalid);
        assertTrue(t.matches("pkg:maven/g/b@1"));
        MethodTargets v = MethodTargets.parse("vulnerable", null);
        assertEquals(1, v.invalid.size());
        assertTrue(v.isEmpty());
    }

    @Test
    void traceFileIsReadAndReReadWhenItChanges() throws Exception {
        Path f = dir.resolve("trace");
        MethodTargets t = MethodTargets.parse("vulnerable", f.toString());
        assertTrue(t.invalid.isEmpty());
        assertTrue(t.isEmpty(), "no file yet");
        assertFalse(t.refresh());

        write(f, "# vulnerable packages of app 1.0\n\npkg:maven/g/a@1?type=jar\n  pkg:maven/g/b@2  \nnot-a-purl\n");
        assertTrue(t.refresh());
        assertTrue(t.matches("pkg:maven/g/a@1"));
        assertTrue(t.matches("pkg:maven/g/b@2"));
        assertFalse(t.matches("not-a-purl"));
        assertFalse(t.refresh(), "unchanged");

        write(f, "pkg:maven/g/c@3\n");
        Files.setLastModifiedTime(f, FileTime.fromMillis(System.currentTimeMillis() + 5000));
        assertTrue(t.refresh());
        assertFalse(t.matches("pkg:maven/g/a@1"));
        assertTrue(t.matches("pkg:maven/g/c@3"));

        Files.delete(f);
        assertTrue(t.refresh());
        assertTrue(t.isEmpty());
    }

    @Test
    void envItemsStayWhenTheFileChanges() throws Exception {
        Path f = dir.resolve("trace");
        write(f, "pkg:maven/g/a@1\n");
        MethodTargets t = MethodTargets.parse("vulnerable,pkg:maven/x/*", f.toString());
        assertTrue(t.matches("pkg:maven/g/a@1") && t.matches("pkg:maven/x/y@1"));
        Files.delete(f);
        t.refresh();
        assertFalse(t.matches("pkg:maven/g/a@1"));
        assertTrue(t.matches("pkg:maven/x/y@1"));
    }

    @Test
    void fileIsBounded() throws Exception {
        Path f = dir.resolve("trace");
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < MethodTargets.FILE_LINES + 10; i++) {
            s.append("pkg:maven/g/a@").append(i).append('\n');
        }
        write(f, s.toString());
        MethodTargets t = MethodTargets.parse("vulnerable", f.toString());
        assertTrue(t.matches("pkg:maven/g/a@" + (MethodTargets.FILE_LINES - 1)));
        assertFalse(t.matches("pkg:maven/g/a@" + MethodTargets.FILE_LINES));
    }

    /** As the forwarder writes it: a temporary file renamed over the old one. */
    static void write(Path f, String text) throws Exception {
        Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
        Files.write(tmp, text.getBytes(StandardCharsets.UTF_8));
        Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
