package dev.telltale.vulndb;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Imports of real OSV records into real Derby: zips, directories, limits, incremental updates. */
class VulnDbImportTest {
    @TempDir
    Path data;

    static VulnDbConfig small() {
        return new VulnDbConfig(1 << 20, 50, 4 << 20, 64 * 1024, Optional.empty(), 2);
    }

    @Test
    void aZipOfRealAdvisoriesImportsAndReportsBadEntriesWithoutFailing() {
        Map<String, byte[]> entries = new LinkedHashMap<>(Fixtures.all());
        entries.put("osv/README.txt", Fixtures.utf8("not a record"));
        entries.put("osv/broken.json", Fixtures.utf8("{\"id\": \"GHSA-broken\", \"modified\": \"yesterday\"}"));
        entries.put("osv/no-name.json", Fixtures.utf8("{\"id\":\"PYSEC-1\",\"modified\":\"2024-01-01T00:00:00Z\","
                + "\"affected\":[{\"package\":{\"ecosystem\":\"PyPI\"}}]}"));
        entries.put("../../etc/cron.d/evil.json", Fixtures.utf8("{}"));
        try (VulnDbHarness h = new VulnDbHarness(data, small())) {
            ImportJob job = h.importZip(Fixtures.zip(entries));

            assertEquals(ImportJob.State.SUCCEEDED, job.state(), job.toString());
            assertEquals(10, job.total(), "8 fixtures and 2 malformed records; the text file is not a record");
            assertEquals(10, job.processed());
            assertEquals(8, job.imported());
            assertEquals(3, job.invalid(), "2 malformed records and the zip-slip entry");
            assertTrue(has(job, "osv/broken.json (GHSA-broken)", "'modified' is not an RFC 3339 time"), job.toString());
            assertTrue(has(job, "osv/no-name.json (PYSEC-1)", "'affected[0].package.name' is required"), job.toString());
            assertTrue(has(job, "../../etc/cron.d/evil.json", "unsafe entry name"), job.toString());

            VulnDbStatus s = h.vulnDb.status();
            assertEquals(8, s.advisories());
            assertEquals(Map.of("Maven", 2L, "PyPI", 1L, "npm", 1L, "Go", 1L, "Debian", 2L, "Alpine", 1L), s.perEcosystem());
            assertEquals(Optional.of(Instant.parse("2024-06-01T00:00:00Z")), s.newestModified());
            assertEquals(job.finished(), s.lastImport());
            assertEquals(job.id(), s.latestJob().orElseThrow().id());
            assertEquals(job.invalidSamples(), h.vulnDb.job(job.id()).orElseThrow().invalidSamples(), "kept in Derby");
        }
    }

    private static boolean has(ImportJob job, String record, String reason) {
        return job.invalidSamples().stream().anyMatch(i -> i.record().equals(record) && i.reason().contains(reason));
    }

    @Test
    void reimportSkipsUnchangedAppliesNewerAndRemovesWithdrawn() {
        try (VulnDbHarness h = new VulnDbHarness(data, small())) {
            h.importZip(Fixtures.zip(Fixtures.all()));
            assertEquals(List.of("GHSA-j8r2-6x86-q33q"), h.ids("PyPI", "requests", "2.30.0"));

            Map<String, byte[]> next = new LinkedHashMap<>(Fixtures.all());
            // The requests advisory revised later (a made-up revision: the fix moves to 2.32.0) ...
            next.put("osv/GHSA-j8r2-6x86-q33q.json", Fixtures.utf8(Fixtures.text("GHSA-j8r2-6x86-q33q")
                    .replace("2024-01-10T12:00:00Z", "2025-01-10T12:00:00Z").replace("\"2.31.0\"", "\"2.32.0\"")));
            // ... a changed record whose modified did not move is not applied ...
            next.put("osv/GHSA-35jh-r3h4-6jhm.json", Fixtures.utf8(Fixtures.text("GHSA-35jh-r3h4-6jhm")
                    .replace("\"4.17.21\"", "\"9.9.9\"")));
            // ... and the Spring advisory withdrawn.
            next.put("osv/GHSA-36p3-wjmg-h94x.json", Fixtures.utf8(Fixtures.text("GHSA-36p3-wjmg-h94x")
                    .replace("\"modified\": \"2024-02-20T09:30:00Z\"",
                            "\"modified\": \"2025-02-01T00:00:00Z\", \"withdrawn\": \"2025-02-01T00:00:00Z\"")));
            ImportJob job = h.importZip(Fixtures.zip(next));

            assertEquals(ImportJob.State.SUCCEEDED, job.state(), job.toString());
            assertEquals(1, job.imported());
            assertEquals(1, job.removed());
            assertEquals(6, job.skipped());
            assertEquals(List.of("GHSA-j8r2-6x86-q33q"), h.ids("PyPI", "requests", "2.31.0"), "the newer revision applies");
            assertEquals(List.of("2.32.0"), h.match("PyPI", "requests", "2.31.0").get(0).fixedVersions());
            assertEquals(List.of(), h.ids("npm", "lodash", "4.17.21"), "the unchanged-modified edit was skipped");
            assertEquals(List.of(), h.ids("Maven", "org.springframework:spring-beans", "5.3.17"), "withdrawn");
            assertEquals(7, h.vulnDb.status().advisories());
            assertEquals(Optional.of(Instant.parse("2025-01-10T12:00:00Z")), h.vulnDb.status().newestModified());

            h.reopen(small());
            assertEquals(7, h.vulnDb.status().advisories(), "the index is rebuilt from Derby at start");
            VulnMatch log4j = h.match("Maven", "org.apache.logging.log4j:log4j-core", "2.14.1").get(0);
            assertEquals(Optional.of(10.0), log4j.cvssScore());
            assertEquals(List.of("CVE-2021-44228"), log4j.aliases());
        }
    }

