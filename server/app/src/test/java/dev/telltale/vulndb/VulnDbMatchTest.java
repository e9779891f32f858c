package dev.telltale.vulndb;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Matching after a real import: the real advisories against the versions their texts name, and
 * the OSV schema's range semantics on small synthetic records (package names under the
 * {@code example} ecosystem, so nobody mistakes them for real advisories).
 */
class VulnDbMatchTest {
    @TempDir
    static Path data;
    static VulnDbHarness h;

    @BeforeAll
    static void importFixtures() {
        h = new VulnDbHarness(data, VulnDbImportTest.small());
        Map<String, byte[]> entries = new LinkedHashMap<>(Fixtures.all());
        synthetic(entries);
        ImportJob job = h.importZip(Fixtures.zip(entries));
        assertEquals(0, job.invalid(), job.toString());
    }

    @AfterAll
    static void close() {
        h.close();
    }

    @Test
    void log4ShellAffectsTheLog4j2LinesUntilEachFix() {
        String log4j = "org.apache.logging.log4j:log4j-core";
        for (String v : List.of("2.0-beta9", "2.3", "2.11.1", "2.12.1", "2.13.0", "2.14.1")) {
            assertEquals(List.of("GHSA-jfh8-c2jp-5v3q"), h.ids("Maven", log4j, v), v);
        }
        for (String v : List.of("1.2.17", "2.3.1", "2.12.2", "2.15.0", "2.17.1")) {
            assertEquals(List.of(), h.ids("Maven", log4j, v), v);
        }
        VulnMatch m = h.match("Maven", log4j, "2.14.1").get(0);
        assertEquals(List.of("CVE-2021-44228"), m.cves());
        assertEquals(Optional.of(10.0), m.cvssScore());
        assertEquals(Optional.of("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"), m.cvssVector());
        assertEquals("CRITICAL", m.severity());
        assertEquals(List.of("2.15.0", "2.12.2", "2.3.1"), m.fixedVersions());
        assertEquals("Remote code injection in Log4j", m.summary());
    }

    @Test
    void spring4ShellAffectsSpringBeansBefore5_3_18And5_2_20() {
        String beans = "org.springframework:spring-beans";
        assertEquals(List.of("GHSA-36p3-wjmg-h94x"), h.ids("Maven", beans, "5.3.17"));
        assertEquals(List.of("GHSA-36p3-wjmg-h94x"), h.ids("Maven", beans, "5.2.19.RELEASE"));
        assertEquals(List.of(), h.ids("Maven", beans, "5.3.18"));
        assertEquals(List.of(), h.ids("Maven", beans, "5.2.20.RELEASE"));
        assertEquals(List.of(), h.ids("Maven", "org.springframework:spring-core", "5.3.17"), "not listed by the advisory");
        VulnMatch m = h.match("Maven", beans, "5.3.17").get(0);
        assertEquals(Optional.of(9.8), m.cvssScore());
        assertEquals(List.of("5.2.20.RELEASE", "5.3.18"), m.fixedVersions());
    }

    @Test
    void pypiNpmAndGoPackagesMatchByTheirNormalisedNames() {
        assertEquals(List.of("GHSA-j8r2-6x86-q33q"), h.ids("PyPI", "Requests", "2.30.0"), "PEP 503 names");
        assertEquals(List.of(), h.ids("PyPI", "requests", "2.31.0"));
        assertEquals(List.of(), h.ids("PyPI", "requests", "2.2.1"), "before introduced");
        VulnMatch requests = h.match("PyPI", "requests", "2.30.0").get(0);
        assertEquals(Optional.of(6.1), requests.cvssScore());
        assertEquals("MEDIUM", requests.severity(), "GitHub's MODERATE");

        assertEquals(List.of("GHSA-35jh-r3h4-6jhm"), h.ids("npm", "lodash", "4.17.20"));
        assertEquals(List.of(), h.ids("npm", "lodash", "4.17.21"));
        assertEquals(Optional.of(7.2), h.match("npm", "lodash", "4.17.20").get(0).cvssScore());
        assertEquals(List.of("GHSA-35jh-r3h4-6jhm"), h.ids("npm", "lodash.template", "4.5.0"), "last_affected is affected");
        assertEquals(List.of(), h.ids("npm", "lodash.template", "4.5.1"));
        assertEquals(List.of(), h.match("npm", "lodash.template", "4.5.0").get(0).fixedVersions(), "no fix known");

        assertEquals(List.of("GO-2023-2102"), h.ids("Go", "golang.org/x/net", "v0.16.0"));
        assertEquals(List.of(), h.ids("Go", "golang.org/x/net", "v0.17.0"));
        assertEquals(List.of("GO-2023-2102"), h.ids("Go", "stdlib", "1.21.1"), "second introduced/fixed pair");
        assertEquals(List.of(), h.ids("Go", "stdlib", "1.20.10"));
        assertEquals(List.of(), h.ids("Go", "stdlib", "1.21.3"));
        assertEquals(List.of("CVE-2023-39325"), h.match("Go", "stdlib", "1.21.1").get(0).cves());
    }

