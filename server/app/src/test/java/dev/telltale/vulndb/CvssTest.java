package dev.telltale.vulndb;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** CVSS v3.1 base scores against the scores NVD publishes for these vectors. */
class CvssTest {
    @Test
    void baseScoresMatchPublishedOnes() {
        assertEquals(Optional.of(10.0), Cvss.baseScore("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"));
        assertEquals(Optional.of(9.8), Cvss.baseScore("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"));
        assertEquals(Optional.of(7.8), Cvss.baseScore("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H"));
        assertEquals(Optional.of(7.4), Cvss.baseScore("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:H"));
        assertEquals(Optional.of(7.2), Cvss.baseScore("CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H"));
        assertEquals(Optional.of(6.1), Cvss.baseScore("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"));
        assertEquals(Optional.of(6.1), Cvss.baseScore("CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N"));
        assertEquals(Optional.of(5.3), Cvss.baseScore("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L"));
        assertEquals(Optional.of(0.0), Cvss.baseScore("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N"));
        assertEquals(Optional.of(8.8), Cvss.baseScore("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H/E:P/RL:O"),
                "temporal metrics do not change the base score");
    }

    @Test
    void malformedVectorsHaveNoScore() {
        assertEquals(Optional.empty(), Cvss.baseScore("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H"));
        assertEquals(Optional.empty(), Cvss.baseScore("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"));
        assertEquals(Optional.empty(), Cvss.baseScore("CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"));
        assertEquals(Optional.empty(), Cvss.baseScore("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"));
        assertEquals(Optional.empty(), Cvss.baseScore("AV:N/AC:L/Au:N/C:P/I:P/A:P"));
    }

    @Test
    void ratingsAndSeverityWords() {
        assertEquals("CRITICAL", Cvss.rating(9.0));
        assertEquals("HIGH", Cvss.rating(8.9));
        assertEquals("MEDIUM", Cvss.rating(4.0));
        assertEquals("LOW", Cvss.rating(0.1));
        assertEquals("NONE", Cvss.rating(0));
        assertEquals(Optional.of("MEDIUM"), Cvss.normaliseSeverity("Moderate"));
        assertEquals(Optional.empty(), Cvss.normaliseSeverity("urgent-ish"));
    }

    @Test
    void packageNamesNormaliseAsPackageUrlsDo() {
        assertEquals("zope-interface", PackageNames.normalise("PyPI", "Zope.Interface"));
        assertEquals("foo-bar-baz", PackageNames.normalise("PyPI", "foo__bar-.baz"));
        assertEquals("@types/node", PackageNames.normalise("npm", "@Types/Node"));
        assertEquals("org.apache.logging.log4j:log4j-core", PackageNames.normalise("Maven", "org.apache.logging.log4j/log4j-core"));
        assertEquals("github.com/BurntSushi/toml", PackageNames.normalise("Go", "github.com/BurntSushi/toml"));
        assertEquals("22.04", PackageNames.release("Ubuntu:22.04:LTS"));
        assertEquals(true, PackageNames.sameEcosystem("Alpine:v3.17", "Alpine:3.17"));
        assertEquals(false, PackageNames.sameEcosystem("Debian:11", "Debian:12"));
    }
}
