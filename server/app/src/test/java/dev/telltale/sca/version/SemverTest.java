package dev.telltale.sca.version;

import org.junit.jupiter.api.Test;

import static dev.telltale.sca.version.Orders.assertChains;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SemverTest {
    private final VersionScheme npm = VersionScheme.forEcosystem("npm").orElseThrow();

    static final String[] CHAINS = {
        // semver.org, items 11.2 to 11.4
        "1.0.0 < 2.0.0 < 2.1.0 < 2.1.1",
        "1.0.0-alpha < 1.0.0-alpha.1 < 1.0.0-alpha.beta < 1.0.0-beta < 1.0.0-beta.2 < 1.0.0-beta.11"
                + " < 1.0.0-rc.1 < 1.0.0",
        // build metadata ignored, a leading v tolerated
        "1.0.0 == 1.0.0+build.1 == 1.0.0+exp.sha.5114f85 == v1.0.0 == v1.0.0+20130313144700",
        "1.0.0-1 < 1.0.0-2 < 1.0.0-10 < 1.0.0-a < 1.0.0-a-b < 1.0.0-ab < 1.0.0-b",
        "1.9.0 < 1.10.0 < 1.11.0 < 10.0.0",
        "1.0.0 < 18446744073709551616.0.0 < 18446744073709551617.0.0",
        // Go: pseudo-versions, +incompatible
        "v0.0.0-20210101000000-abcdef123456 < v0.0.0-20220101000000-abcdef123456 < v0.1.0",
        "v1.9.9 < v2.0.0+incompatible == v2.0.0 < v2.0.1",
        // real fixed versions from advisories
        "4.17.20 < 4.17.21",
        "0.21.1 < 0.21.2 < 1.6.0 < 1.6.8",
        "v0.14.0 < v0.17.0 < v0.23.0",
    };

    @Test
    void ordersAsSemver() {
        assertChains(npm, CHAINS);
        assertChains(VersionScheme.forEcosystem("Go").orElseThrow(), CHAINS);
    }

    @Test
    void refusesWhatSemverRefuses() {
        for (String v : new String[] {"0.0.0", "1.2.3-0", "1.2.3-0a", "1.0.0-x-y-z.--", "1.0.0+0.build.-1"}) {
            assertTrue(npm.valid(v), v);
        }
        for (String v : new String[] {"", "1", "1.0", "01.0.0", "1.01.0", "1.0.0-01", "1.0.0-", "1.0.0+",
                "1.0.0-alpha..1", "1.0.0+a..b", "v", "V1.0.0", " 1.0.0", "1.0.0 ", "1.0.0.0", "=1.0.0",
                "^1.0.0", "1.0.0-é", null}) {
            assertFalse(npm.valid(v), String.valueOf(v));
        }
    }
}
