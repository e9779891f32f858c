package dev.telltale.sbom.export;

import dev.telltale.sbom.Inventory;

import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One component of an exported SBOM after merging: {@code kind} is a CycloneDX component type
 * ({@code library}, {@code operating-system}, …); {@code runtime} is what the agents saw of it
 * (absent for components only an import listed); {@code imported} whether an import listed it.
 */
record Entry(String kind, Optional<String> purl, Optional<String> group, String name, Optional<String> version,
             List<String> licences, SortedMap<String, String> hashes, Optional<Inventory.Package> runtime,
             boolean imported, Optional<String> ecosystem) {
    Entry {
        licences = List.copyOf(licences);
        hashes = wellFormed(hashes);
    }

    /**
     * Only hashes whose value is hex of the algorithm's length: one malformed value reported by
     * an agent or a scanner must not make the whole document invalid.
     */
    static SortedMap<String, String> wellFormed(java.util.Map<String, String> hashes) {
        SortedMap<String, String> out = new TreeMap<>();
        hashes.forEach((alg, hex) -> {
            String v = hex.toLowerCase(java.util.Locale.ROOT);
            if (v.matches("[0-9a-f]+") && v.length() == hexLength(alg)) {
                out.put(alg, v);
            }
        });
        return out;
    }

    private static int hexLength(String alg) {
        String a = alg.toUpperCase(java.util.Locale.ROOT).replace("-", "").replace("_", "");
        if (a.equals("MD5")) {
            return 32;
        }
        if (a.equals("SHA1")) {
            return 40;
        }
        for (int bits : new int[]{256, 384, 512}) {
            if (a.endsWith(String.valueOf(bits))) {
                return bits / 4;
            }
        }
        return -1;
    }

    static Entry of(Inventory.Package p) {
        String kind = "library";
        Optional<String> group = Optional.empty();
        // SBOM formats require a name: an agent's unnamed package is named by its purl or as unnamed.
        String name = !p.name().isBlank() ? p.name() : Purls.parse(p.purl()).map(Purls.Parts::name).orElse("unnamed");
        Optional<Purls.Parts> parts = Purls.parse(p.purl());
        if (parts.isPresent() && parts.get().type().equals("maven") && parts.get().namespace().isPresent()) {
            group = parts.get().namespace();
            name = parts.get().name();
        }
        return new Entry(kind, Optional.of(p.purl()).filter(s -> !s.isBlank()), group, name, Optional.of(p.version()),
                p.licence().filter(s -> !s.isBlank()).map(List::of).orElse(List.of()), new TreeMap<>(p.hashes()),
                Optional.of(p), false, p.ecosystem());
    }

    static Entry of(Imported i) {
        return new Entry(i.type(), i.purl(), i.group(), i.name(), i.version(), i.licences(), new TreeMap<>(i.hashes()),
                Optional.empty(), true, Optional.empty());
    }

    /** This entry with an import's licences and hashes added (its own hashes win a conflict). */
    Entry mergedWith(Imported i) {
        List<String> lic = new java.util.ArrayList<>(licences);
        i.licences().stream().filter(l -> !lic.contains(l)).forEach(lic::add);
        SortedMap<String, String> h = new TreeMap<>(i.hashes());
        h.putAll(hashes);
        return new Entry(kind, purl.or(i::purl), group.or(i::group), name, version.or(i::version), lic, h, runtime,
                true, ecosystem);
    }

    /** {@code group:name} when there is a group (Maven), else the name. */
    String qualifiedName() {
        return group.map(g -> g + ":" + name).orElse(name);
    }

    boolean loaded() {
        return runtime.map(Inventory.Package::loaded).orElse(false);
    }

    /** Where the entry comes from: {@code runtime}, {@code import} or both. */
    String source() {
        return runtime.isPresent() ? (imported ? "runtime,import" : "runtime") : "import";
    }
}
