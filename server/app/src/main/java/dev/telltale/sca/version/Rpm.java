package dev.telltale.sca.version;

/**
 * RPM's version order (Red Hat, Rocky, Alma, SUSE): {@code [epoch:]version[-release]}, the
 * epoch as a number (none is 0), then version and release each with {@code rpmvercmp}: runs of
 * digits and of letters compared in turn, other characters only separating them; digits
 * numerically and above letters; {@code ~} sorts before everything, even the end
 * ({@code 1.0~rc1 < 1.0}); {@code ^} sorts after the end but before anything else
 * ({@code 1.0 < 1.0^git1 < 1.0.1}). A missing release sorts before any release: rpm's own
 * "no release matches every release" is a rule for dependencies, not an order.
 */
final class Rpm implements VersionScheme {
    static final Rpm INSTANCE = new Rpm();

    private Rpm() {
    }

    private record Parsed(String epoch, String version, String release) {
    }

    @Override
    public String name() {
        return "rpm";
    }

    @Override
    public boolean valid(String version) {
        return parse(version) != null;
    }

    @Override
    public int compare(String a, String b) {
        Parsed x = require(a);
        Parsed y = require(b);
        int c = Integer.signum(Digits.compare(x.epoch, y.epoch));
        if (c == 0) {
            c = rpmvercmp(x.version, y.version);
        }
        return c != 0 ? c : rpmvercmp(x.release, y.release);
    }

    private static Parsed require(String version) {
        Parsed parsed = parse(version);
        if (parsed == null) {
            throw Digits.invalid("rpm", version);
        }
        return parsed;
    }

    /** rpm's EVR split, with the characters rpmbuild accepts in Version and Release. */
    private static Parsed parse(String evr) {
        if (evr == null) {
            return null;
        }
        String epoch = "0";
        String rest = evr;
        int colon = evr.indexOf(':');
        if (colon >= 0) {
            epoch = evr.substring(0, colon);
            rest = evr.substring(colon + 1);
            if (!Digits.allDigits(epoch)) {
                return null;
            }
        }
        int hyphen = rest.lastIndexOf('-');
        String version = hyphen >= 0 ? rest.substring(0, hyphen) : rest;
        String release = hyphen >= 0 ? rest.substring(hyphen + 1) : "";
        if (version.isEmpty() || (hyphen >= 0 && release.isEmpty())
                || !allowed(version) || !allowed(release)) {
            return null;
        }
        return new Parsed(epoch, version, release);
    }

    private static boolean allowed(String part) {
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (!Digits.isDigit(c) && !Digits.isLetter(c) && "._+~^".indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean separator(char c) {
        return !Digits.isDigit(c) && !Digits.isLetter(c) && c != '~' && c != '^';
    }

    private static char at(String s, int i) {
        return i < s.length() ? s.charAt(i) : 0;
    }

    static int rpmvercmp(String a, String b) {
        if (a.equals(b)) {
            return 0;
        }
        int i = 0;
        int j = 0;
        while (i < a.length() || j < b.length()) {
            while (i < a.length() && separator(a.charAt(i))) {
                i++;
            }
            while (j < b.length() && separator(b.charAt(j))) {
                j++;
            }
            char ca = at(a, i);
            char cb = at(b, j);
            if (ca == '~' || cb == '~') {
                if (ca != cb) {
                    return ca == '~' ? -1 : 1;
                }
            } else if (ca == '^' || cb == '^') {
                if (ca != cb) {
                    return ca == 0 ? -1 : cb == 0 ? 1 : ca == '^' ? -1 : 1;
                }
            } else if (ca == 0 || cb == 0) {
                break;
            } else {
                int c = segment(a, i, b, j);
                if (c != 0) {
                    return c;
                }
                i = segmentEnd(a, i);
                j = segmentEnd(b, j);
                continue;
            }
            i++;
            j++;
        }
        boolean aDone = i >= a.length();
        boolean bDone = j >= b.length();
        return aDone && bDone ? 0 : aDone ? -1 : 1;
    }

    /** Compares the digit or letter run at a[i] (its kind decides) with b's run of the same kind. */
    private static int segment(String a, int i, String b, int j) {
        boolean numeric = Digits.isDigit(a.charAt(i));
        int aEnd = runEnd(a, i, numeric);
        int bEnd = runEnd(b, j, numeric);
        if (bEnd == j) {
            return numeric ? 1 : -1; // a number is newer than letters
        }
        int c = numeric ? Digits.compare(a, i, aEnd, b, j, bEnd)
                : a.substring(i, aEnd).compareTo(b.substring(j, bEnd));
        return Integer.signum(c);
    }

    private static int segmentEnd(String s, int i) {
        return runEnd(s, i, Digits.isDigit(s.charAt(i)));
    }

    private static int runEnd(String s, int i, boolean digits) {
        while (i < s.length() && (digits ? Digits.isDigit(s.charAt(i)) : Digits.isLetter(s.charAt(i)))) {
            i++;
        }
        return i;
    }
}
