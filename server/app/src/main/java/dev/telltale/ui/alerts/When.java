package dev.telltale.ui.alerts;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * A moment as pages show it: how long ago in words, the exact UTC time (for a tooltip and
 * {@code <time datetime>}), so lists stay short and nothing is lost.
 */
public record When(String iso, String exact, String ago) {
    private static final DateTimeFormatter EXACT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    /** {@code t} relative to {@code now}; moments in the future read "in …". */
    public static When of(Instant t, Instant now) {
        return new When(t.toString(), EXACT.format(t), ago(Duration.between(t, now)));
    }

    static String ago(Duration d) {
        boolean future = d.isNegative();
        long s = Math.abs(d.toSeconds());
        String span;
        if (s < 60) {
            return future ? "in a moment" : "just now";
        } else if (s < 3600) {
            span = s / 60 + " min";
        } else if (s < 86_400) {
            span = s / 3600 + " h";
        } else {
            long days = s / 86_400;
            span = days + (days == 1 ? " day" : " days");
        }
        return future ? "in " + span : span + " ago";
    }
}
