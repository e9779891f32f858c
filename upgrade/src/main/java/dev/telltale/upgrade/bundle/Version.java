package dev.telltale.upgrade.bundle;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Telltale version, {@code MAJOR.MINOR.PATCH} with an optional {@code -qualifier}
 * ({@code 0.1.0-SNAPSHOT}, {@code 1.2.0-rc.1}). Ordered by semantic-versioning precedence: a
 * qualified version comes before the same plain version; qualifiers compare identifier by
 * identifier, numeric ones numerically and before alphanumeric ones.
 *
 * @param qualifier the text after '-', empty for a plain version
 */
public record Version(int major, int minor, int patch, String qualifier) implements Comparable<Version> {

    private static final int MAX_LENGTH = 64;
    private static final Pattern FORM = Pattern.compile(
            "(0|[1-9][0-9]{0,8})\\.(0|[1-9][0-9]{0,8})\\.(0|[1-9][0-9]{0,8})"
                    + "(?:-([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?");

    /** Validates the parts; throws {@link IllegalArgumentException} naming the bad one. */
    public Version {
        if (major < 0 || minor < 0 || patch < 0) {
            throw new IllegalArgumentException("version numbers must not be negative: " + major + "." + minor + "." + patch);
        }
        Objects.requireNonNull(qualifier, "qualifier");
        if (!qualifier.isEmpty() && !FORM.matcher("0.0.0-" + qualifier).matches()) {
            throw new IllegalArgumentException("not a version qualifier: \"" + qualifier + "\"");
        }
    }

    /**
     * Parses {@code MAJOR.MINOR.PATCH[-qualifier]}.
     *
     * @throws IllegalArgumentException quoting the text when it is not such a version
     */
    public static Version parse(String text) {
        Objects.requireNonNull(text, "text");
        Matcher m = text.length() <= MAX_LENGTH ? FORM.matcher(text) : null;
        if (m == null || !m.matches()) {
            String shown = text.length() <= MAX_LENGTH ? text : text.substring(0, MAX_LENGTH) + "...";
            throw new IllegalArgumentException("not a version (MAJOR.MINOR.PATCH[-qualifier]): \"" + shown + "\"");
        }
        return new Version(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)), m.group(4) == null ? "" : m.group(4));
    }

    /** True for a version with a qualifier (a snapshot or a release candidate). */
    public boolean isQualified() {
        return !qualifier.isEmpty();
    }

    @Override
    public int compareTo(Version o) {
        int c = Integer.compare(major, o.major);
        if (c == 0) c = Integer.compare(minor, o.minor);
        if (c == 0) c = Integer.compare(patch, o.patch);
        if (c != 0) return c;
        if (qualifier.isEmpty() || o.qualifier.isEmpty()) {
            // 1.0.0-rc.1 < 1.0.0: a release comes after its pre-releases.
            return Boolean.compare(qualifier.isEmpty(), o.qualifier.isEmpty());
        }
        return compareQualifiers(qualifier, o.qualifier);
    }

    private static int compareQualifiers(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int c = compareIdentifiers(x[i], y[i]);
            if (c != 0) return c;
        }
        return Integer.compare(x.length, y.length);
    }

    private static int compareIdentifiers(String a, String b) {
        boolean na = a.chars().allMatch(Character::isDigit);
        boolean nb = b.chars().allMatch(Character::isDigit);
        if (na && nb) {
            // Digit strings of any length, without overflow: longer (without leading zeros) is larger.
            String sa = a.replaceFirst("^0+(?=.)", "");
            String sb = b.replaceFirst("^0+(?=.)", "");
            return sa.length() != sb.length() ? Integer.compare(sa.length(), sb.length()) : sa.compareTo(sb);
        }
        if (na != nb) return na ? -1 : 1;
        return a.compareTo(b);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch + (qualifier.isEmpty() ? "" : "-" + qualifier);
    }
}
