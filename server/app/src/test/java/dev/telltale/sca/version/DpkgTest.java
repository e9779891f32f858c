package dev.telltale.sca.version;

import org.junit.jupiter.api.Test;

import static dev.telltale.sca.version.Orders.assertChains;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DpkgTest {
    private final VersionScheme dpkg = VersionScheme.forEcosystem("Debian:12").orElseThrow();

    @Test
    void ordersAsDpkgCompareVersions() {
        assertChains(dpkg,
                // tilde before the release, plus after it (deb-version(7), Debian Policy 5.6.12)
                "1.0~rc1 < 1.0 < 1.0+b1",
                "1.0~~ < 1.0~~a < 1.0~ < 1.0 < 1.0a",
                // the epoch first
                "2.0 < 1:0.9 < 1:1.0 < 2:0.1",
                "1.0 == 0:1.0 == 00:1.0",
                // letters before other characters, digit runs as numbers
                "1.0a < 1.0+ < 1.0. < 1.0.1 < 1.0.2 < 1.0.10",
                "1.09 == 1.9 < 1.10",
                // revisions: none equals 0, then numerically and by the same rules
                "1.2.3 == 1.2.3-0 < 1.2.3-0.1 < 1.2.3-1 < 1.2.3-2 < 1.2.3-10",
                "0 == 0:0 == 0:0-0 == 0:00-0",
                "0:0.0-0.0 < 0:0.0-0.1",
                // a hyphen in the upstream version when there is a revision, colons after an epoch
                "1:2.3-4-1 < 1:2.3-5-1",
                "1:1:1-1 < 1:1:2-1",
                // real security updates: Debian and Ubuntu
                "3.0.11-1~deb12u1 < 3.0.11-1~deb12u2 < 3.0.11-1 < 3.0.13-1",
                "7.74.0-1.3+deb11u7 < 7.74.0-1.3+deb11u10 < 7.74.0-1.3+deb11u11",
                "2.36-9+deb12u3 < 2.36-9+deb12u4 < 2.37-1",
                "1.1.1f-1ubuntu2.16 < 1.1.1f-1ubuntu2.17 < 1.1.1f-1ubuntu3",
                "2:8.2.3995-1ubuntu2.1 < 2:8.2.3995-1ubuntu2.13",
                "1.2.11.dfsg-2ubuntu9 < 1:1.2.11.dfsg-2ubuntu9.2");
    }

    @Test
    void acceptsWhatDpkgAccepts() {
        for (String v : new String[] {"0", "0:0", "1:0", "0:0-0-0", "0:0:0-0", "0:09azAZ.-+~:-0",
                "0:0-azAZ09.+~", "  0:0-1 \t", "2147483647:1"}) {
            assertTrue(dpkg.valid(v), v);
        }
    }

    @Test
    void refusesWhatDpkgRefusesOrWarnsAbout() {
        for (String v : new String[] {"", "  ", "0:", "0:0 0-1", "-1:0-1", "999999999999999999999999:0-1",
                "2147483648:1", "a:0-0", "A:0-0", "-0", "0:-0", "0:abc3-0", "0:0_-0", "0:0a-0!", "0:0-0:0",
                "0:0-0_1", "1.0-", "v1.0", null}) {
            assertFalse(dpkg.valid(v), String.valueOf(v));
        }
        assertThrows(IllegalArgumentException.class, () -> dpkg.compare("1.0", "abc"));
    }
}
