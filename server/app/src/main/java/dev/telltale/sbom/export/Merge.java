package dev.telltale.sbom.export;

import dev.telltale.sbom.Inventory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Merges what the agents saw with an imported SBOM: components are matched by package URL
 * without qualifiers, else by name and version; a match keeps its runtime facts and gains the
 * import's licences and hashes; an unmatched imported component is added as not loaded. The
 * operating systems the packages belong to become components of their own.
 */
final class Merge {
    private Merge() {
    }

    static List<Entry> entries(Inventory.VersionInventory inventory, List<Imported> imported) {
        List<Entry> out = new ArrayList<>();
        for (Inventory.Package p : inventory.packages()) {
            out.add(Entry.of(p));
        }
        out.addAll(operatingSystems(inventory.packages()).values());
        Map<String, Integer> byPurl = new HashMap<>();
        Map<String, Integer> byName = new HashMap<>();
        for (int i = 0; i < out.size(); i++) {
            index(out.get(i), i, byPurl, byName);
        }
        for (Imported imp : imported) {
            Optional<Integer> at = match(imp, byPurl, byName);
            if (at.isPresent()) {
                out.set(at.get(), out.get(at.get()).mergedWith(imp));
            } else {
                out.add(Entry.of(imp));
                index(out.getLast(), out.size() - 1, byPurl, byName);
            }
        }
        return out;
    }

    /** One {@code operating-system} component per OSV ecosystem of the OS packages ({@code Debian:12} → debian 12). */
    static Map<String, Entry> operatingSystems(List<Inventory.Package> packages) {
        Map<String, Entry> out = new LinkedHashMap<>();
        for (Inventory.Package p : packages) {
            if (!p.type().equals("os") || p.ecosystem().isEmpty()) {
                continue;
            }
            String eco = p.ecosystem().get();
            out.computeIfAbsent(eco, e -> {
                int colon = e.indexOf(':');
                String name = (colon < 0 ? e : e.substring(0, colon)).toLowerCase(Locale.ROOT);
                Optional<String> version = colon < 0 ? Optional.empty()
                        : Optional.of(e.substring(colon + 1).replaceFirst("^v", ""));
                return new Entry("operating-system", Optional.empty(), Optional.empty(), name, version, List.of(),
                        new TreeMap<>(), Optional.empty(), false, Optional.of(e));
            });
        }
        return out;
    }

    private static void index(Entry e, int i, Map<String, Integer> byPurl, Map<String, Integer> byName) {
        e.purl().ifPresent(p -> byPurl.putIfAbsent(Purls.matchKey(p), i));
        e.version().ifPresent(v -> {
            byName.putIfAbsent(nameKey(e.qualifiedName(), v), i);
            byName.putIfAbsent(nameKey(e.name(), v), i);
        });
    }

    private static Optional<Integer> match(Imported imp, Map<String, Integer> byPurl, Map<String, Integer> byName) {
        if (imp.purl().isPresent()) {
            Integer at = byPurl.get(Purls.matchKey(imp.purl().get()));
            if (at != null) {
                return Optional.of(at);
            }
        }
        if (imp.version().isEmpty()) {
            return Optional.empty();
        }
        String v = imp.version().get();
        Integer at = byName.get(nameKey(imp.group().map(g -> g + ":" + imp.name()).orElse(imp.name()), v));
        return Optional.ofNullable(at != null ? at : byName.get(nameKey(imp.name(), v)));
    }

    private static String nameKey(String name, String version) {
        return name.toLowerCase(Locale.ROOT) + "@" + version;
    }
}
