package dev.telltale.sca.version;

import java.util.List;

/**
 * Alpine's version order, as apk-tools compares {@code digit{.digit}...{letter}{_suf{#}}...
 * {~hash}{-r#}}: the numbers numerically (a dotted number with a leading zero compares as text,
 * as Gentoo does), one optional letter, suffixes {@code _alpha < _beta < _pre < _rc} < none
 * {@code < _cvs < _svn < _git < _hg < _p}, each with an optional number, an optional commit
 * hash, and the package revision {@code -rN}. When one version runs out first, the other is
 * newer unless it goes on with a pre-release suffix.
 */
final class Apk implements VersionScheme {
    static final Apk INSTANCE = new Apk();

    // token kinds in the order apk-tools numbers them: a higher kind where the other version
    // has a lower one makes the version older
    private static final int INITIAL_DIGIT = 0;
    private static final int DIGIT = 1;
    private static final int LETTER = 2;
    private static final int SUFFIX = 3;
    private static final int SUFFIX_NO = 4;
    private static final int COMMIT_HASH = 5;
    private static final int REVISION_NO = 6;
    private static final int END = 7;
    private static final int INVALID = 8;

    /** Suffixes by rank; "" (index 4) is the place of no suffix. */
    private static final List<String> SUFFIXES =
            List.of("alpha", "beta", "pre", "rc", "", "cvs", "svn", "git", "hg", "p");
    private static final int NO_SUFFIX = SUFFIXES.indexOf("");

    private Apk() {
    }

    @Override
    public String name() {
        return "apk";
    }

    @Override
    public boolean valid(String version) {
        if (version == null) {
            return false;
        }
        Tokens t = new Tokens(version);
        while (t.kind < END) {
            t.next();
        }
        return t.kind == END;
    }

    @Override
    public int compare(String a, String b) {
        if (!valid(a)) {
            throw Digits.invalid("apk", a);
        }
        if (!valid(b)) {
            throw Digits.invalid("apk", b);
        }
        Tokens x = new Tokens(a);
        Tokens y = new Tokens(b);
        for (; x.kind == y.kind && x.kind < END; x.next(), y.next()) {
            int c = x.compareValue(y);
            if (c != 0) {
                return c;
            }
        }
        if (x.kind == y.kind) {
            return 0;
        }
        // equal so far: the version that goes on is newer, unless with a pre-release suffix
        if (x.kind == SUFFIX && x.suffix < NO_SUFFIX) {
            return -1;
        }
        if (y.kind == SUFFIX && y.suffix < NO_SUFFIX) {
            return 1;
        }
        return x.kind > y.kind ? -1 : 1;
    }

    /** A cursor over a version's tokens; the current one is {@code s[from, to)} of {@code kind}. */
    private static final class Tokens {
        private final String s;
        private int pos;
        int kind = INITIAL_DIGIT;
        int from;
        int to;
        int suffix;

        Tokens(String s) {
            this.s = s;
            digits();
        }

        private char peek() {
            return s.charAt(pos);
        }

        private void digits() {
            from = pos;
            while (pos < s.length() && Digits.isDigit(peek())) {
                pos++;
            }
            to = pos;
            if (from == to) {
                kind = INVALID;
            }
        }

        /** Moves to the next token, checking that it may follow the current one. */
        void next() {
            if (pos == s.length()) {
                kind = END;
                return;
            }
            char c = peek();
            if (c >= 'a' && c <= 'z') {
                kind = kind > DIGIT ? INVALID : LETTER;
                from = pos++;
                to = pos;
            } else if (c == '.' || Digits.isDigit(c)) {
                nextNumber(c == '.');
            } else if (c == '_') {
                nextSuffix();
            } else if (c == '~') {
                nextHash();
            } else if (c == '-' && kind < REVISION_NO && s.startsWith("-r", pos)) {
                pos += 2;
                kind = REVISION_NO;
                digits();
            } else {
                kind = INVALID;
            }
        }

        private void nextNumber(boolean dot) {
            if (dot) {
                if (kind > DIGIT) {
                    kind = INVALID;
                    return;
                }
                pos++;
            }
            kind = kind <= DIGIT ? DIGIT : kind == SUFFIX ? SUFFIX_NO : INVALID;
            if (kind != INVALID) {
                digits();
            }
        }

        private void nextSuffix() {
            if (kind > SUFFIX_NO) {
                kind = INVALID;
                return;
            }
            from = ++pos;
            while (pos < s.length() && peek() >= 'a' && peek() <= 'z') {
                pos++;
            }
            to = pos;
            String word = s.substring(from, to);
            suffix = SUFFIXES.indexOf(word);
            kind = word.isEmpty() || suffix < 0 ? INVALID : SUFFIX;
        }

        private void nextHash() {
            if (kind >= COMMIT_HASH) {
                kind = INVALID;
                return;
            }
            from = ++pos;
            while (pos < s.length() && (Digits.isDigit(peek()) || (peek() >= 'a' && peek() <= 'f'))) {
                pos++;
            }
            to = pos;
            kind = from == to ? INVALID : COMMIT_HASH;
        }

        /** Compares the values of two tokens of the same kind. */
        int compareValue(Tokens o) {
            int c = switch (kind) {
                case DIGIT -> s.charAt(from) == '0' || o.s.charAt(o.from) == '0'
                        ? text().compareTo(o.text()) // a leading zero: compare as text
                        : numeric(o);
                case INITIAL_DIGIT, SUFFIX_NO, REVISION_NO -> numeric(o);
                case LETTER -> Character.compare(s.charAt(from), o.s.charAt(o.from));
                case SUFFIX -> Integer.compare(suffix, o.suffix);
                default -> text().compareTo(o.text());
            };
            return Integer.signum(c);
        }

        private int numeric(Tokens o) {
            return Digits.compare(s, from, to, o.s, o.from, o.to);
        }

        private String text() {
            return s.substring(from, to);
        }
    }
}