    @Test
    void distributionAdvisoriesMatchTheirReleaseOnly() {
        assertEquals(List.of("DSA-5343-1"), h.ids("Debian:11", "openssl", "1.1.1n-0+deb11u3"));
        assertEquals(List.of("DSA-5139-1", "DSA-5343-1"), h.ids("Debian:11", "openssl", "1.1.1n-0+deb11u1"));
        assertEquals(List.of(), h.ids("Debian:11", "openssl", "1.1.1n-0+deb11u4"));
        assertEquals(List.of("DSA-5139-1"), h.ids("Debian:10", "openssl", "1.1.1n-0+deb10u1"), "DSA-5343-1 is for 11");
        assertEquals(List.of("DSA-5139-1", "DSA-5343-1"), h.ids("Debian", "openssl", "1.1.1n-0+deb11u1"),
                "a release-less ecosystem matches every release");
        VulnMatch dsa = h.match("Debian:11", "openssl", "1.1.1n-0+deb11u3").get(0);
        assertEquals(List.of("CVE-2022-4304", "CVE-2022-4450", "CVE-2023-0215", "CVE-2023-0286"), dsa.cves());
        assertEquals("UNKNOWN", dsa.severity());
        assertEquals(Optional.empty(), dsa.cvssScore());

        assertEquals(List.of("ALPINE-CVE-2023-0286"), h.ids("Alpine:v3.17", "openssl", "3.0.7-r2"));
        assertEquals(List.of(), h.ids("Alpine:v3.17", "openssl", "3.0.8-r0"));
        assertEquals(List.of("ALPINE-CVE-2023-0286"), h.ids("Alpine:v3.16", "openssl", "1.1.1s-r0"));
        VulnMatch alpine = h.match("Alpine:v3.17", "openssl", "3.0.7-r2").get(0);
        assertEquals(Optional.of(7.4), alpine.cvssScore());
        assertEquals("HIGH", alpine.severity());
        assertEquals(List.of("3.0.8-r0"), alpine.fixedVersions());
    }

    @Test
    void unknownEcosystemsAndUnreadableVersionsAreReportedNotEvaluated() {
        PackageQuery crate = new PackageQuery("crates.io", "openssl", "0.10.55");
        PackageQuery odd = new PackageQuery("npm", "lodash", "latest");
        PackageQuery fine = new PackageQuery("npm", "lodash", "4.17.20");
        MatchResult r = h.vulnDb.match(List.of(crate, odd, fine));
        assertEquals(1, r.matches().size());
        assertEquals(fine, r.matches().get(0).query());
        assertEquals(List.of(crate, odd), r.notEvaluated().stream().map(MatchResult.NotEvaluated::query).toList());
        assertTrue(r.notEvaluated().get(0).reason().contains("no version order for ecosystem 'crates.io'"));
        assertTrue(r.notEvaluated().get(1).reason().contains("'latest' is not a test-loose version"));
    }

