package dev.telltale.vulndb;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading OSV records: scores and severities, withdrawn records, and refusals that name the field. */
class OsvParserTest {
    private static final String V4 = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N";

    static Advisory parse(String json) throws OsvParser.InvalidRecord {
        return OsvParser.parse(Fixtures.utf8(json));
    }

    @Test
    void aV4VectorIsKeptWithoutAScoreAndTheDatabaseSeverityApplies() throws Exception {
        Advisory a = parse("{\"id\":\"GHSA-aaaa-bbbb-cccc\",\"modified\":\"2025-01-01T00:00:00.123Z\",\"severity\":[{\"type\":"
                + "\"CVSS_V4\",\"score\":\"" + V4 + "\"}],\"database_specific\":{\"severity\":\"HIGH\"}}");
        assertEquals(Optional.of(V4), a.cvssVector());
        assertEquals(Optional.empty(), a.cvssScore());
        assertEquals("HIGH", a.severity());
        assertEquals(Instant.parse("2025-01-01T00:00:00.123Z"), a.modified());
    }

    @Test
    void aV3VectorIsPreferredAndItsRatingIsTheFallbackSeverity() throws Exception {
        Advisory a = parse("{\"id\":\"X-1\",\"modified\":\"2025-01-01T00:00:00+02:00\",\"severity\":[{\"type\":\"CVSS_V4\","
                + "\"score\":\"" + V4 + "\"},{\"type\":\"CVSS_V3\",\"score\":\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\"}]}");
        assertEquals(Optional.of(9.8), a.cvssScore());
        assertEquals("CRITICAL", a.severity());
        assertEquals(Instant.parse("2024-12-31T22:00:00Z"), a.modified(), "offsets are honoured");

        Advisory eco = parse("{\"id\":\"X-2\",\"modified\":\"2025-01-01T00:00:00Z\",\"affected\":[{\"package\":"
                + "{\"ecosystem\":\"Ubuntu:22.04:LTS\",\"name\":\"OpenSSL\"},\"ecosystem_specific\":{\"severity\":\"negligible\"}}]}");
        assertEquals("LOW", eco.severity());
        assertEquals("openssl", eco.affected().get(0).name());
        assertEquals("UNKNOWN", parse("{\"id\":\"X-3\",\"modified\":\"2025-01-01T00:00:00Z\"}").severity());
    }

    @Test
    void aWithdrawnRecordNeedsOnlyItsIdAndTimes() throws Exception {
        Advisory a = parse("{\"id\":\"X-4\",\"modified\":\"2025-01-01T00:00:00Z\",\"withdrawn\":\"2025-01-01T00:00:00Z\","
                + "\"affected\":\"whatever\"}");
        assertTrue(a.withdrawn());
    }

    @Test
    void malformedRecordsAreRefusedNamingTheField() {
        for (String[] bad : new String[][]{
                {"[]", "not a JSON object"},
                {"{\"modified\":\"2025-01-01T00:00:00Z\"}", "'id' is required"},
                {"{\"id\":\"../x\",\"modified\":\"2025-01-01T00:00:00Z\"}", "'id' is not an advisory id"},
                {"{\"id\":\"X\"}", "'modified' is required"},
                {"{\"id\":\"X\",\"modified\":\"2025-01-01T00:00:00Z\",\"aliases\":[1]}", "'aliases'"},
                {"{\"id\":\"X\",\"modified\":\"2025-01-01T00:00:00Z\",\"affected\":[{\"package\":{\"name\":\"a\"}}]}",
                        "'affected[0].package.ecosystem' is required"},
                {"{\"id\":\"X\",\"modified\":\"2025-01-01T00:00:00Z\",\"affected\":[{\"package\":{\"ecosystem\":\"npm\","
                        + "\"name\":\"a\"},\"ranges\":[{\"type\":\"RANGE\",\"events\":[{\"introduced\":\"0\"}]}]}]}",
                        "'affected[0].ranges[0].type' must be ECOSYSTEM, SEMVER or GIT"},
                {"{\"id\":\"X\",\"modified\":\"2025-01-01T00:00:00Z\",\"affected\":[{\"package\":{\"ecosystem\":\"npm\","
                        + "\"name\":\"a\"},\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\",\"fixed\":\"1\"}]}]}]}",
                        "'affected[0].ranges[0].events[0]' must hold exactly one"},
                {"{\"id\":\"X\",\"modified\":\"2025-01-01T00:00:00Z\",\"affected\":[{\"package\":{\"ecosystem\":\"npm\","
                        + "\"name\":\"a\"},\"ranges\":[{\"type\":\"SEMVER\",\"events\":[]}]}]}",
                        "'affected[0].ranges[0].events' must be a non-empty array"}}) {
            OsvParser.InvalidRecord e = assertThrows(OsvParser.InvalidRecord.class, () -> parse(bad[0]), bad[0]);
            assertTrue(e.getMessage().contains(bad[1]), bad[0] + " → " + e.getMessage());
        }
    }

    @Test
    void realRecordsParse() throws Exception {
        for (String id : Fixtures.ALL) {
            Advisory a = OsvParser.parse(Fixtures.record(id));
            assertEquals(id, a.id());
            assertTrue(!a.affected().isEmpty() && !a.summary().isEmpty(), id);
        }
        assertEquals(List.of("CVE-2023-32681", "PYSEC-2023-74"), OsvParser.parse(Fixtures.record("GHSA-j8r2-6x86-q33q")).aliases());
    }
}