    @Test
    void aDirectoryIsImportedAtStartAndOnDemand() throws Exception {
        Path dir = Files.createDirectories(data.resolve("osv-export/nested"));
        for (String id : Fixtures.ALL) {
            Files.write(dir.resolve(id + ".json"), Fixtures.record(id));
        }
        Files.writeString(dir.resolve("notes.txt"), "ignored");
        Files.writeString(dir.getParent().resolve("bad.json"), "[1, 2");
        VulnDbConfig config = small().withImportDir(dir.getParent());
        try (VulnDbHarness h = new VulnDbHarness(data.resolve("appliance"), config)) {
            ImportJob first = h.await(h.vulnDb.status().latestJob().orElseThrow().id());
            assertEquals("directory", first.source());
            assertEquals(ImportJob.State.SUCCEEDED, first.state(), first.toString());
            assertEquals(9, first.total());
            assertEquals(8, first.imported());
            assertEquals(List.of(new ImportJob.Invalid("bad.json", first.invalidSamples().get(0).reason())),
                    first.invalidSamples());
            assertTrue(first.invalidSamples().get(0).reason().startsWith("malformed JSON"));

            ImportJob again = h.await(h.vulnDb.importDirectory("admin").id());
            assertEquals(8, again.skipped(), "nothing changed");
            assertEquals(0, again.imported());
            assertEquals(8, h.vulnDb.status().advisories());
        }
    }

    @Test
    void aDirectoryImportWithoutADirectoryIsRefused() {
        try (VulnDbHarness h = new VulnDbHarness(data, small())) {
            VulnDbException e = assertThrows(VulnDbException.class, () -> h.vulnDb.importDirectory("admin"));
            assertEquals(VulnDbException.Kind.NOT_CONFIGURED, e.kind());
        }
    }

    @Test
    void archivesBeyondTheLimitsAreRefusedWholeAndNothingIsImported() {
        try (VulnDbHarness h = new VulnDbHarness(data, small())) {
            VulnDbException big = assertThrows(VulnDbException.class,
                    () -> h.vulnDb.importArchive(new ByteArrayInputStream(new byte[(1 << 20) + 1]), "admin"));
            assertEquals(VulnDbException.Kind.TOO_LARGE, big.kind());
            VulnDbException notZip = assertThrows(VulnDbException.class,
                    () -> h.vulnDb.importArchive(new ByteArrayInputStream(Fixtures.record("GO-2023-2102")), "admin"));
            assertEquals(VulnDbException.Kind.NOT_ZIP, notZip.kind());

            // A bomb: 1 MiB compresses to about a kilobyte; eight of them inflate past the 4 MiB limit.
            Map<String, byte[]> bomb = new LinkedHashMap<>(Fixtures.all());
            for (int i = 0; i < 8; i++) {
                bomb.put("zeros-" + i + ".json", new byte[1 << 20]);
            }
            byte[] zip = Fixtures.zip(bomb);
            assertTrue(zip.length < 64 * 1024, "compressed: " + zip.length);
            ImportJob job = h.importZip(zip);
            assertEquals(ImportJob.State.FAILED, job.state());
            assertTrue(job.error().orElseThrow().contains("max-uncompressed-bytes"), job.toString());

            Map<String, byte[]> many = new LinkedHashMap<>(Fixtures.all());
            for (int i = 0; i < 50; i++) {
                many.put("empty-" + i + ".txt", new byte[0]);
            }
            ImportJob tooMany = h.importZip(Fixtures.zip(many));
            assertEquals(ImportJob.State.FAILED, tooMany.state());
            assertTrue(tooMany.error().orElseThrow().contains("max-entries"), tooMany.toString());

            Map<String, byte[]> oneHuge = new LinkedHashMap<>();
            oneHuge.put("huge.json", new byte[100 * 1024]);
            oneHuge.put("GO-2023-2102.json", Fixtures.record("GO-2023-2102"));
            ImportJob partly = h.importZip(Fixtures.zip(oneHuge));
            assertEquals(ImportJob.State.SUCCEEDED, partly.state());
            assertEquals(1, partly.imported());
            assertTrue(has(partly, "huge.json", "max-record-bytes"), partly.toString());

            assertEquals(1, h.vulnDb.status().advisories(), "only the last archive's valid record");
            assertEquals(List.of(), listSpool(h), "uploads are deleted once imported");
        }
    }

    private static List<Path> listSpool(VulnDbHarness h) {
        try (var s = Files.list(h.data.resolve("vulndb/uploads"))) {
            return s.toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
