package dev.telltale.sca.version;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Semantic Versioning 2.0.0 precedence (npm, Go, crates.io): major, minor and patch
 * numerically; a version with a pre-release sorts before the same version without one;
 * pre-release identifiers compare pairwise (numbers numerically and below words, words in
 * ASCII order, more identifiers win when all before are equal); build metadata is ignored.
 * A leading {@code v}, as Go writes its versions, is accepted.
 */
final class Semver implements VersionScheme {
    static final Semver INSTANCE = new Semver();

    // the expression semver.org recommends, with an optional leading v
    private static final Pattern VERSION = Pattern.compile(
            "v?(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)"
                    + "(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
                    + "(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?");

    private Semver() {
    }

    @Override
    public String name() {
        return "semver";
    }

    @Override
    public boolean valid(String version) {
        return version != null && VERSION.matcher(version).matches();
    }

    @Override
    public int compare(String a, String b) {
        Matcher x = require(a);
        Matcher y = require(b);
        for (int group = 1; group <= 3; group++) {
            int c = Digits.compare(x.group(group), y.group(group));
            if (c != 0) {
                return Integer.signum(c);
            }
        }
        String xPre = x.group(4);
        String yPre = y.group(4);
        if (xPre == null || yPre == null) {
            return xPre == null && yPre == null ? 0 : xPre == null ? 1 : -1;
        }
        return comparePrerelease(xPre.split("\\."), yPre.split("\\."));
    }

    private static Matcher require(String version) {
        Matcher m = version == null ? null : VERSION.matcher(version);
        if (m == null || !m.matches()) {
            throw Digits.invalid("semver", version);
        }
        return m;
    }

    private static int comparePrerelease(String[] a, String[] b) {
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            boolean an = Digits.allDigits(a[i]);
            boolean bn = Digits.allDigits(b[i]);
            int c = an && bn ? Digits.compare(a[i], b[i])
                    : an != bn ? (an ? -1 : 1) : a[i].compareTo(b[i]);
            if (c != 0) {
                return Integer.signum(c);
            }
        }
        return Integer.compare(a.length, b.length);
    }
}
