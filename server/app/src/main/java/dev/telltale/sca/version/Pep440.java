package dev.telltale.sca.version;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Python's version order (PEP 440, as the {@code packaging} library implements it): epoch,
 * release with trailing zeros ignored, then dev releases of a release before its pre-releases
 * (a < b < rc, with alpha, beta, c, pre and preview as spellings), the release itself, its
 * post-releases (post, rev, r or a bare {@code -N}); a dev release sorts before the release it
 * is attached to; a local version ({@code +ubuntu.1}) sorts after the same public version.
 * Case, a leading {@code v} and the separators {@code .-_} are normalised as PEP 440 allows.
 */
final class Pep440 implements VersionScheme {
    static final Pep440 INSTANCE = new Pep440();

    private static final Pattern VERSION = Pattern.compile("""
            v?
            (?:(?<epoch>[0-9]+)!)?
            (?<release>[0-9]+(?:\\.[0-9]+)*)
            (?<pre>[-_.]?(?<preL>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?<preN>[0-9]+)?)?
            (?<post>(?:-(?<postN1>[0-9]+))|(?:[-_.]?(?<postL>post|rev|r)[-_.]?(?<postN2>[0-9]+)?))?
            (?<dev>[-_.]?dev[-_.]?(?<devN>[0-9]+)?)?
            (?:\\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?
            """, Pattern.COMMENTS | Pattern.CASE_INSENSITIVE);

    private Pep440() {
    }

    /** A parsed version; absent parts are null. Pre-release kinds are normalised to a, b, rc. */
    private record Parsed(String epoch, List<String> release, String preKind, String pre,
                          String post, String dev, List<String> local) {
    }

    @Override
    public String name() {
        return "pep440";
    }

    @Override
    public boolean valid(String version) {
        return parse(version) != null;
    }

    @Override
    public int compare(String a, String b) {
        Parsed x = require(a);
        Parsed y = require(b);
        int c = Digits.compare(x.epoch, y.epoch);
        if (c == 0) {
            c = compareRelease(x.release, y.release);
        }
        if (c == 0) {
            c = Integer.compare(preRank(x), preRank(y));
        }
        if (c == 0 && x.preKind != null && y.preKind != null) {
            c = x.preKind.compareTo(y.preKind);
            c = c != 0 ? c : Digits.compare(x.pre, y.pre);
        }
        if (c == 0) {
            c = optionalNumber(x.post, y.post, -1);
        }
        if (c == 0) {
            c = optionalNumber(x.dev, y.dev, 1);
        }
        return c != 0 ? Integer.signum(c) : compareLocal(x.local, y.local);
    }

    private static Parsed require(String version) {
        Parsed parsed = parse(version);
        if (parsed == null) {
            throw Digits.invalid("pep440", version);
        }
        return parsed;
    }

    private static Parsed parse(String version) {
        if (version == null) {
            return null;
        }
        Matcher m = VERSION.matcher(version.strip());
        if (!m.matches()) {
            return null;
        }
        String preKind = m.group("preL") == null ? null : switch (m.group("preL").toLowerCase(Locale.ROOT)) {
            case "alpha", "a" -> "a";
            case "beta", "b" -> "b";
            default -> "rc";
        };
        String post = m.group("post") == null ? null
                : m.group("postN1") != null ? m.group("postN1") : orZero(m.group("postN2"));
        String local = m.group("local");
        return new Parsed(orZero(m.group("epoch")), List.of(m.group("release").split("\\.")),
                preKind, preKind == null ? null : orZero(m.group("preN")), post,
                m.group("dev") == null ? null : orZero(m.group("devN")),
                local == null ? null : List.of(local.toLowerCase(Locale.ROOT).split("[-_.]")));
    }

    /** An omitted number is 0: {@code 1.0rc == 1.0rc0}, {@code 1.0.post == 1.0.post0}. */
    private static String orZero(String number) {
        return number != null ? number : "0";
    }

    private static int compareRelease(List<String> a, List<String> b) {
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            int c = Digits.compare(i < a.size() ? a.get(i) : "0", i < b.size() ? b.get(i) : "0");
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    /**
     * Where a version sits around its release: a dev release of the release itself (no pre or
     * post part) before every pre-release, pre-releases, then everything else.
     */
    private static int preRank(Parsed v) {
        if (v.preKind == null && v.post == null && v.dev != null) {
            return 0;
        }
        return v.preKind != null ? 1 : 2;
    }

    /** Compares two optional numbers; {@code absent} is where a missing one sorts (−1 low, 1 high). */
    private static int optionalNumber(String a, String b, int absent) {
        if (a == null || b == null) {
            return a == null && b == null ? 0 : a == null ? absent : -absent;
        }
        return Digits.compare(a, b);
    }

    /**
     * No local part sorts first; segments compare pairwise, numbers above words, numbers
     * numerically, words lexically; a shorter equal prefix sorts first.
     */
    private static int compareLocal(List<String> a, List<String> b) {
        if (a == null || b == null) {
            return a == null && b == null ? 0 : a == null ? -1 : 1;
        }
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            boolean an = Digits.allDigits(a.get(i));
            boolean bn = Digits.allDigits(b.get(i));
            int c = an && bn ? Digits.compare(a.get(i), b.get(i))
                    : an != bn ? (an ? 1 : -1) : a.get(i).compareTo(b.get(i));
            if (c != 0) {
                return Integer.signum(c);
            }
        }
        return Integer.compare(a.size(), b.size());
    }

}
