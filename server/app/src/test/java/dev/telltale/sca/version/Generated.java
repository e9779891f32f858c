package dev.telltale.sca.version;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/** Random versions from fixed seeds, built from pieces so that near-equal versions are common. */
final class Generated {
    private Generated() {
    }

    static String join(Random random, List<String> pieces, int count) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < count; i++) {
            s.append(pieces.get(random.nextInt(pieces.size())));
        }
        return s.toString();
    }

    static String pick(Random random, String... choices) {
        return choices[random.nextInt(choices.length)];
    }

    /**
     * A Maven version of the shapes published artifacts use: numbers, then at most one qualifier
     * (after a hyphen, after a dot with a number, or attached to a number), a release qualifier only
     * at the end, and maybe -SNAPSHOT. On these Maven's order is a total order; see decision 11 for
     * the odd strings where it is not.
     */
    static String mavenShaped(Random r) {
        StringBuilder s = new StringBuilder(pick(r, "1", "2", "10"));
        for (int i = r.nextInt(4); i > 0; i--) {
            s.append('.').append(pick(r, "0", "1", "2", "10", "00"));
        }
        String qualifier = pick(r, "alpha", "a", "beta", "Beta", "b", "M", "milestone", "rc", "RC", "cr", "sp",
                "jre", "android", "v", "pre", "dev");
        String number = pick(r, "0", "1", "2", "10", "20230217");
        boolean snapshot = r.nextInt(3) == 0;
        switch (r.nextInt(7)) {
            case 1 -> s.append('-').append(qualifier);
            case 2 -> s.append('-').append(qualifier).append(pick(r, "", "-", ".")).append(number);
            case 3 -> s.append('.').append(qualifier).append(number);
            case 4 -> s.append(qualifier).append(number);
            case 5 -> {
                s.append(pick(r, ".Final", ".RELEASE", ".GA", "-ga", "-final", "-release"));
                snapshot = false;
            }
            default -> { }
        }
        return snapshot ? s + "-SNAPSHOT" : s.toString();
    }

    /** {@code count} versions from {@code generator} that {@code scheme} accepts. */
    static List<String> valid(VersionScheme scheme, Random random, int count, Function<Random, String> generator) {
        List<String> versions = new ArrayList<>();
        int tries = 0;
        while (versions.size() < count) {
            if (++tries > count * 20) {
                throw new AssertionError(scheme.name() + " refuses most generated versions: " + versions);
            }
            String v = generator.apply(random);
            if (scheme.valid(v)) {
                versions.add(v);
            }
        }
        return versions;
    }
}
