package dev.telltale.ui.events;

import dev.telltale.store.Histogram;
import dev.telltale.ui.Svg;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.function.BiFunction;

/**
 * The time histogram of a search as inline SVG, drawn on the server: a column per bucket, each a
 * link that narrows the search to its bucket (no script needed), with the range's ends and the
 * busiest bucket's count as labels.
 */
final class TimeChart {
    static final DateTimeFormatter LABEL = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm:ss").withZone(ZoneOffset.UTC);
    static final DateTimeFormatter FINE = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
    private static final int WIDTH = 1000, HEIGHT = 110, AXIS = 18;

    private TimeChart() {
    }

    /**
     * The chart; {@code zoom} gives the link for a bucket's start and end (microseconds, end
     * exclusive). Labels are escaped.
     */
    static String draw(String title, Histogram h, BiFunction<Long, Long, String> zoom) {
        long max = Math.max(1, h.counts().stream().mapToLong(Long::longValue).max().orElse(1));
        StringBuilder sb = new StringBuilder("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart timeline\" role=\"img\"")
                .append(" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT + AXIS).append("\" aria-label=\"")
                .append(Svg.esc(title)).append("\"><title>").append(Svg.esc(title)).append("</title>");
        int n = h.counts().size();
        double w = (double) WIDTH / Math.max(1, n);
        for (int i = 0; i < n; i++) {
            long c = h.counts().get(i);
            long start = h.fromUs() + i * h.intervalUs();
            double bar = c == 0 ? 0 : Math.max(2, (double) c * HEIGHT / max);
            String tip = c + " events from " + label(start) + " UTC";
            sb.append("<a href=\"").append(Svg.esc(zoom.apply(start, start + h.intervalUs()))).append("\">")
                    .append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"0\" width=\"%.1f\" height=\"%d\" class=\"slot\"/>",
                            i * w, w, HEIGHT))
                    .append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" class=\"bar\"/>",
                            i * w + 0.5, HEIGHT - bar, Math.max(1, w - 1), bar))
                    .append("<title>").append(Svg.esc(tip)).append("</title></a>");
        }
        sb.append("<line x1=\"0\" y1=\"").append(HEIGHT).append("\" x2=\"").append(WIDTH).append("\" y2=\"").append(HEIGHT)
                .append("\" class=\"axis\"/>");
        if (n > 0) {
            sb.append("<text x=\"0\" y=\"").append(HEIGHT + 14).append("\" class=\"chart-label\">")
                    .append(Svg.esc(ends(h.fromUs(), h.fromUs() + n * h.intervalUs())[0] + " UTC")).append("</text><text x=\"")
                    .append(WIDTH).append("\" y=\"").append(HEIGHT + 14).append("\" text-anchor=\"end\" class=\"chart-label\">")
                    .append(Svg.esc(ends(h.fromUs(), h.fromUs() + n * h.intervalUs())[1] + " UTC")).append("</text>");
        }
        sb.append("<text x=\"").append(WIDTH).append("\" y=\"12\" text-anchor=\"end\" class=\"chart-value\">max ")
                .append(max).append(" per ").append(Svg.esc(interval(h.intervalUs()))).append("</text>");
        return sb.append("</svg>").toString();
    }

    static String label(long us) {
        return LABEL.format(Instant.ofEpochMilli(Math.floorDiv(us, 1000)));
    }

    /** Both ends of the axis; with seconds and milliseconds when the span is shorter than a minute, so the ends differ. */
    static String[] ends(long fromUs, long toUs) {
        if (toUs - fromUs >= 60_000_000L) {
            return new String[]{label(fromUs), label(toUs)};
        }
        return new String[]{FINE.format(Instant.ofEpochMilli(Math.floorDiv(fromUs, 1000))),
                FINE.format(Instant.ofEpochMilli(Math.floorDiv(toUs, 1000)))};
    }

    /** A bucket width for people: 30 s, 5 min, 1 h, 2 d. */
    static String interval(long us) {
        long s = us / 1_000_000;
        if (us < 1000) {
            return Math.max(1, us) + " µs";
        }
        if (s < 1) {
            return (us / 1000) + " ms";
        }
        if (s < 120) {
            return s + " s";
        }
        if (s < 7200) {
            return (s / 60) + " min";
        }
        if (s < 2 * 86_400) {
            return (s / 3600) + " h";
        }
        return (s / 86_400) + " d";
    }
}
