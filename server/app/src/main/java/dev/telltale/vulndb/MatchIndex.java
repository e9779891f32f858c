package dev.telltale.vulndb;

import dev.telltale.sca.version.VersionScheme;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The advisories in memory, indexed by package (ecosystem family and normalised name), so that a
 * match compares versions only with the advisories of the packages it asks about. Immutable: an
 * import builds a new one and swaps it in.
 */
final class MatchIndex {
    /** What a match reports of an advisory (details stay in Derby). */
    record Info(String id, List<String> aliases, String summary, Optional<Double> score, Optional<String> vector,
                String severity, Instant modified) {
    }

    record Entry(Info info, Advisory.Affected affected) {
    }

    private final Map<String, List<Entry>> byPackage;
    private final long advisories;
    private final Map<String, Long> perEcosystem;
    private final Optional<Instant> newest;

    private MatchIndex(Map<String, List<Entry>> byPackage, long advisories, Map<String, Long> perEcosystem,
                       Optional<Instant> newest) {
        this.byPackage = byPackage;
        this.advisories = advisories;
        this.perEcosystem = perEcosystem;
        this.newest = newest;
    }

    static MatchIndex build(Collection<Advisory> all) {
        Map<String, List<Entry>> byPackage = new HashMap<>();
        Map<String, String> familyNames = new HashMap<>();
        Map<String, Long> perEcosystem = new TreeMap<>();
        Instant newest = null;
        for (Advisory a : all) {
            Info info = new Info(a.id(), a.aliases(), a.summary(), a.cvssScore(), a.cvssVector(), a.severity(), a.modified());
            Set<String> families = new HashSet<>();
            for (Advisory.Affected af : a.affected()) {
                byPackage.computeIfAbsent(PackageNames.key(af.ecosystem(), af.name()), k -> new ArrayList<>(2))
                        .add(new Entry(info, af));
                String family = PackageNames.family(af.ecosystem());
                if (families.add(family)) {
                    String shown = familyNames.computeIfAbsent(family, f -> af.ecosystem().split(":")[0].trim());
                    perEcosystem.merge(shown, 1L, Long::sum);
                }
            }
            if (newest == null || a.modified().isAfter(newest)) {
                newest = a.modified();
            }
        }
        return new MatchIndex(byPackage, all.size(), perEcosystem, Optional.ofNullable(newest));
    }

    long advisories() {
        return advisories;
    }

    Map<String, Long> perEcosystem() {
        return perEcosystem;
    }

    Optional<Instant> newest() {
        return newest;
    }

    MatchResult match(List<PackageQuery> queries, Function<String, Optional<VersionScheme>> schemes) {
        Map<String, Optional<VersionScheme>> cache = new HashMap<>();
        Function<String, Optional<VersionScheme>> scheme = e -> cache.computeIfAbsent(e, schemes);
        List<VulnMatch> matches = new ArrayList<>();
        List<MatchResult.NotEvaluated> notEvaluated = new ArrayList<>();
        Set<String> notes = new LinkedHashSet<>();
        for (PackageQuery q : queries) {
            Optional<VersionScheme> s = scheme.apply(q.ecosystem());
            if (s.isEmpty()) {
                notEvaluated.add(new MatchResult.NotEvaluated(q, "no version order for ecosystem '" + q.ecosystem() + "'"));
                continue;
            }
            String version = version(q);
            if (!s.get().valid(version)) {
                notEvaluated.add(new MatchResult.NotEvaluated(q, "'" + q.version() + "' is not a " + s.get().name() + " version"));
                continue;
            }
            List<Entry> candidates = byPackage.getOrDefault(PackageNames.key(q.ecosystem(), q.name()), List.of());
            Optional<VersionScheme> semver = s.get().name().equals("semver") ? s : scheme.apply("npm");
            matchOne(q, version, candidates, s.get(), semver, matches, notes);
        }
        return new MatchResult(matches, notEvaluated, new ArrayList<>(notes));
    }

    /** Go module versions carry a {@code v} that OSV's Go records leave out. */
    private static String version(PackageQuery q) {
        String v = q.version().trim();
        return PackageNames.family(q.ecosystem()).equals("go") && v.startsWith("v") ? v.substring(1) : v;
    }

    private static void matchOne(PackageQuery q, String version, List<Entry> candidates, VersionScheme scheme,
                                 Optional<VersionScheme> semver, List<VulnMatch> out, Set<String> notes) {
        Map<String, List<String>> fixedById = new LinkedHashMap<>();
        Map<String, Info> infos = new HashMap<>();
        for (Entry e : candidates) {
            Advisory.Affected af = e.affected();
            if (!PackageNames.sameEcosystem(af.ecosystem(), q.ecosystem())) {
                continue;
            }
            boolean hit = af.versions().contains(version) || af.versions().contains(q.version());
            for (Advisory.Range r : af.ranges()) {
                hit |= inRange(e.info().id(), r, version, scheme, semver, notes);
            }
            if (hit) {
                infos.put(e.info().id(), e.info());
                List<String> fixed = fixedById.computeIfAbsent(e.info().id(), k -> new ArrayList<>());
                Ranges.fixedVersions(af.ranges()).stream().filter(f -> !fixed.contains(f)).forEach(fixed::add);
            }
        }
        fixedById.forEach((id, fixed) -> {
            Info i = infos.get(id);
            out.add(new VulnMatch(q, id, i.aliases(), i.summary(), i.score(), i.vector(), i.severity(), fixed, i.modified()));
        });
    }

    private static boolean inRange(String id, Advisory.Range r, String version, VersionScheme scheme,
                                   Optional<VersionScheme> semver, Set<String> notes) {
        if (r.type() == Advisory.RangeType.GIT) {
            notes.add(id + ": GIT ranges ignored (commit ranges cannot be compared with package versions)");
            return false;
        }
        VersionScheme order = r.type() == Advisory.RangeType.SEMVER ? semver.orElse(null) : scheme;
        if (order == null) {
            notes.add(id + ": SEMVER range not evaluated (no semver order available)");
            return false;
        }
        if (!order.valid(version)) {
            notes.add(id + ": " + r.type() + " range not evaluated for '" + version + "' (not a " + order.name() + " version)");
            return false;
        }
        try {
            return Ranges.affects(r, version, order);
        } catch (IllegalArgumentException e) {
            notes.add(id + ": range not evaluated: " + e.getMessage());
            return false;
        }
    }
}
