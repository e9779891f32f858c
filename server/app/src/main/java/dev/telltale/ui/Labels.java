package dev.telltale.ui;

import java.util.Locale;

/** Words and numbers as pages show them. */
public final class Labels {
    private Labels() {
    }

    /** A triage state's name for people: REPORTED → Reported, NOT_AN_ISSUE → Not an issue. */
    public static String state(String state) {
        String s = state.toLowerCase(Locale.ROOT).replace('_', ' ');
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** A byte count in the largest unit that keeps it above 1 (binary units). */
    public static String bytes(long n) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? n + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
