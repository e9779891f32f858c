package dev.telltale.sbom.export;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One component of an imported SBOM, as stored: CycloneDX {@code type}, package URL, group,
 * name, version, licences (SPDX ids, names or expressions) and hashes (algorithm to lower-case hex).
 */
record Imported(String type, Optional<String> purl, Optional<String> group, String name, Optional<String> version,
                List<String> licences, Map<String, String> hashes) {
    Imported {
        licences = List.copyOf(licences);
        hashes = Map.copyOf(hashes);
    }

    /** A parsed SBOM: its tool, format and spec version, serial number and components (nested ones flattened). */
    record Bom(String tool, String format, String specVersion, Optional<String> serialNumber,
               List<Imported> components) {
        Bom {
            components = List.copyOf(components);
        }
    }
}
