package dev.telltale.sca.version;

import org.junit.jupiter.api.Test;

import static dev.telltale.sca.version.Orders.assertChains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RpmTest {
    private final VersionScheme rpm = VersionScheme.forEcosystem("Red Hat").orElseThrow();

    @Test
    void ordersAsRpmvercmpTestSuite() {
        // rpm's tests/rpmvercmp.at, each row as (a, b, rpmvercmp(a, b))
        String[][] rows = {
            {"1.0", "1.0", "0"}, {"1.0", "2.0", "-1"}, {"2.0.1", "2.0.1", "0"}, {"2.0", "2.0.1", "-1"},
            {"2.0.1a", "2.0.1a", "0"}, {"2.0.1a", "2.0.1", "1"}, {"5.5p1", "5.5p2", "-1"},
            {"5.5p10", "5.5p10", "0"}, {"5.5p1", "5.5p10", "-1"}, {"10xyz", "10.1xyz", "-1"},
            {"xyz10", "xyz10", "0"}, {"xyz10", "xyz10.1", "-1"}, {"xyz.4", "xyz.4", "0"}, {"xyz.4", "8", "-1"},
            {"xyz.4", "2", "-1"}, {"5.5p2", "5.6p1", "-1"}, {"5.6p1", "6.5p1", "-1"}, {"6.0.rc1", "6.0", "1"},
            {"10b2", "10a1", "1"}, {"10a2", "10b2", "-1"}, {"1.0aa", "1.0aa", "0"}, {"1.0a", "1.0aa", "-1"},
            {"10.0001", "10.0001", "0"}, {"10.0001", "10.1", "0"}, {"10.0001", "10.0039", "-1"},
            {"4.999.9", "5.0", "-1"}, {"20101121", "20101122", "-1"}, {"2_0", "2_0", "0"}, {"2.0", "2_0", "0"},
            {"a", "a", "0"}, {"a+", "a+", "0"}, {"a+", "a_", "0"}, {"+a", "_a", "0"}, {"+_", "+_", "0"},
            {"_+", "+_", "0"}, {"1.0~rc1", "1.0~rc1", "0"}, {"1.0~rc1", "1.0", "-1"}, {"1.0~rc1", "1.0~rc2", "-1"},
            {"1.0~rc1~git123", "1.0~rc1~git123", "0"}, {"1.0~rc1~git123", "1.0~rc1", "-1"},
            {"1.0^", "1.0^", "0"}, {"1.0^", "1.0", "1"}, {"1.0", "1.0git1^", "-1"}, {"1.0^git1", "1.0", "1"},
            {"1.0^git1", "1.0^git2", "-1"}, {"1.0^git1", "1.01", "-1"}, {"1.0^20160101", "1.0.1", "-1"},
            {"1.0^20160101^git1", "1.0^20160101^git1", "0"}, {"1.0^20160102", "1.0^20160101^git1", "1"},
            {"1.0~rc1^git1", "1.0~rc1^git1", "0"}, {"1.0~rc1^git1", "1.0~rc1", "1"},
            {"1.0^git1~pre", "1.0^git1", "-1"}, {"1.0^git1", "1.0^git1~pre", "1"},
        };
        for (String[] row : rows) {
            int expected = Integer.parseInt(row[2]);
            assertEquals(expected, rpm.compare(row[0], row[1]), row[0] + " vs " + row[1]);
            assertEquals(-expected, rpm.compare(row[1], row[0]), row[1] + " vs " + row[0]);
        }
    }

    @Test
    void epochVersionRelease() {
        assertChains(rpm,
                "1.0~rc1 < 1.0~rc1^git1 < 1.0 < 1.0^git1 < 1.0^git2 < 1.0.1",
                "2.0-1 < 1:1.0-1 < 1:1.0-2 < 2:0.1-1",
                "1.0-1 == 0:1.0-1 == 00:1.0-1",
                // no release sorts before any release
                "1.0 < 1.0-1 < 1.0-1.el9 < 1.0-2.el9 < 1.0-10.el9",
                // real Red Hat / Rocky / Alma errata
                "1:3.0.7-27.el9 < 1:3.0.7-28.el9_4 < 1:3.0.7-28.el9_4.1",
                "2.34-100.el9 < 2.34-100.el9_4.2 < 2.34-100.el9_4.12 < 2.34-101.el9",
                "7.76.1-29.el9_4 < 7.76.1-29.el9_4.1 < 7.76.1-31.el9");
    }

    @Test
    void refusesWhatRpmbuildRefuses() {
        for (String v : new String[] {"1.0", "0:1.0-1.el9", "1.0~rc1^git1-0.1", "2_0", "a+"}) {
            assertTrue(rpm.valid(v), v);
        }
        for (String v : new String[] {"", "1.0-", "-1", "a:1.0-1", ":1.0", "1.0-1-2:3", "1.0 -1", "1.0/2",
                "1,0", "é1", null}) {
            assertFalse(rpm.valid(v), String.valueOf(v));
        }
    }
}
