package dev.telltale.sbom.export;

import dev.telltale.agents.AppRefs;
import dev.telltale.db.Database;
import dev.telltale.db.Sql;
import dev.telltale.sbom.Inventory;
import dev.telltale.store.Scope;
import org.cyclonedx.Version;
import org.cyclonedx.model.Bom;
import org.cyclonedx.parsers.JsonParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Imports stored in the real database (V14) and merged into exports of the runtime inventory. */
class SbomStoreTest {
    @TempDir
    static Path data;
    static Database db;
    static Sbom sbom;
    static Inventory.VersionRef ref;

    @BeforeAll
    static void open() {
        db = Database.open(data);
        long team = Sql.inTransaction(db.dataSource(), c -> {
            try (var rs = c.createStatement().executeQuery("SELECT id FROM teams WHERE name = 'default'")) {
                rs.next();
                long t = rs.getLong(1);
                AppRefs refs = new AppRefs(c, Instant.now());
                refs.version(refs.component(refs.application(t, "shop"), "checkout"), "1.4.2");
                return t;
            }
        });
        ref = new Inventory.VersionRef(team, "shop", "checkout", "1.4.2");
        sbom = Sbom.create(db, new SampleInventory().put(SampleInventory.shop(ref)),
                Clock.fixed(SampleInventory.T1, ZoneOffset.UTC), "0.1.0");
    }

    @AfterAll
    static void close() {
        db.close();
    }

    @Test
    void aStoredImportIsMergedWithTheRuntimeInventoryAndReplacedByTheNext() throws Exception {
        assertEquals(List.of(ref), sbom.find("shop", "checkout", "1.4.2", Scope.everything()));
        assertEquals(List.of(), sbom.find("shop", "checkout", "1.4.2", Scope.teams(Set.of(ref.teamId() + 1))),
                "hidden from other teams");
        Sbom.ImportSummary s = sbom.importCycloneDx(ref, SbomImportTest.syft(), "ci");
        assertEquals(new Sbom.ImportSummary("syft 1.18.1", "cyclonedx-json", "1.5", 10, "ci", SampleInventory.T1), s);
        assertEquals(s, sbom.lastImport(ref).orElseThrow());

        Sbom.Document doc = sbom.export(ref, Scope.everything(), Sbom.Format.CYCLONEDX_JSON);
        assertEquals("shop-checkout-1.4.2.cdx.json", doc.filename());
        JsonParser parser = new JsonParser();
        assertEquals(List.of(), parser.validate(doc.body(), Version.VERSION_16));
        Bom bom = parser.parse(doc.body());
        assertEquals(14, bom.getComponents().size(), "4 runtime packages, the OS, 9 imported-only jars");
        assertEquals("runtime,import", SbomExportTest.prop(SbomExportTest.component(bom, "spring-core"),
                "telltale:source"));

        String libcOnly = "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.4\",\"version\":1,\"metadata\":{\"tools\":"
                + "[{\"vendor\":\"CycloneDX\",\"name\":\"cdxgen\",\"version\":\"9.11.4\"}]},\"components\":[{\"type\":"
                + "\"library\",\"name\":\"libc6\",\"version\":\"2.36-9+deb12u4\",\"licenses\":[{\"license\":{\"id\":"
                + "\"GPL-2.0-or-later\"}}]}]}";
        Sbom.ImportSummary second = sbom.importCycloneDx(ref, libcOnly.getBytes(), "ci");
        assertEquals("CycloneDX cdxgen 9.11.4", second.tool(), "the legacy tools form of 1.4 too");
        Bom after = parser.parse(sbom.export(ref, Scope.everything(), Sbom.Format.CYCLONEDX_JSON).body());
        assertEquals(5, after.getComponents().size(), "the Syft import is gone");
        assertEquals(List.of("LGPL-2.1-or-later", "GPL-2.0-or-later"), CycloneDxReader.licences(
                SbomExportTest.component(after, "libc6").getLicenses()), "matched by name and version");
    }

    @Test
    void anInvalidImportLeavesThePreviousOneInPlace() throws Exception {
        Inventory.VersionRef other = new Inventory.VersionRef(ref.teamId(), "shop", "checkout", "1.4.2");
        sbom.importCycloneDx(other, SbomImportTest.syft(), "ci");
        assertThrows(Sbom.InvalidSbomException.class, () -> sbom.importCycloneDx(other, "{\"bomFormat\":1}".getBytes(),
                "ci"));
        assertEquals(10, sbom.lastImport(other).orElseThrow().components());
        assertTrue(sbom.lastImport(new Inventory.VersionRef(ref.teamId(), "shop", "checkout", "0.0.1")).isEmpty());
    }
}
