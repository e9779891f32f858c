package dev.telltale.sca.version;

/**
 * Debian's version order, as {@code dpkg --compare-versions} applies it:
 * {@code [epoch:]upstream[-revision]}, the epoch compared as a number, then upstream and
 * revision each with dpkg's {@code verrevcmp} (alternating non-digit and digit runs; in the
 * non-digit runs {@code ~} sorts before everything, even the end of the string, letters before
 * other characters; digit runs numerically).
 */
final class Dpkg implements VersionScheme {
    static final Dpkg INSTANCE = new Dpkg();

    private Dpkg() {
    }

    private record Parsed(long epoch, String upstream, String revision) {
    }

    @Override
    public String name() {
        return "dpkg";
    }

    @Override
    public boolean valid(String version) {
        return parse(version) != null;
    }

    @Override
    public int compare(String a, String b) {
        Parsed x = require(a);
        Parsed y = require(b);
        int byEpoch = Long.compare(x.epoch, y.epoch);
        if (byEpoch != 0) {
            return byEpoch;
        }
        int byUpstream = verrevcmp(x.upstream, y.upstream);
        return Integer.signum(byUpstream != 0 ? byUpstream : verrevcmp(x.revision, y.revision));
    }

    private static Parsed require(String version) {
        Parsed parsed = parse(version);
        if (parsed == null) {
            throw Digits.invalid("dpkg", version);
        }
        return parsed;
    }

    /** dpkg's {@code parseversion}, refusing what it refuses or warns about; null if invalid. */
    private static Parsed parse(String version) {
        if (version == null) {
            return null;
        }
        String s = version.strip();
        if (s.isEmpty() || s.chars().anyMatch(Character::isWhitespace)) {
            return null;
        }
        long epoch = 0;
        int colon = s.indexOf(':');
        if (colon >= 0) {
            String e = s.substring(0, colon);
            // dpkg refuses epochs above INT_MAX
            if (!Digits.allDigits(e) || Digits.compare(e, String.valueOf(Integer.MAX_VALUE)) > 0) {
                return null;
            }
            epoch = Long.parseLong(e);
            s = s.substring(colon + 1);
        }
        int hyphen = s.lastIndexOf('-');
        String upstream = hyphen >= 0 ? s.substring(0, hyphen) : s;
        String revision = hyphen >= 0 ? s.substring(hyphen + 1) : "";
        if (upstream.isEmpty() || (hyphen >= 0 && revision.isEmpty()) || !Digits.isDigit(upstream.charAt(0))
                || !only(upstream, ".-+~:") || !only(revision, ".+~")) {
            return null;
        }
        return new Parsed(epoch, upstream, revision);
    }

    private static boolean only(String part, String punctuation) {
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (!Digits.isDigit(c) && !Digits.isLetter(c) && punctuation.indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    /** The weight of a character in a non-digit run; the end of the string weighs 0. */
    private static int order(String s, int i) {
        if (i >= s.length()) {
            return 0;
        }
        char c = s.charAt(i);
        if (Digits.isDigit(c)) {
            return 0;
        } else if (Digits.isLetter(c)) {
            return c;
        } else if (c == '~') {
            return -1;
        }
        return c + 256;
    }

    static int verrevcmp(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() || j < b.length()) {
            while ((i < a.length() && !Digits.isDigit(a.charAt(i)))
                    || (j < b.length() && !Digits.isDigit(b.charAt(j)))) {
                int byChar = Integer.compare(order(a, i), order(b, j));
                if (byChar != 0) {
                    return byChar;
                }
                i++;
                j++;
            }
            // the loop above stops only on equal characters, so i and j never pass the end
            int aEnd = digitsEnd(a, i);
            int bEnd = digitsEnd(b, j);
            int byNumber = Digits.compare(a, i, aEnd, b, j, bEnd);
            if (byNumber != 0) {
                return byNumber;
            }
            i = aEnd;
            j = bEnd;
        }
        return 0;
    }

    private static int digitsEnd(String s, int from) {
        int i = from;
        while (i < s.length() && Digits.isDigit(s.charAt(i))) {
            i++;
        }
        return i;
    }
}
