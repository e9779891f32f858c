package dev.telltale.sbom.export;

import dev.telltale.db.Database;
import dev.telltale.sbom.Inventory;
import dev.telltale.store.Scope;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Software bills of materials for a component version: exports of what the agents saw at run
 * time (the {@link Inventory}) merged with the CycloneDX SBOM last imported for that version
 * (from a CI scanner), in CycloneDX 1.6 (JSON, XML) or SPDX 2.3 (JSON).
 */
public interface Sbom {

    /** The largest SBOM an import accepts, in bytes. */
    int MAX_IMPORT_BYTES = 16 * 1024 * 1024;

    /**
     * @param inventory   what the agents saw; versions it does not know export what was imported only
     * @param toolVersion Telltale's version, named as the SBOMs' tool
     */
    static Sbom create(Database db, Inventory inventory, Clock clock, String toolVersion) {
        return new DefaultSbom(db.dataSource(), inventory, clock, toolVersion);
    }

    /** An inventory that knows no packages: exports then hold imported components only. */
    static Inventory noInventory() {
        return new Inventory() {
            @Override
            public Optional<VersionInventory> of(VersionRef ref, Scope scope) {
                return Optional.empty();
            }

            @Override
            public List<VersionRef> versions(Scope scope) {
                return List.of();
            }
        };
    }

    /**
     * The component versions named so that {@code scope} sees them: one per team that has an
     * application of that name (usually one); empty when there is none or it is hidden.
     */
    List<Inventory.VersionRef> find(String application, String component, String version, Scope scope);

    /**
     * The SBOM of a version {@link #find} returned, in {@code format}.
     *
     * @throws IllegalStateException when a library fails to write a document (a bug, not input)
     */
    Document export(Inventory.VersionRef ref, Scope scope, Format format);

    /**
     * Parses and validates a CycloneDX JSON or XML SBOM with the official library and stores its
     * components for {@code ref}, replacing the version's previous import.
     *
     * @throws InvalidSbomException     when the document is not a valid CycloneDX SBOM or exceeds a limit
     *                                  (the previous import then stays)
     * @throws IllegalArgumentException when {@code ref} names no registered version
     */
    ImportSummary importCycloneDx(Inventory.VersionRef ref, byte[] document, String importedBy);

    /** The version's current import, if any. */
    Optional<ImportSummary> lastImport(Inventory.VersionRef ref);

    /** An export format, by the name the API takes. */
    enum Format {
        CYCLONEDX_JSON("cyclonedx-json", "application/vnd.cyclonedx+json; version=1.6", "cdx.json"),
        CYCLONEDX_XML("cyclonedx-xml", "application/vnd.cyclonedx+xml; version=1.6", "cdx.xml"),
        SPDX_JSON("spdx-json", "application/spdx+json", "spdx.json");

        private final String param;
        private final String contentType;
        private final String extension;

        Format(String param, String contentType, String extension) {
            this.param = param;
            this.contentType = contentType;
            this.extension = extension;
        }

        public String param() {
            return param;
        }

        public String contentType() {
            return contentType;
        }

        public String extension() {
            return extension;
        }

        /** The format named {@code s} (as in the API: {@code cyclonedx-json}, …), case-insensitively. */
        public static Optional<Format> parse(String s) {
            String n = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
            for (Format f : values()) {
                if (f.param.equals(n)) {
                    return Optional.of(f);
                }
            }
            return Optional.empty();
        }

        /** The names {@link #parse} accepts, for error messages. */
        public static String names() {
            return String.join(", ", java.util.Arrays.stream(values()).map(Format::param).toList());
        }
    }

    /** A rendered SBOM: its bytes, media type and a file name for {@code Content-Disposition}. */
    record Document(byte[] body, String contentType, String filename) {
    }

    /** What an import stored. */
    record ImportSummary(String tool, String format, String specVersion, int components, String importedBy,
                         Instant importedAt) {
    }

    /** A document that is not a valid CycloneDX SBOM, with a message safe to show its sender. */
    final class InvalidSbomException extends RuntimeException {
        public InvalidSbomException(String message) {
            super(message, null, false, false);
        }
    }
}
