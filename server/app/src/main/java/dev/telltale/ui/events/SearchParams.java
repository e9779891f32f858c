package dev.telltale.ui.events;

import dev.telltale.store.BadQueryException;
import dev.telltale.store.Cursor;
import dev.telltale.store.EventQuery;
import dev.telltale.store.Scope;
import io.helidon.common.parameters.Parameters;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The events search as the GET form and its links carry it: the query text, a time range (a preset
 * relative to {@code now}, or custom from/to in UTC as {@code datetime-local} inputs send them) and
 * the cursor of the page. Parsing never throws: what is wrong lands in {@link #errors()} by field
 * name, to be shown next to that field. Error keys have two or more letters ({@code query} for the
 * {@code q} box): templates look them up with OGNL literals, where {@code 'q'} is a character.
 *
 * <p>{@code now} pins a relative range: the next page and the export of "last hour" cover the same
 * hour as the page the user is looking at, not one that moved on meanwhile.
 */
record SearchParams(String q, String range, String from, String to, long nowMs, Optional<String> after,
                    Map<String, String> errors) {
    /** The time range presets, in the order the picker shows them. */
    static final List<Preset> PRESETS = List.of(new Preset("15m", "Last 15 minutes", 15 * 60_000L),
            new Preset("1h", "Last hour", 3_600_000L), new Preset("24h", "Last 24 hours", 86_400_000L),
            new Preset("7d", "Last 7 days", 7 * 86_400_000L), new Preset("all", "All time", 0),
            new Preset("custom", "Custom (UTC)", 0));
    static final String DEFAULT_RANGE = "24h";
    private static final int MAX_TEXT = 64;

    /** A time range preset: its parameter value, its label and how far back it reaches (0: no limit). */
    record Preset(String id, String label, long backMs) {
    }

    SearchParams {
        errors = Map.copyOf(errors);
    }

    /**
     * Whether the person typed From or To but left a preset range selected: then they mean a custom
     * range. Without JavaScript the page cannot switch the select for them, so the form carries
     * what it showed ({@code shown}: "range|from|to") and an edit of the dates alone is read as
     * "Custom"; choosing another range in the select still wins.
     */
    static boolean datesEditedAlone(String shown, String range, String from, String to) {
        String[] was = shown.split("\\|", -1);
        if (was.length != 3 || range.equals("custom") || !was[0].equals(range)) {
            return false;
        }
        boolean edited = !was[1].equals(from) || !was[2].equals(to);
        return edited && !(from.isEmpty() && to.isEmpty());
    }

    /** Reads the form's parameters; {@code clockMs} is now unless the parameters pin it. */
    static SearchParams read(Parameters p, long clockMs) {
        Map<String, String> errors = new LinkedHashMap<>();
        String q = p.first("q").orElse("").trim();
        String from = p.first("from").orElse("").trim();
        String to = p.first("to").orElse("").trim();
        String chosen = p.first("range").orElse(from.isEmpty() && to.isEmpty() ? DEFAULT_RANGE : "custom");
        String range = datesEditedAlone(p.first("shown").orElse(""), chosen, from, to) ? "custom" : chosen;
        if (PRESETS.stream().noneMatch(r -> r.id().equals(range))) {
            errors.put("range", "Choose one of the listed time ranges.");
        }
        long now = clockMs;
        Optional<String> pinned = p.first("now").asOptional();
        if (pinned.isPresent()) {
            try {
                now = Math.min(clockMs, Long.parseLong(pinned.get()));
            } catch (NumberFormatException e) {
                errors.put("range", "The time range of this link is damaged; choose it again.");
            }
        }
        SearchParams s = new SearchParams(q, range, from, to, now, p.first("after").asOptional().filter(a -> !a.isBlank()),
                errors);
        return s.validated();
    }

    private SearchParams validated() {
        Map<String, String> e = new LinkedHashMap<>(errors);
        if (range.equals("custom")) {
            if (!from.isEmpty() && micros(from, false).isEmpty()) {
                e.put("from", "Enter a date and time such as 2026-11-26T04:00 (UTC).");
            }
            if (!to.isEmpty() && micros(to, true).isEmpty()) {
                e.put("to", "Enter a date and time such as 2026-11-26T05:00 (UTC).");
            }
            if (!e.containsKey("from") && !e.containsKey("to") && fromUs() > toUs()) {
                e.put("to", "The end of the range is before its start.");
            }
        }
        return new SearchParams(q, range, from, to, nowMs, after, e);
    }

    /** Whether the range and the other non-query fields are usable (a bad query is found by the store). */
    boolean valid() {
        return errors.isEmpty();
    }

    SearchParams withError(String field, String message) {
        Map<String, String> e = new LinkedHashMap<>(errors);
        e.put(field, message);
        return new SearchParams(q, range, from, to, nowMs, after, e);
    }

    /** Start of the range in microseconds since the epoch (0 when open). */
    long fromUs() {
        if (range.equals("custom")) {
            return micros(from, false).orElse(0L);
        }
        return preset().filter(p -> p.backMs() > 0).map(p -> (nowMs - p.backMs()) * 1000).orElse(0L);
    }

    /** End of the range in microseconds, inclusive. */
    long toUs() {
        if (range.equals("custom")) {
            return micros(to, true).orElse(Long.MAX_VALUE);
        }
        return range.equals("all") ? Long.MAX_VALUE : nowMs * 1000 + 999;
    }

    private Optional<Preset> preset() {
        return PRESETS.stream().filter(p -> p.id().equals(range)).findFirst();
    }

    /**
     * A store query for this search; {@code withCursor} continues after this page's cursor.
     *
     * @throws BadQueryException when the query is too long or the cursor is not one the store made
     */
    EventQuery query(int limit, Scope scope, boolean withCursor) {
        Optional<Cursor> c = withCursor ? after.map(Cursor::decode) : Optional.empty();
        return new EventQuery(q, fromUs(), toUs(), limit, c, scope);
    }

    /**
     * A {@code datetime-local} value read as UTC, in microseconds. An end given to the minute
     * covers that whole minute (to the second: that whole second).
     */
    static Optional<Long> micros(String text, boolean end) {
        if (text.isEmpty() || text.length() > MAX_TEXT) {
            return Optional.empty();
        }
        try {
            LocalDateTime t = LocalDateTime.parse(text);
            long us = t.toEpochSecond(ZoneOffset.UTC) * 1_000_000L + t.getNano() / 1000;
            if (end) {
                boolean toMinute = text.length() <= "2026-11-26T04:00".length();
                us += toMinute ? 59_999_999L : (t.getNano() == 0 ? 999_999L : 0);
            }
            return us < 0 ? Optional.empty() : Optional.of(us);
        } catch (DateTimeParseException | ArithmeticException e) {
            return Optional.empty();
        }
    }

    /** This search with another query text, back on its first page. */
    SearchParams withQuery(String text) {
        return new SearchParams(text, range, from, to, nowMs, Optional.empty(), errors);
    }

    /** The same search from its first page. */
    String href() {
        return "/events" + query(Optional.empty(), Map.of());
    }

    /** This very page of the search (with its cursor, if any). */
    String pageHref() {
        return "/events" + query(after, Map.of());
    }

    /** The same search on the page after {@code cursor}. */
    String nextHref(Cursor cursor) {
        return "/events" + query(Optional.of(cursor.encode()), Map.of());
    }

    /** The export of this search (every page) in {@code format}. */
    String exportHref(String format) {
        return "/events/export" + query(Optional.empty(), Map.of("format", format));
    }

    /** The query string of this search, with a cursor and extra parameters. */
    private String query(Optional<String> cursor, Map<String, String> extra) {
        Map<String, String> p = new LinkedHashMap<>();
        if (!q.isEmpty()) {
            p.put("q", q);
        }
        p.put("range", range);
        if (range.equals("custom")) {
            if (!from.isEmpty()) {
                p.put("from", from);
            }
            if (!to.isEmpty()) {
                p.put("to", to);
            }
        } else if (!range.equals("all")) {
            p.put("now", Long.toString(nowMs));
        }
        cursor.ifPresent(c -> p.put("after", c));
        p.putAll(extra);
        StringBuilder sb = new StringBuilder();
        p.forEach((k, v) -> sb.append(sb.isEmpty() ? '?' : '&').append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return sb.toString();
    }

    /** A short description of the range, for audit rows and the page ("last hour", "2026-… to 2026-…"). */
    String describeRange() {
        if (range.equals("custom")) {
            return (from.isEmpty() ? "the beginning" : from + " UTC") + " to " + (to.isEmpty() ? "now" : to + " UTC");
        }
        return preset().map(p -> p.label().toLowerCase(java.util.Locale.ROOT)).orElse(range);
    }
}