    @Test
    void rangeSemanticsFollowTheOsvSchema() {
        // introduced/fixed pairs in one range, sorted by version regardless of their order in the record
        assertEquals(List.of(), h.ids("example", "pairs", "0.9"));
        assertEquals(List.of("EX-PAIRS"), h.ids("example", "pairs", "1.0"));
        assertEquals(List.of("EX-PAIRS"), h.ids("example", "pairs", "1.4.9"));
        assertEquals(List.of(), h.ids("example", "pairs", "1.5"));
        assertEquals(List.of(), h.ids("example", "pairs", "1.9"));
        assertEquals(List.of("EX-PAIRS"), h.ids("example", "pairs", "2.0"));
        assertEquals(List.of(), h.ids("example", "pairs", "2.1"));
        // introduced "0" without a fix: every version
        assertEquals(List.of("EX-ALWAYS"), h.ids("example", "always", "0.0.1"));
        assertEquals(List.of("EX-ALWAYS"), h.ids("example", "always", "99"));
        // last_affected is inclusive
        assertEquals(List.of("EX-LAST"), h.ids("example", "last", "3.2"));
        assertEquals(List.of(), h.ids("example", "last", "3.2.1"));
        // limit caps the range: at or above it nothing is affected
        assertEquals(List.of("EX-LIMIT"), h.ids("example", "limited", "4.9"));
        assertEquals(List.of(), h.ids("example", "limited", "5.0"));
        // explicit versions without ranges
        assertEquals(List.of("EX-LISTED"), h.ids("example", "listed", "7.1"));
        assertEquals(List.of(), h.ids("example", "listed", "7.2"));
        // two ranges: either one affects
        assertEquals(List.of("EX-TWO"), h.ids("example", "two", "1.1"));
        assertEquals(List.of("EX-TWO"), h.ids("example", "two", "3.1"));
        assertEquals(List.of(), h.ids("example", "two", "2.5"));
        // GIT ranges are ignored, with a note; the record's ECOSYSTEM range still applies
        MatchResult git = h.vulnDb.match(List.of(new PackageQuery("example", "gitonly", "1.0")));
        assertEquals(List.of(), git.matches());
        assertTrue(git.notes().stream().anyMatch(n -> n.startsWith("EX-GIT: GIT ranges ignored")), git.notes().toString());
        assertEquals(List.of("EX-GIT"), h.ids("example", "gitonly", "8.0"));
    }

    private static void synthetic(Map<String, byte[]> entries) {
        add(entries, "EX-PAIRS", "pairs", "[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"2.0\"},{\"fixed\":\"1.5\"},"
                + "{\"introduced\":\"1.0\"},{\"fixed\":\"2.1\"}]}]", "");
        add(entries, "EX-ALWAYS", "always", "[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"}]}]", "");
        add(entries, "EX-LAST", "last", "[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"3.0\"},"
                + "{\"last_affected\":\"3.2\"}]}]", "");
        add(entries, "EX-LIMIT", "limited", "[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},"
                + "{\"limit\":\"5.0\"}]}]", "");
        add(entries, "EX-LISTED", "listed", "[]", ",\"versions\":[\"7.0\",\"7.1\"]");
        add(entries, "EX-TWO", "two", "[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"1.0\"},{\"fixed\":\"2.0\"}]},"
                + "{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"3.0\"},{\"fixed\":\"4.0\"}]}]", "");
        add(entries, "EX-GIT", "gitonly", "[{\"type\":\"GIT\",\"repo\":\"https://example.org/gitonly.git\","
                + "\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"0123456789abcdef0123456789abcdef01234567\"}]},"
                + "{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"8.0\"},{\"fixed\":\"8.1\"}]}]", "");
    }

    private static void add(Map<String, byte[]> entries, String id, String name, String ranges, String extra) {
        entries.put("synthetic/" + id + ".json", Fixtures.utf8("{\"id\":\"" + id + "\",\"modified\":\"2024-01-01T00:00:00Z\","
                + "\"summary\":\"synthetic\",\"affected\":[{\"package\":{\"ecosystem\":\"example\",\"name\":\"" + name + "\"},"
                + "\"ranges\":" + ranges + extra + "}]}"));
    }
}
