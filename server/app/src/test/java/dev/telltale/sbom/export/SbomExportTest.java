package dev.telltale.sbom.export;

import dev.telltale.sbom.Inventory;
import org.cyclonedx.Version;
import org.cyclonedx.model.Bom;
import org.cyclonedx.model.Component;
import org.cyclonedx.model.Property;
import org.cyclonedx.parsers.JsonParser;
import org.cyclonedx.parsers.XmlParser;
import org.junit.jupiter.api.Test;
import org.spdx.jacksonstore.MultiFormatStore;
import org.spdx.library.model.v2.Relationship;
import org.spdx.library.model.v2.SpdxDocument;
import org.spdx.library.model.v2.SpdxElement;
import org.spdx.library.model.v2.SpdxPackage;
import org.spdx.library.model.v2.enumerations.RelationshipType;
import org.spdx.storage.simple.InMemSpdxStore;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exports of a component version's inventory in every format, checked with the official
 * libraries: CycloneDX against the 1.6 schema, SPDX by the SPDX library's own verification.
 */
class SbomExportTest {
    static final Inventory.VersionRef REF = new Inventory.VersionRef(1, "shop", "checkout", "1.4.2");
    static final Inventory.VersionInventory INV = SampleInventory.shop(REF);

    static byte[] export(Sbom.Format f, List<Imported> imported) {
        return DefaultSbom.render(INV, imported, f, SampleInventory.T1, "0.1.0").body();
    }

    @Test
    void cycloneDxJsonIsValidVersion16WithPackagesAndTheirRuntimeFacts() throws Exception {
        byte[] json = export(Sbom.Format.CYCLONEDX_JSON, List.of());
        JsonParser parser = new JsonParser();
        assertEquals(List.of(), parser.validate(json, Version.VERSION_16), new String(json, StandardCharsets.UTF_8));
        Bom bom = parser.parse(json);
        assertEquals("1.6", bom.getSpecVersion());
        assertEquals("Telltale", bom.getMetadata().getToolChoice().getComponents().get(0).getName());
        assertEquals("checkout", bom.getMetadata().getComponent().getName());
        assertEquals("1.4.2", bom.getMetadata().getComponent().getVersion());
        assertEquals(Component.Type.APPLICATION, bom.getMetadata().getComponent().getType());
        assertRuntimeComponents(bom);
        assertDynamicSection(bom);
    }

    @Test
    void cycloneDxXmlIsValidVersion16WithTheSameContent() throws Exception {
        byte[] xml = export(Sbom.Format.CYCLONEDX_XML, List.of());
        XmlParser parser = new XmlParser();
        assertEquals(List.of(), parser.validate(xml, Version.VERSION_16), new String(xml, StandardCharsets.UTF_8));
        Bom bom = parser.parse(xml);
        assertRuntimeComponents(bom);
        assertDynamicSection(bom);
    }

    static void assertRuntimeComponents(Bom bom) {
        Component libc = component(bom, "libc6");
        assertEquals("pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12", libc.getPurl());
        assertEquals("2.36-9+deb12u4", libc.getVersion());
        assertEquals(Component.Type.LIBRARY, libc.getType());
        assertEquals("LGPL-2.1-or-later", libc.getLicenses().getLicenses().get(0).getId(), "an SPDX id is an id");
        assertEquals("SHA-256", libc.getHashes().get(0).getAlgorithm());
        assertEquals("true", prop(libc, "telltale:loaded"));
        assertEquals("2026-11-20T08:00:00Z", prop(libc, "telltale:firstLoaded"));
        assertEquals("2026-11-26T09:30:00Z", prop(libc, "telltale:lastLoaded"));
        assertEquals("/usr/lib/jvm/java-17-openjdk-amd64/bin/java", prop(libc, "telltale:loadedBy"));
        assertEquals(List.of("/usr/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libm.so.6"),
                props(libc, "telltale:files"));
        assertEquals("false", prop(component(bom, "zlib1g"), "telltale:loaded"), "installed but never loaded");
        Component spring = component(bom, "spring-core");
        assertEquals("org.springframework", spring.getGroup());
        assertEquals("pkg:maven/org.springframework/spring-core@5.3.17", spring.getPurl());
        Component os = component(bom, "debian");
        assertEquals(Component.Type.OPERATING_SYSTEM, os.getType());
        assertEquals("12", os.getVersion());
        var osDeps = bom.getDependencies().stream().filter(d -> d.getRef().equals(os.getBomRef())).findFirst().orElseThrow();
        assertEquals(3, osDeps.getDependencies().size(), "the OS contains its three packages");
    }

    static void assertDynamicSection(Bom bom) {
        assertEquals(1, bom.getServices().size());
        assertEquals(List.of("tcp://0.0.0.0:8080"), bom.getServices().get(0).getEndpoints());
        List<String> bomProps = bom.getMetadata().getProperties().stream().map(p -> p.getName() + "=" + p.getValue()).toList();
        assertTrue(bomProps.stream().anyMatch(p -> p.startsWith(
                "telltale:process=/usr/lib/jvm/java-17-openjdk-amd64/bin/java; count=3")), bomProps.toString());
        assertTrue(bomProps.stream().anyMatch(p -> p.startsWith("telltale:connection=db.internal:5432; count=1288")),
                bomProps.toString());
    }

