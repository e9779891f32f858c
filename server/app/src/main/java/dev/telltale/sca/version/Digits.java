package dev.telltale.sca.version;

/**
 * Numeric comparison of runs of ASCII digits of any length. Version numbers such as dates
 * ({@code 20240101123456}) overflow {@code long} in some ecosystems, so they are compared as
 * text: leading zeros dropped, then the longer run wins, then the first differing digit.
 */
final class Digits {
    private Digits() {
    }

    /** Compares {@code a[aFrom, aTo)} with {@code b[bFrom, bTo)}, both runs of ASCII digits. */
    static int compare(CharSequence a, int aFrom, int aTo, CharSequence b, int bFrom, int bTo) {
        while (aFrom < aTo && a.charAt(aFrom) == '0') {
            aFrom++;
        }
        while (bFrom < bTo && b.charAt(bFrom) == '0') {
            bFrom++;
        }
        int byLength = Integer.compare(aTo - aFrom, bTo - bFrom);
        if (byLength != 0) {
            return byLength;
        }
        for (; aFrom < aTo; aFrom++, bFrom++) {
            int byDigit = Character.compare(a.charAt(aFrom), b.charAt(bFrom));
            if (byDigit != 0) {
                return byDigit;
            }
        }
        return 0;
    }

    static int compare(String a, String b) {
        return compare(a, 0, a.length(), b, 0, b.length());
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    static boolean isLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /** Whether {@code s} is one or more ASCII digits. */
    static boolean allDigits(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** The message of the exception {@code compare} throws for a version its scheme refuses. */
    static IllegalArgumentException invalid(String scheme, String version) {
        String shown = version == null ? "null"
                : version.length() > 80 ? version.substring(0, 80) + "…" : version;
        return new IllegalArgumentException("not a valid " + scheme + " version: " + shown);
    }
}
