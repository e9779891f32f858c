package dev.telltale.upgrade.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VersionTest {

    @Test
    void sortsBySemanticVersionPrecedence() {
        List<String> ordered = List.of("0.1.0-SNAPSHOT", "0.1.0", "0.2.0-alpha", "0.2.0-alpha.1", "0.2.0-alpha.beta",
                "0.2.0-beta.2", "0.2.0-beta.11", "0.2.0-rc.1", "0.2.0", "0.2.1", "0.10.0", "1.0.0", "1.10.0", "10.0.0");
        List<Version> shuffled = new ArrayList<>(ordered.stream().map(Version::parse).toList());
        Collections.shuffle(shuffled, new Random(7));
        Collections.sort(shuffled);
        assertEquals(ordered, shuffled.stream().map(Version::toString).toList());
    }

    @Test
    void parsesItsOwnText() {
        Version v = Version.parse("1.2.3-rc.1");
        assertEquals(new Version(1, 2, 3, "rc.1"), v);
        assertTrue(v.isQualified());
        assertEquals(0, Version.parse("0.1.0").compareTo(new Version(0, 1, 0, "")));
    }

    @Test
    void refusesBadTextQuotingIt() {
        for (String bad : List.of("", "1.2", "1.2.3.4", "01.2.3", "1.2.3-", "1.2.3-a..b", "a.b.c", " 1.2.3", "1.2.3-é",
                "99999999999.0.0", "1".repeat(100))) {
            var e = assertThrows(IllegalArgumentException.class, () -> Version.parse(bad));
            assertTrue(e.getMessage().startsWith("not a version (MAJOR.MINOR.PATCH[-qualifier]): \""), e.getMessage());
        }
    }
}
