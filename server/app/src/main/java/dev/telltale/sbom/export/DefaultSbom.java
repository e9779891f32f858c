package dev.telltale.sbom.export;

import dev.telltale.sbom.Inventory;
import dev.telltale.store.Scope;

import javax.sql.DataSource;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

final class DefaultSbom implements Sbom {
    private final Inventory inventory;
    private final Clock clock;
    private final String toolVersion;
    private final Versions versions;
    private final Imports imports;

    DefaultSbom(DataSource ds, Inventory inventory, Clock clock, String toolVersion) {
        this.inventory = inventory;
        this.clock = clock;
        this.toolVersion = toolVersion;
        this.versions = new Versions(ds);
        this.imports = new Imports(ds);
    }

    @Override
    public List<Inventory.VersionRef> find(String application, String component, String version, Scope scope) {
        return versions.find(application, component, version, scope);
    }

    @Override
    public Document export(Inventory.VersionRef ref, Scope scope, Format format) {
        Inventory.VersionInventory inv = inventory.of(ref, scope)
                .orElseGet(() -> new Inventory.VersionInventory(ref, List.of(), List.of(), Instant.EPOCH));
        List<Imported> imported = versions.id(ref).map(imports::components).orElse(List.of());
        return render(inv, imported, format, clock.instant(), toolVersion);
    }

    /** The document for an inventory merged with imported components: the whole export minus the database. */
    static Document render(Inventory.VersionInventory inv, List<Imported> imported, Format format, Instant now,
                           String toolVersion) {
        List<Entry> entries = Merge.entries(inv, imported);
        Inventory.VersionRef ref = inv.ref();
        byte[] body = switch (format) {
            case CYCLONEDX_JSON -> CycloneDxWriter.json(CycloneDxWriter.bom(ref, entries, inv.runtime(), now, toolVersion));
            case CYCLONEDX_XML -> CycloneDxWriter.xml(CycloneDxWriter.bom(ref, entries, inv.runtime(), now, toolVersion));
            case SPDX_JSON -> SpdxWriter.json(ref, entries, inv.runtime(), now, toolVersion);
        };
        return new Document(body, format.contentType(), filename(ref, format));
    }

    private static String filename(Inventory.VersionRef ref, Format format) {
        String base = (ref.application() + "-" + ref.component() + "-" + ref.version()).replaceAll("[^A-Za-z0-9._-]+", "_");
        return base + "." + format.extension();
    }

    @Override
    public ImportSummary importCycloneDx(Inventory.VersionRef ref, byte[] document, String importedBy) {
        long id = versions.id(ref).orElseThrow(() -> new IllegalArgumentException("no such version: " + ref));
        Imported.Bom bom = CycloneDxReader.read(document);
        return imports.replace(id, bom, importedBy, clock.instant());
    }

    @Override
    public Optional<ImportSummary> lastImport(Inventory.VersionRef ref) {
        return versions.id(ref).flatMap(imports::summary);
    }
}
