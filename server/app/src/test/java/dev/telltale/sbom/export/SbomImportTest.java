package dev.telltale.sbom.export;

import org.cyclonedx.Version;
import org.cyclonedx.model.Bom;
import org.cyclonedx.model.Component;
import org.cyclonedx.parsers.JsonParser;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CycloneDX SBOMs from CI scanners: read with the official library, merged with what ran. */
class SbomImportTest {

    static byte[] syft() throws Exception {
        try (InputStream in = SbomImportTest.class.getResourceAsStream("/sbom/shop-syft.cdx.json")) {
            return in.readAllBytes();
        }
    }

    @Test
    void aSyftSbomOfASpringBootFatJarIsReadWithItsToolAndComponents() throws Exception {
        Imported.Bom bom = CycloneDxReader.read(syft());
        assertEquals("syft 1.18.1", bom.tool());
        assertEquals("1.5", bom.specVersion());
        assertEquals("cyclonedx-json", bom.format());
        assertEquals(10, bom.components().size());
        Imported logback = bom.components().stream().filter(c -> c.name().equals("logback-classic")).findFirst()
                .orElseThrow();
        assertEquals(List.of("Eclipse Public License - v 1.0", "GNU Lesser General Public License"), logback.licences());
        assertEquals("ch.qos.logback", logback.group().orElseThrow());
        assertEquals(40, logback.hashes().get("SHA-1").length());
    }

    @Test
    void importedComponentsMergeWithRuntimeOnesAndTheRestAreMarkedAsNotLoaded() throws Exception {
        Imported.Bom ci = CycloneDxReader.read(syft());
        byte[] json = DefaultSbom.render(SbomExportTest.INV, ci.components(), Sbom.Format.CYCLONEDX_JSON,
                SampleInventory.T1, "0.1.0").body();
        JsonParser parser = new JsonParser();
        assertEquals(List.of(), parser.validate(json, Version.VERSION_16));
        Bom bom = parser.parse(json);
        assertEquals(1, bom.getComponents().stream().filter(c -> c.getName().equals("spring-core")).count(),
                "the jar the agent saw and the one the scanner listed are one component");
        Component spring = SbomExportTest.component(bom, "spring-core");
        assertEquals("runtime,import", SbomExportTest.prop(spring, "telltale:source"));
        assertEquals("true", SbomExportTest.prop(spring, "telltale:loaded"), "runtime facts kept");
        assertEquals("2026-11-26T09:30:00Z", SbomExportTest.prop(spring, "telltale:lastLoaded"));
        assertEquals("Apache-2.0", spring.getLicenses().getLicenses().get(0).getId(), "the scanner's licence gained");
        Map<String, String> hashes = new java.util.TreeMap<>();
        spring.getHashes().forEach(h -> hashes.put(h.getAlgorithm(), h.getValue()));
        assertEquals(List.of("SHA-1", "SHA-256"), List.copyOf(hashes.keySet()), "both hashes: " + hashes);
        Component web = SbomExportTest.component(bom, "spring-web");
        assertEquals("import", SbomExportTest.prop(web, "telltale:source"));
        assertEquals("false", SbomExportTest.prop(web, "telltale:loaded"));
        Component logback = SbomExportTest.component(bom, "logback-classic");
        assertEquals("Eclipse Public License - v 1.0", logback.getLicenses().getLicenses().get(0).getName(),
                "a licence known only by name stays a name");
        assertEquals(4 + 1 + 9, bom.getComponents().size(), "runtime packages, the OS, and nine imported-only jars");
        SbomExportTest.assertDynamicSection(bom);
    }

