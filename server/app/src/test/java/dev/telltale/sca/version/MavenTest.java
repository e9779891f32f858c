package dev.telltale.sca.version;

import org.apache.maven.artifact.versioning.ComparableVersion;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static dev.telltale.sca.version.Orders.assertChains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MavenTest {
    private final VersionScheme maven = VersionScheme.forEcosystem("Maven").orElseThrow();

    static final String[] CHAINS = {
        "1-alpha < 1-beta < 1-milestone < 1-rc < 1-SNAPSHOT < 1 < 1-sp",
        "1.0 == 1.0.0 == 1-0 == 1 == 1.0-0.0 == 1-ga == 1-final == 1-release == 1.RELEASE == 1GA",
        "1-cr == 1-rc == 1-RC == 1rc < 1-rc1 == 1.0-CR1 < 1-rc2",
        "1a1 == 1-alpha-1 == 1-ALPHA1 < 1b2 == 1-beta-2 < 1m3 == 1-milestone-3",
        // Maven's own ComparableVersionTest: qualifiers, then numbers
        "1-alpha2snapshot < 1-alpha2 < 1-alpha-123 < 1-beta-2 < 1-beta123 < 1-m2 < 1-m11 < 1-rc < 1-cr2"
                + " < 1-rc123 < 1-SNAPSHOT < 1 < 1-sp < 1-sp2 < 1-sp123 < 1-abc < 1-def < 1-pom-1"
                + " < 1-1-snapshot < 1-1 < 1-2 < 1-123",
        "2.0 < 2.0.a == 2.0.0.a < 2-1 < 2.0.2 < 2.0.123 < 2.1.0 < 2.1-a < 2.1b < 2.1-c < 2.1-1 < 2.1.0.1"
                + " < 2.2 < 2.123 < 11.a2 < 11.a11 < 11.b2 < 11.b11 < 11.m2 < 11.m11 < 11 < 11.a < 11b"
                + " < 11c < 11m",
        "1.0-SNAPSHOT < 1.0 < 1.0.1-SNAPSHOT < 1.0.1 < 1.1",
        "9 < 10 < 2147483647 < 2147483648 < 9223372036854775807 < 9223372036854775808 < 92233720368547758071",
        // real fixed versions from advisories
        "2.14.1 < 2.15.0-rc1 < 2.15.0-rc2 < 2.15.0 < 2.16.0 < 2.17.1",
        "5.3.17 < 5.3.18 < 5.3.20",
        "9.4.43.v20210629 < 9.4.44.v20210927 < 9.4.51.v20230217",
        "2.12.6 < 2.12.6.1 < 2.12.7 < 2.12.7.1 < 2.13.0",
        "30.1-android < 30.1-jre < 31.0.1-jre < 32.0.0-jre",
    };

    @Test
    void ordersAsComparableVersion() {
        assertChains(maven, CHAINS);
    }

    @Test
    void theChainsHoldForMavenItself() {
        VersionScheme reference = reference();
        assertChains(reference, CHAINS);
    }

    @Test
    void agreesWithMavensComparableVersionOnGeneratedVersions() {
        Random random = new Random(440_2024L);
        List<String> pieces = List.of("0", "1", "2", "10", "00", "9999999999", ".", ".", "-", "-", "alpha", "a",
                "b", "beta", "m", "milestone", "rc", "cr", "snapshot", "SNAPSHOT", "ga", "final", "release", "sp",
                "foo", "x", "RC");
        int compared = 0;
        VersionScheme reference = reference();
        for (int i = 0; i < 20_000; i++) {
            String a = Generated.join(random, pieces, 1 + random.nextInt(7));
            String b = random.nextInt(4) == 0 ? a + pieces.get(random.nextInt(pieces.size()))
                    : Generated.join(random, pieces, 1 + random.nextInt(7));
            assertEquals(reference.compare(a, b), maven.compare(a, b), a + " vs " + b);
            compared++;
        }
        assertEquals(20_000, compared);
    }

    @Test
    void agreesWithMavenOnPublishedShapes() {
        Random random = new Random(3_9_6L);
        VersionScheme reference = reference();
        for (int i = 0; i < 5_000; i++) {
            String a = Generated.mavenShaped(random);
            String b = Generated.mavenShaped(random);
            assertEquals(reference.compare(a, b), maven.compare(a, b), a + " vs " + b);
        }
    }

    @Test
    void followsMavenEvenWhereItsOrderGoesRoundInACircle() {
        // a qualifier after a dot followed by a hyphen: Maven's own order is not transitive here
        for (VersionScheme scheme : List.of(maven, reference())) {
            assertEquals(-1, scheme.compare("1-SNAPSHOT", "1"), scheme.name());
            assertEquals(-1, scheme.compare("1", "1.pre-SNAPSHOT"), scheme.name());
            assertEquals(-1, scheme.compare("1.pre-SNAPSHOT", "1-SNAPSHOT"), scheme.name());
        }
    }

    @Test
    void refusesWhatMavenRefusesInAVersion() {
        for (String v : new String[] {"1.0", "1.0-SNAPSHOT", "9.4.51.v20230217", "1_2+3~4", "-", "."}) {
            assertTrue(maven.valid(v), v);
        }
        for (String v : new String[] {"", " ", "1.0 ", "1 0", "[1.0,2.0)", "(,1.0]", "1.0/2", "1:2", "1\"", "1*",
                "1?", "é", null}) {
            assertFalse(maven.valid(v), String.valueOf(v));
        }
    }

    /** Maven's own implementation behind the same interface. */
    static VersionScheme reference() {
        return new VersionScheme() {
            @Override
            public String name() {
                return "maven-artifact";
            }

            @Override
            public boolean valid(String version) {
                return true;
            }

            @Override
            public int compare(String a, String b) {
                return Integer.signum(new ComparableVersion(a).compareTo(new ComparableVersion(b)));
            }
        };
    }
}
