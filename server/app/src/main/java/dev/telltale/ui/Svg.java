package dev.telltale.ui;

import java.util.List;
import java.util.Locale;

/**
 * Charts drawn on the server as inline SVG: no scripts, nothing fetched from elsewhere (the
 * appliance is often air-gapped). Every label is escaped; application and host names come from
 * agents and are not trusted.
 */
public final class Svg {
    /** One bar: its label, value and a CSS class for its colour. */
    public record Bar(String label, long value, String css) {
    }

    private Svg() {
    }

    /** Horizontal bars with labels and values, scaled to the largest. */
    public static String hbars(String title, List<Bar> bars) {
        int row = 26, labelW = 190, width = 520, barW = width - labelW - 60;
        long max = Math.max(1, bars.stream().mapToLong(Bar::value).max().orElse(1));
        StringBuilder sb = open(title, width, Math.max(row, bars.size() * row));
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            int y = i * row;
            long w = Math.max(b.value() > 0 ? 2 : 0, b.value() * barW / max);
            sb.append("<text x=\"0\" y=\"").append(y + 17).append("\" class=\"chart-label\">")
                    .append(esc(clip(b.label(), 28))).append("</text>");
            sb.append("<rect x=\"").append(labelW).append("\" y=\"").append(y + 5).append("\" width=\"").append(w)
                    .append("\" height=\"16\" class=\"").append(esc(b.css())).append("\"><title>").append(esc(b.label()))
                    .append(": ").append(b.value()).append("</title></rect>");
            sb.append("<text x=\"").append(labelW + w + 6).append("\" y=\"").append(y + 17)
                    .append("\" class=\"chart-value\">").append(b.value()).append("</text>");
        }
        return sb.append("</svg>").toString();
    }

    /** A column per time bucket with the first and last bucket's labels under the axis. */
    public static String columns(String title, List<Long> counts, String firstLabel, String lastLabel) {
        int width = 520, height = 140, axis = 18;
        long max = Math.max(1, counts.stream().mapToLong(Long::longValue).max().orElse(1));
        StringBuilder sb = open(title, width, height + axis);
        double w = (double) width / Math.max(1, counts.size());
        for (int i = 0; i < counts.size(); i++) {
            long c = counts.get(i);
            double h = c == 0 ? 0 : Math.max(1, (double) c * height / max);
            sb.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" class=\"bar\">"
                    + "<title>%d</title></rect>", i * w + 1, height - h, Math.max(1, w - 2), h, c));
        }
        sb.append("<line x1=\"0\" y1=\"").append(height).append("\" x2=\"").append(width).append("\" y2=\"").append(height)
                .append("\" class=\"axis\"/>");
        sb.append("<text x=\"0\" y=\"").append(height + 14).append("\" class=\"chart-label\">").append(esc(firstLabel))
                .append("</text><text x=\"").append(width).append("\" y=\"").append(height + 14)
                .append("\" text-anchor=\"end\" class=\"chart-label\">").append(esc(lastLabel)).append("</text>");
        sb.append("<text x=\"4\" y=\"12\" class=\"chart-value\">max ").append(max).append("</text>");
        return sb.append("</svg>").toString();
    }

    private static StringBuilder open(String title, int w, int h) {
        return new StringBuilder("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" viewBox=\"0 0 ")
                .append(w).append(' ').append(h).append("\" aria-label=\"").append(esc(title)).append("\"><title>")
                .append(esc(title)).append("</title>");
    }

    public static String clip(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }

    public static String esc(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c < 0x20 && c != '\t' ? ' ' : c);
            }
        }
        return sb.toString();
    }
}
