package dev.telltale.vulndb;

import dev.telltale.sca.version.VersionScheme;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A small stand-in version order for these tests, so they do not depend on the per-ecosystem
 * schemes: digit runs compare as numbers, letter runs as text, {@code ~} sorts before anything
 * (as in dpkg), a version that is a prefix of another is lower. Right for every version these
 * tests use; the real schemes plug in through {@link VersionScheme#forEcosystem}.
 */
final class TestSchemes {
    static final Set<String> KNOWN = Set.of("debian", "alpine", "maven", "pypi", "npm", "go", "example");
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9.+~:_-]+");
    private static final Pattern TOKEN = Pattern.compile("\\d+|[A-Za-z]+|~|[^A-Za-z0-9~]");

    private TestSchemes() {
    }

    static Function<String, Optional<VersionScheme>> loose() {
        return ecosystem -> KNOWN.contains(PackageNames.family(ecosystem)) ? Optional.of(LOOSE) : Optional.empty();
    }

    static final VersionScheme LOOSE = new VersionScheme() {
        @Override
        public String name() {
            return "test-loose";
        }

        @Override
        public boolean valid(String version) {
            return VALID.matcher(version).matches() && Character.isDigit(version.charAt(0));
        }

        @Override
        public int compare(String a, String b) {
            List<String> x = tokens(a);
            List<String> y = tokens(b);
            for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
                int c = compareToken(x.get(i), y.get(i));
                if (c != 0) {
                    return c;
                }
            }
            if (x.size() == y.size()) {
                return 0;
            }
            // "1.0~rc1" < "1.0": a trailing tilde part lowers the version.
            if (x.size() > y.size()) {
                return x.get(y.size()).equals("~") ? -1 : 1;
            }
            return y.get(x.size()).equals("~") ? 1 : -1;
        }
    };

    private static List<String> tokens(String v) {
        List<String> out = new ArrayList<>();
        var m = TOKEN.matcher(v);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    private static int compareToken(String a, String b) {
        if (a.equals("~") || b.equals("~")) {
            return a.equals(b) ? 0 : a.equals("~") ? -1 : 1;
        }
        boolean da = Character.isDigit(a.charAt(0));
        boolean db = Character.isDigit(b.charAt(0));
        if (da && db) {
            return new java.math.BigInteger(a).compareTo(new java.math.BigInteger(b));
        }
        if (da != db) {
            return da ? 1 : -1;
        }
        return a.compareTo(b);
    }
}