    @Test
    void spdxJsonIsVerifiedByTheSpdxLibraryWithPackagesRelationshipsAndRuntimeAnnotations() throws Exception {
        byte[] json = export(Sbom.Format.SPDX_JSON, List.of());
        String text = new String(json, StandardCharsets.UTF_8);
        assertTrue(text.contains("\"spdxVersion\" : \"SPDX-2.3\""), text);
        InMemSpdxStore store = new InMemSpdxStore();
        SpdxDocument doc = (SpdxDocument) new MultiFormatStore(store, MultiFormatStore.Format.JSON)
                .deSerialize(new ByteArrayInputStream(json), false);
        assertEquals(List.of(), doc.verify(), "the SPDX library finds nothing wrong");
        SpdxElement root = doc.getDocumentDescribes().iterator().next();
        assertEquals("checkout", root.getName().orElseThrow());
        List<SpdxPackage> contained = root.getRelationships().stream()
                .filter(r -> rel(r) == RelationshipType.CONTAINS)
                .map(r -> (SpdxPackage) element(r)).toList();
        assertEquals(5, contained.size(), "four packages and the operating system");
        SpdxPackage libssl = contained.stream().filter(p -> name(p).equals("libssl3")).findFirst().orElseThrow();
        assertEquals("3.0.11-1~deb12u2", libssl.getVersionInfo().orElseThrow());
        assertEquals("Apache-2.0", libssl.getLicenseDeclared().toString());
        assertEquals("NOASSERTION", libssl.getDownloadLocation().orElseThrow());
        assertEquals("pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12",
                libssl.getExternalRefs().iterator().next().getReferenceLocator());
        assertEquals("0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0",
                libssl.getChecksums().iterator().next().getValue());
        assertTrue(libssl.getComment().orElseThrow().contains("telltale:loaded=true"));
        List<String> notes = doc.getAnnotations().stream().map(a -> {
            try {
                return a.getComment();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
        assertTrue(notes.stream().anyMatch(n -> n.startsWith("runtime listen: 0.0.0.0:8080")), notes.toString());
        assertTrue(notes.stream().anyMatch(n -> n.startsWith("runtime connect: db.internal:5432")), notes.toString());
    }

    @Test
    void aVersionWithNothingKnownYetStillExportsValidDocuments() throws Exception {
        Inventory.VersionInventory empty = new Inventory.VersionInventory(REF, List.of(), List.of(), SampleInventory.T1);
        assertEquals(List.of(), new JsonParser().validate(DefaultSbom.render(empty, List.of(), Sbom.Format.CYCLONEDX_JSON,
                SampleInventory.T1, "0.1.0").body(), Version.VERSION_16));
        assertEquals(List.of(), new XmlParser().validate(DefaultSbom.render(empty, List.of(), Sbom.Format.CYCLONEDX_XML,
                SampleInventory.T1, "0.1.0").body(), Version.VERSION_16));
        byte[] spdx = DefaultSbom.render(empty, List.of(), Sbom.Format.SPDX_JSON, SampleInventory.T1, "0.1.0").body();
        SpdxDocument doc = (SpdxDocument) new MultiFormatStore(new InMemSpdxStore(), MultiFormatStore.Format.JSON)
                .deSerialize(new ByteArrayInputStream(spdx), false);
        assertEquals(List.of(), doc.verify());
    }

    @Test
    void duplicatePackagesAndFactsStillGiveUniqueReferences() throws Exception {
        Inventory.VersionInventory twice = new Inventory.VersionInventory(REF,
                List.of(SampleInventory.libc6(), SampleInventory.libc6()),
                List.of(SampleInventory.facts().get(1), SampleInventory.facts().get(1)), SampleInventory.T1);
        for (Sbom.Format f : Sbom.Format.values()) {
            byte[] out = DefaultSbom.render(twice, List.of(), f, SampleInventory.T1, "0.1.0").body();
            if (f == Sbom.Format.CYCLONEDX_JSON) {
                assertEquals(List.of(), new JsonParser().validate(out, Version.VERSION_16));
                Bom bom = new JsonParser().parse(out);
                assertEquals(3, bom.getComponents().stream().map(Component::getBomRef).distinct().count());
            } else if (f == Sbom.Format.CYCLONEDX_XML) {
                assertEquals(List.of(), new XmlParser().validate(out, Version.VERSION_16));
            } else {
                SpdxDocument doc = (SpdxDocument) new MultiFormatStore(new InMemSpdxStore(), MultiFormatStore.Format.JSON)
                        .deSerialize(new ByteArrayInputStream(out), false);
                assertEquals(List.of(), doc.verify());
            }
        }
    }

    /** The fields and forms the SPDX 2.3 JSON schema requires, checked on the bytes we send. */
    @Test
    void spdxJsonHasTheFieldsTheSpdx23SchemaRequires() throws Exception {
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        var doc = mapper.readTree(export(Sbom.Format.SPDX_JSON, List.of()));
        assertEquals("SPDX-2.3", doc.get("spdxVersion").asText());
        assertEquals("SPDXRef-DOCUMENT", doc.get("SPDXID").asText());
        assertEquals("CC0-1.0", doc.get("dataLicense").asText());
        assertEquals("shop/checkout@1.4.2", doc.get("name").asText());
        assertTrue(doc.get("documentNamespace").asText().matches("https://[^#]+"), doc.get("documentNamespace").asText());
        assertEquals("2026-11-26T09:30:00Z", doc.get("creationInfo").get("created").asText());
        assertEquals("Tool: Telltale-0.1.0", doc.get("creationInfo").get("creators").get(0).asText());
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (var p : doc.get("packages")) {
            assertTrue(p.get("SPDXID").asText().matches("SPDXRef-[A-Za-z0-9.\\-]+"), p.toString());
            assertTrue(ids.add(p.get("SPDXID").asText()), "unique SPDXIDs");
            assertTrue(p.hasNonNull("name") && p.hasNonNull("downloadLocation"), p.toString());
            for (var c : p.path("checksums")) {
                assertTrue(c.get("algorithm").asText().matches("SHA1|SHA256|SHA512|MD5"), c.toString());
                assertTrue(c.get("checksumValue").asText().matches("[0-9a-f]+"), c.toString());
            }
            for (var r : p.path("externalRefs")) {
                assertEquals("PACKAGE-MANAGER", r.get("referenceCategory").asText());
                assertEquals("purl", r.get("referenceType").asText());
            }
        }
        assertEquals(6, ids.size(), "the component, four packages and the OS");
        var purposes = new java.util.TreeSet<String>();
        doc.get("packages").forEach(p -> purposes.add(p.get("primaryPackagePurpose").asText()));
        assertEquals(java.util.Set.of("APPLICATION", "LIBRARY", "OPERATING-SYSTEM"), purposes);
        for (var r : doc.get("relationships")) {
            String type = r.get("relationshipType").asText();
            assertTrue(type.equals("DESCRIBES") || type.equals("CONTAINS"), r.toString());
            assertTrue(ids.contains(r.get("relatedSpdxElement").asText()), r.toString());
        }
    }

    @Test
    void anExportedCycloneDxReimportedExportsTheSameComponents() throws Exception {
        byte[] first = export(Sbom.Format.CYCLONEDX_JSON, List.of());
        Imported.Bom read = CycloneDxReader.read(first);
        assertEquals("Telltale 0.1.0", read.tool());
        byte[] second = export(Sbom.Format.CYCLONEDX_JSON, read.components());
        JsonParser parser = new JsonParser();
        assertEquals(List.of(), parser.validate(second, Version.VERSION_16));
        assertEquals(identities(parser.parse(first)), identities(parser.parse(second)));
        byte[] xml = export(Sbom.Format.CYCLONEDX_XML, List.of());
        byte[] third = export(Sbom.Format.CYCLONEDX_JSON, CycloneDxReader.read(xml).components());
        assertEquals(identities(parser.parse(first)), identities(parser.parse(third)), "XML round-trips too");
    }

    /** What must survive a round trip: (purl, version, licences, hashes) of every component. */
    static java.util.Set<List<Object>> identities(Bom bom) {
        return bom.getComponents().stream().map(c -> List.<Object>of(Optional.ofNullable(c.getPurl()).orElse(c.getName()),
                Optional.ofNullable(c.getVersion()).orElse(""), CycloneDxReader.licences(c.getLicenses()),
                Optional.ofNullable(c.getHashes()).orElse(List.of()).stream()
                        .collect(Collectors.toMap(h -> h.getAlgorithm(), h -> h.getValue())))).collect(Collectors.toSet());
    }

    static Component component(Bom bom, String name) {
        return bom.getComponents().stream().filter(c -> c.getName().equals(name)).findFirst().orElseThrow(
                () -> new AssertionError("no component " + name));
    }

    static String prop(Component c, String name) {
        List<String> all = props(c, name);
        assertFalse(all.isEmpty(), c.getName() + " has no " + name);
        return all.get(0);
    }

    static List<String> props(Component c, String name) {
        return Optional.ofNullable(c.getProperties()).orElse(List.of()).stream().filter(p -> p.getName().equals(name))
                .map(Property::getValue).toList();
    }

    static RelationshipType rel(Relationship r) {
        try {
            return r.getRelationshipType();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static SpdxElement element(Relationship r) {
        try {
            return r.getRelatedSpdxElement().orElseThrow();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String name(SpdxPackage p) {
        try {
            return p.getName().orElseThrow();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
