package dev.telltale.vulndb;

import dev.telltale.sca.version.VersionScheme;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * {@code bin/telltale-bench sca [--derby] [ADVISORIES] [PACKAGES]}: matching one component's packages against
 * the vulnerability database's in-memory index, as {@link VulnDb#match} does after an import.
 * Generates 200,000 advisories shaped like OSV's (Debian, Alpine, Maven, PyPI, npm and Go; popular
 * packages with hundreds of advisories and a long tail with one; one to three introduced/fixed
 * pairs, some last_affected, some explicit version lists) and a 2,000-package component that favours
 * popular packages, as real ones do. Versions are numeric; each ecosystem's own order is used when
 * {@link VersionScheme#forEcosystem} has one, else a numeric-dot order. The last line is
 * {@code sca match_ms=… advisories=… packages=… matches=…} (the median of 15 runs after warm-up).
 * {@code --derby} first stores the advisories in a temporary Derby and matches against the index
 * loaded back from it, printing how long both took (the start-up and after-import cost).
 */
public final class MatchBenchmark {
    private static final String[] ECOSYSTEMS = {"Debian:12", "Alpine:v3.19", "Maven", "PyPI", "npm", "Go"};
    private static final double[] SHARE = {0.40, 0.10, 0.15, 0.10, 0.15, 0.10};
    private static final int NAMES_PER_ECOSYSTEM = 12_000;

    private MatchBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        boolean derby = rest.remove("--derby");
        int advisories = rest.size() > 0 ? Integer.parseInt(rest.get(0)) : 200_000;
        int packages = rest.size() > 1 ? Integer.parseInt(rest.get(1)) : 2_000;
        SplittableRandom random = new SplittableRandom(42);
        long t0 = System.nanoTime();
        List<Advisory> all = new ArrayList<>(advisories);
        for (int i = 0; i < advisories; i++) {
            all.add(advisory(i, random));
        }
        MatchIndex index = MatchIndex.build(all);
        System.out.printf(Locale.ROOT, "generated and indexed %d advisories in %d ms%n", advisories,
                (System.nanoTime() - t0) / 1_000_000);
        if (derby) {
            index = throughDerby(all);
        }
        List<PackageQuery> component = component(packages, random);
        Function<String, Optional<VersionScheme>> schemes = e -> VersionScheme.forEcosystem(e).or(() -> Optional.of(NUMERIC));
        System.out.println("version orders: " + Arrays.stream(ECOSYSTEMS)
                .map(e -> e + "=" + schemes.apply(e).map(VersionScheme::name).orElse("-")).toList());

        MatchResult result = null;
        for (int i = 0; i < 10; i++) {
            result = index.match(component, schemes);
        }
        long[] times = new long[15];
        for (int i = 0; i < times.length; i++) {
            long s = System.nanoTime();
            result = index.match(component, schemes);
            times[i] = System.nanoTime() - s;
        }
        Arrays.sort(times);
        double medianMs = times[times.length / 2] / 1e6;
        System.out.printf(Locale.ROOT, "match: median %.2f ms, slowest %.2f ms; %d matches, %d not evaluated%n",
                medianMs, times[times.length - 1] / 1e6, result.matches().size(), result.notEvaluated().size());
        System.out.printf(Locale.ROOT, "sca match_ms=%.2f advisories=%d packages=%d matches=%d%n", medianMs, advisories,
                packages, result.matches().size());
    }

    /** With {@code --derby}: stores the advisories as imports do and times loading the index back, as at start. */
    private static MatchIndex throughDerby(List<Advisory> all) throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("telltale-sca-bench");
        try (dev.telltale.db.Database db = dev.telltale.db.Database.open(dir)) {
            AdvisoryStore store = new AdvisoryStore(db);
            long t0 = System.nanoTime();
            for (int i = 0; i < all.size(); i += 500) {
                store.apply(all.subList(i, Math.min(all.size(), i + 500)), List.of(), Instant.now());
            }
            long stored = System.nanoTime();
            MatchIndex index = MatchIndex.build(store.loadAll());
            System.out.printf(Locale.ROOT, "derby: stored in %d ms, loaded and indexed in %d ms%n",
                    (stored - t0) / 1_000_000, (System.nanoTime() - stored) / 1_000_000);
            return index;
        }
    }

    private static String ecosystem(SplittableRandom r) {
        double x = r.nextDouble();
        for (int i = 0; i < SHARE.length; i++) {
            x -= SHARE[i];
            if (x < 0) {
                return ECOSYSTEMS[i];
            }
        }
        return ECOSYSTEMS[0];
    }

    /**
     * A name index skewed towards popular packages: the top dozen of an ecosystem get a tenth of its
     * advisories (hundreds each, like Debian's linux or chromium), most names one or two.
     */
    private static int popular(SplittableRandom r) {
        double u = r.nextDouble();
        return (int) (NAMES_PER_ECOSYSTEM * u * u * u);
    }

    private static String name(String ecosystem, int n) {
        return switch (ecosystem) {
            case "Maven" -> "org.example" + (n % 300) + ":artifact-" + n;
            case "Go" -> "github.com/example" + (n % 500) + "/module" + n;
            case "npm" -> n % 5 == 0 ? "@scope" + (n % 40) + "/pkg-" + n : "pkg-" + n;
            case "PyPI" -> "py_package." + n;
            default -> "lib" + n;
        };
    }

    /** Versions are points 0..5,999 of a release history, written a.b.c. */
    private static final int HISTORY = 6_000;

    private static String version(int point) {
        return point / 600 + "." + (point / 20) % 30 + "." + point % 20;
    }

    private static String version(SplittableRandom r) {
        return version(r.nextInt(HISTORY));
    }

    private static Advisory advisory(int i, SplittableRandom r) {
        String ecosystem = ecosystem(r);
        int affectedCount = r.nextInt(10) < 8 ? 1 : 1 + r.nextInt(3);
        List<Advisory.Affected> affected = new ArrayList<>();
        for (int a = 0; a < affectedCount; a++) {
            affected.add(new Advisory.Affected(ecosystem, PackageNames.normalise(ecosystem, name(ecosystem, popular(r))),
                    Optional.empty(), ranges(r), r.nextInt(10) == 0 ? versions(r) : List.of()));
        }
        double score = Math.round(r.nextDouble(1, 10) * 10) / 10.0;
        return new Advisory("BENCH-" + i, Instant.ofEpochSecond(1_600_000_000L + i * 600L), Optional.empty(), false,
                List.of("CVE-" + (2015 + i % 10) + "-" + (10_000 + i)), "synthetic advisory " + i, "",
                Optional.of("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"), Optional.of(score), Cvss.rating(score),
                affected);
    }

    /**
     * One to three affected stretches of the history (a bug introduced, then fixed some releases
     * later, sometimes backported on older lines), a tenth of them from "0", a tenth ending in last_affected.
     */
    private static List<Advisory.Range> ranges(SplittableRandom r) {
        int pairs = r.nextInt(10) < 7 ? 1 : 2 + r.nextInt(2);
        List<Advisory.Event> events = new ArrayList<>();
        int start = r.nextInt(HISTORY);
        for (int k = 0; k < pairs && start < HISTORY - 1; k++) {
            int end = Math.min(HISTORY - 1, start + 1 + r.nextInt(400));
            boolean fromZero = k == 0 && r.nextInt(10) == 0;
            events.add(new Advisory.Event(Advisory.Kind.INTRODUCED, fromZero ? "0" : version(start)));
            boolean last = r.nextInt(10) == 0;
            events.add(new Advisory.Event(last ? Advisory.Kind.LAST_AFFECTED : Advisory.Kind.FIXED, version(end)));
            start = end + 1 + r.nextInt(600);
        }
        return List.of(new Advisory.Range(Advisory.RangeType.ECOSYSTEM, Optional.empty(), events));
    }

    private static List<String> versions(SplittableRandom r) {
        List<String> out = new ArrayList<>();
        for (int k = 0; k < 10; k++) {
            out.add(version(r));
        }
        return out;
    }

    /** Distinct packages, popular ones more likely, at any point of their history. */
    private static List<PackageQuery> component(int packages, SplittableRandom r) {
        java.util.Map<String, PackageQuery> out = new java.util.LinkedHashMap<>();
        while (out.size() < packages) {
            String e = ecosystem(r);
            String name = name(e, popular(r));
            out.putIfAbsent(e + " " + name, new PackageQuery(e, name, version(r)));
        }
        return new ArrayList<>(out.values());
    }

    /** Dotted numbers compared numerically, a stand-in for ecosystems without a scheme yet. */
    static final VersionScheme NUMERIC = new VersionScheme() {
        @Override
        public String name() {
            return "numeric-dot";
        }

        @Override
        public boolean valid(String v) {
            return v.matches("\\d+(\\.\\d+)*");
        }

        @Override
        public int compare(String a, String b) {
            String[] x = a.split("\\.");
            String[] y = b.split("\\.");
            for (int i = 0; i < Math.max(x.length, y.length); i++) {
                long p = i < x.length ? Long.parseLong(x[i]) : 0;
                long q = i < y.length ? Long.parseLong(y[i]) : 0;
                if (p != q) {
                    return Long.compare(p, q);
                }
            }
            return 0;
        }
    };
}
