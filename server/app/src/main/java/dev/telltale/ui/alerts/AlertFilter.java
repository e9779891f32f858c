package dev.telltale.ui.alerts;

import dev.telltale.alerts.Alerts;
import dev.telltale.alerts.TriageState;
import dev.telltale.policy.Severity;
import dev.telltale.store.Scope;
import dev.telltale.ui.UiException;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The filters, order and page of the alert list as its GET form sends them ({@code severity} and
 * {@code state} repeat; {@code application}, {@code component}, {@code rule}, {@code range},
 * {@code sort}, {@code after}), parsed and checked once, and written back as a canonical query
 * string for links (next page, the bulk form's way back).
 */
record AlertFilter(Set<Severity> severities, Set<TriageState> states, String application, String component,
                   String rule, String range, Alerts.Sort sort, Optional<String> after) {
    /** Time ranges on last seen, offered in the form. */
    static final Map<String, Duration> RANGES = rangeMap();
    private static final int NAME_MAX = 200;

    private static Map<String, Duration> rangeMap() {
        Map<String, Duration> m = new LinkedHashMap<>();
        m.put("1h", Duration.ofHours(1));
        m.put("24h", Duration.ofHours(24));
        m.put("7d", Duration.ofDays(7));
        m.put("30d", Duration.ofDays(30));
        m.put("90d", Duration.ofDays(90));
        return m;
    }

    /**
     * Parses the parameters of a list URL.
     *
     * @throws UiException 400 naming the parameter when a value is not one the form offers
     */
    static AlertFilter parse(Map<String, List<String>> p) {
        Set<Severity> sev = EnumSet.noneOf(Severity.class);
        for (String s : values(p, "severity")) {
            sev.add(Severity.parse(s).orElseThrow(() -> bad("severity", "P1, P2, P3 or P4")));
        }
        Set<TriageState> states = EnumSet.noneOf(TriageState.class);
        for (String s : values(p, "state")) {
            states.add(TriageState.parse(s).orElseThrow(() -> bad("state", "a triage state")));
        }
        String range = first(p, "range");
        if (!range.isEmpty() && !RANGES.containsKey(range)) {
            throw bad("range", "one of " + String.join(", ", RANGES.keySet()));
        }
        Alerts.Sort sort = switch (first(p, "sort")) {
            case "", "last_seen" -> Alerts.Sort.LAST_SEEN;
            case "severity" -> Alerts.Sort.SEVERITY;
            default -> throw bad("sort", "last_seen or severity");
        };
        String rule = first(p, "rule");
        if (rule.length() > 64) {
            throw bad("rule", "a rule id");
        }
        String after = first(p, "after");
        return new AlertFilter(sev, states, name(p, "application"), name(p, "component"), rule, range, sort,
                after.isEmpty() ? Optional.empty() : Optional.of(after));
    }

    /** Parses a query string such as the bulk form's {@code back} field. */
    static AlertFilter parse(String query) {
        Map<String, List<String>> m = dev.telltale.ui.Form.decode(query, "The address of the alert list is malformed.");
        return parse(m);
    }

    /** The alert service's query for this filter. */
    Alerts.AlertQuery query(Scope scope, Instant now, int limit) {
        Optional<Instant> from = range.isEmpty() ? Optional.empty() : Optional.of(now.minus(RANGES.get(range)));
        return new Alerts.AlertQuery(severities, states, opt(application), opt(component), opt(rule), from,
                Optional.empty(), limit, after, scope, sort);
    }

    /** The same filters and order on the first page. */
    AlertFilter withoutPage() {
        return new AlertFilter(severities, states, application, component, rule, range, sort, Optional.empty());
    }

    /** Whether anything narrows the list (the page then offers to clear the filters). */
    boolean narrowed() {
        return !severities.isEmpty() || !states.isEmpty() || !application.isEmpty() || !component.isEmpty()
                || !rule.isEmpty() || !range.isEmpty();
    }

    /** The filters and order (not the page) as a query string, without a leading {@code ?}. */
    String queryString() {
        List<String> parts = new ArrayList<>();
        severities.forEach(s -> parts.add("severity=" + s.name()));
        states.forEach(s -> parts.add("state=" + s.name()));
        add(parts, "application", application);
        add(parts, "component", component);
        add(parts, "rule", rule);
        add(parts, "range", range);
        if (sort == Alerts.Sort.SEVERITY) {
            parts.add("sort=severity");
        }
        return String.join("&", parts);
    }

    /** The list URL of the page after {@code cursor}. */
    String pageHref(String cursor) {
        String q = queryString();
        return "/alerts?" + (q.isEmpty() ? "" : q + "&") + "after=" + enc(cursor);
    }

    private static void add(List<String> parts, String name, String value) {
        if (!value.isEmpty()) {
            parts.add(name + "=" + enc(value));
        }
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static List<String> values(Map<String, List<String>> p, String name) {
        List<String> out = new ArrayList<>();
        for (String v : p.getOrDefault(name, List.of())) {
            for (String s : v.split(",")) {
                if (!s.isBlank()) {
                    out.add(s.trim().toUpperCase(Locale.ROOT));
                }
            }
        }
        return out;
    }

    private static String first(Map<String, List<String>> p, String name) {
        List<String> v = p.getOrDefault(name, List.of());
        return v.isEmpty() ? "" : v.get(0).trim();
    }

    private static String name(Map<String, List<String>> p, String param) {
        String v = first(p, param);
        if (v.length() > NAME_MAX) {
            throw bad(param, "at most " + NAME_MAX + " characters");
        }
        return v;
    }

    private static Optional<String> opt(String s) {
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }

    private static UiException bad(String param, String expected) {
        return new UiException(400, "The alert filter '" + param + "' must be " + expected + ".");
    }
}