    @Test
    void matchingIgnoresPurlQualifiersAndFallsBackToNameAndVersion() {
        // Named differently and with '+' unencoded: only the purl, compared without qualifiers, can match it.
        Imported libc = new Imported("library", java.util.Optional.of("pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64"),
                java.util.Optional.empty(), "glibc-runtime", java.util.Optional.of("2.36-9+deb12u4"), List.of("GPL-2.0-or-later"),
                Map.of("MD5", "0123456789abcdef0123456789abcdef"));
        Imported zlib = new Imported("library", java.util.Optional.empty(), java.util.Optional.empty(), "zlib1g",
                java.util.Optional.of("1:1.2.13.dfsg-1"), List.of(), Map.of());
        List<Entry> merged = Merge.entries(SbomExportTest.INV, List.of(libc, zlib));
        assertEquals(5, merged.size(), "nothing added: both matched");
        Entry e = merged.stream().filter(x -> x.name().equals("libc6")).findFirst().orElseThrow();
        assertEquals(List.of("LGPL-2.1-or-later", "GPL-2.0-or-later"), e.licences());
        assertEquals("0123456789abcdef0123456789abcdef", e.hashes().get("MD5"));
        assertTrue(e.loaded());
    }

    @Test
    void oddLicencesAndMalformedHashesFromAScannerStillExportValidDocuments() throws Exception {
        Imported odd = new Imported("library", java.util.Optional.of("pkg:npm/%40acme/widget@0.0.1"),
                java.util.Optional.of("@acme"), "widget", java.util.Optional.of("0.0.1"),
                List.of("mit", "MIT OR Apache-2.0", "Acme Proprietary Licence 2"),
                Map.of("SHA-256", "not-hex", "SHA-1", "da39a3ee5e6b4b0d3255bfef95601890afd80709"));
        Imported noPurl = new Imported("library", java.util.Optional.of("widget 0.0.2 from a tarball"),
                java.util.Optional.empty(), "widget (vendored) ü", java.util.Optional.of("0.0.2 beta"), List.of(), Map.of());
        for (Sbom.Format f : Sbom.Format.values()) {
            byte[] out = DefaultSbom.render(SbomExportTest.INV, List.of(odd, noPurl), f, SampleInventory.T1, "0.1.0")
                    .body();
            if (f == Sbom.Format.CYCLONEDX_JSON) {
                assertEquals(List.of(), new JsonParser().validate(out, Version.VERSION_16));
                Component w = SbomExportTest.component(new JsonParser().parse(out), "widget");
                assertEquals("MIT", w.getLicenses().getLicenses().get(0).getId(), "an id in any case is an id");
                assertEquals(1, w.getHashes().size(), "the malformed hash is left out");
            } else if (f == Sbom.Format.CYCLONEDX_XML) {
                assertEquals(List.of(), new org.cyclonedx.parsers.XmlParser().validate(out, Version.VERSION_16));
            } else {
                var doc = (org.spdx.library.model.v2.SpdxDocument) new org.spdx.jacksonstore.MultiFormatStore(
                        new org.spdx.storage.simple.InMemSpdxStore(), org.spdx.jacksonstore.MultiFormatStore.Format.JSON)
                        .deSerialize(new java.io.ByteArrayInputStream(out), false);
                assertEquals(List.of(), doc.verify());
            }
        }
    }

    @Test
    void documentsThatAreNotValidCycloneDxAreRefusedWithAReason() {
        assertRefused("", "empty");
        assertRefused("name,version\nlibc6,2.36", "expected JSON");
        assertRefused("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":[{\"type\":\"banana\","
                + "\"name\":\"x\"}]}", "does not validate against the CycloneDX schema");
        assertRefused("{\"spdxVersion\":\"SPDX-2.3\",\"name\":\"not cyclonedx\"}", "CycloneDX");
        assertRefused("<?xml version=\"1.0\"?><!DOCTYPE bom [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\"><components><component type=\"library\">"
                + "<name>&x;</name></component></components></bom>", "DOCTYPE");
        assertRefused("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":[{\"type\":\"library\","
                + "\"name\":\"" + "x".repeat(600) + "\"}]}", "longer than 500");
        byte[] big = new byte[Sbom.MAX_IMPORT_BYTES + 1];
        java.util.Arrays.fill(big, (byte) ' ');
        big[0] = '{';
        var e = assertThrows(Sbom.InvalidSbomException.class, () -> CycloneDxReader.read(big));
        assertTrue(e.getMessage().contains("at most"), e.getMessage());
    }

    static void assertRefused(String doc, String reason) {
        var e = assertThrows(Sbom.InvalidSbomException.class,
                () -> CycloneDxReader.read(doc.getBytes(StandardCharsets.UTF_8)), doc);
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }
}
