package dev.telltale.sso;

/** Text from the provider or the callback's query, made safe to show and record. */
final class Text {
    private Text() {
    }

    /** {@code s} without control characters, at most {@code max} characters. */
    static String clean(String s, int max) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), max));
        s.codePoints().filter(c -> !Character.isISOControl(c)).limit(max).forEach(b::appendCodePoint);
        return b.toString();
    }
}
