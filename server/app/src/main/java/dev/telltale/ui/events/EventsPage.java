package dev.telltale.ui.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telltale.api.EventJson;
import dev.telltale.audit.AuditLog;
import dev.telltale.rbac.Access;
import dev.telltale.rbac.Permission;
import dev.telltale.rbac.RouteTable;
import dev.telltale.store.BadQueryException;
import dev.telltale.store.EventHit;
import dev.telltale.store.EventStore;
import dev.telltale.store.FacetResult;
import dev.telltale.store.Histogram;
import dev.telltale.store.Scope;
import dev.telltale.store.SearchPage;
import dev.telltale.ui.Chrome;
import dev.telltale.ui.Page;
import dev.telltale.ui.UiException;
import dev.telltale.ui.Views;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The events explorer: a Lucene query with field hints, a time range, facets that refine the
 * query, a time histogram, the newest matching events a page at a time (the store's cursor, so
 * page 1,000 costs what page 1 does), one event in full, and exports of a whole search. Everything
 * is limited to the teams where the user may view events.
 */
public final class EventsPage implements Page {
    static final int PAGE_SIZE = 50;
    private static final int FACET_TOP = 8;
    private static final int BUCKETS = 60;
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter LOCAL_INPUT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss")
            .withZone(ZoneOffset.UTC);
    /** The facet dimensions the store counts, with their labels. */
    private static final List<String[]> DIMENSIONS = List.of(new String[]{"type", "Event type"},
            new String[]{"app", "Application"}, new String[]{"component", "Component"},
            new String[]{"version", "Version"}, new String[]{"host", "Host"});
    private final Views views;
    private final RouteTable routes;
    private final EventStore store;
    private final Clock clock;
    private final EventExport export;

    public EventsPage(Views views, RouteTable routes, EventStore store, AuditLog audit, Clock clock) {
        this.views = views;
        this.routes = routes;
        this.store = store;
        this.clock = clock;
        this.export = new EventExport(store, audit, clock);
    }

    /** One row of the result table. */
    record Row(String href, String time, String type, String host, String app, long pid, String summary) {
    }

    /** One value of a facet: clicking it adds {@code field:"value"} to the query (or takes it out again). */
    record FacetValue(String value, long count, String href, boolean active) {
    }

    /** A facet dimension and its most frequent values. */
    record FacetGroup(String label, String field, List<FacetValue> values) {
    }

    /** One choice of the time range picker. */
    record RangeOption(String id, String label, boolean selected) {
    }

    /** One fact of an event's detail: a name and its value as lines. */
    record Fact(String name, List<String> lines) {
    }

    @Override
    public void declare(RouteTable t) {
        t.page("GET", "/events", Permission.EVENTS_VIEW)
                .page("GET", "/events/export", Permission.EVENTS_VIEW)
                .page("GET", "/events/{uid}", Permission.EVENTS_VIEW);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/events", this::search)
                .get("/events/export", export::send)
                .get("/events/{uid}", this::detail);
    }

    private void search(ServerRequest req, ServerResponse res) {
        Scope scope = req.context().get(Access.class).orElseThrow().scope(Permission.EVENTS_VIEW);
        SearchParams s = SearchParams.read(req.query(), clock.millis());
        Map<String, Object> m = new HashMap<>();
        m.put("chrome", Chrome.of(req, routes, "Events"));
        m.put("rows", List.of());
        m.put("facets", List.of());
        if (s.valid()) {
            try {
                results(s, scope, m);
            } catch (BadQueryException e) {
                boolean cursor = e.getMessage().startsWith("'after'");
                s = s.withError(cursor ? "after" : "query", cursor ? "This page link is damaged; start again from the first page."
                        : capitalise(e.getMessage()) + ".");
                m.put("rows", List.of());
                m.put("facets", List.of());
            }
        }
        form(s, m);
        views.send(res, s.valid() ? 200 : 400, "events", m);
    }

    /** The search's page of events, histogram and facets into the model. */
    private void results(SearchParams s, Scope scope, Map<String, Object> m) {
        SearchPage page = store.search(s.query(PAGE_SIZE, scope, true));
        Histogram h = store.histogram(s.query(1, scope, false), BUCKETS);
        FacetResult f = store.facets(s.query(1, scope, false), DIMENSIONS.stream().map(d -> d[0]).toList(), FACET_TOP);
        String back = s.pageHref();
        List<Row> rows = new ArrayList<>();
        for (EventHit hit : page.hits()) {
            JsonNode j = EventJson.render(hit);
            rows.add(new Row(detailHref(hit, back), TIME.format(Instant.ofEpochMilli(Math.floorDiv(hit.tsUs(), 1000))),
                    hit.event().type().id(), hit.context().hostname(), app(hit), hit.event().pid(), EventText.summary(j)));
        }
        m.put("rows", rows);
        m.put("total", h.total());
        m.put("chart", TimeChart.draw("Matching events over time", h, (from, to) -> zoom(s, from, to)));
        m.put("facets", facets(s, f));
        m.put("nextHref", page.next().filter(c -> page.hits().size() == PAGE_SIZE).map(s::nextHref).orElse(null));
        m.put("firstHref", s.after().isPresent() ? s.href() : null);
        m.put("csvHref", s.exportHref("csv"));
        m.put("jsonlHref", s.exportHref("jsonl"));
    }

    private static String detailHref(EventHit hit, String back) {
        return "/events/" + hit.uid() + "?ts=" + hit.tsUs() + "&back="
                + java.net.URLEncoder.encode(back, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String app(EventHit hit) {
        var c = hit.context();
        return c.application() + " / " + c.component() + (c.version().isEmpty() ? "" : " " + c.version());
    }

    /** The same search narrowed to one bucket of the histogram. */
    private static String zoom(SearchParams s, long fromUs, long toUs) {
        String from = LOCAL_INPUT.format(Instant.ofEpochMilli(Math.floorDiv(fromUs, 1000)));
        String to = LOCAL_INPUT.format(Instant.ofEpochMilli(Math.floorDiv(toUs - 1, 1000)));
        return new SearchParams(s.q(), "custom", from, to, s.nowMs(), Optional.empty(), Map.of()).href();
    }

    private static List<FacetGroup> facets(SearchParams s, FacetResult f) {
        List<FacetGroup> out = new ArrayList<>();
        for (String[] d : DIMENSIONS) {
            List<FacetValue> values = new ArrayList<>();
            for (FacetResult.Count c : f.dimensions().getOrDefault(d[0], List.of())) {
                String clause = QueryText.clause(d[0], c.value());
                boolean active = QueryText.has(s.q(), clause);
                String q = active ? QueryText.remove(s.q(), clause) : QueryText.add(s.q(), clause);
                values.add(new FacetValue(c.value().isEmpty() ? "(none)" : c.value(), c.count(), s.withQuery(q).href(),
                        active));
            }
            if (!values.isEmpty()) {
                out.add(new FacetGroup(d[1], d[0], values));
            }
        }
        return out;
    }

    /** The form's fields as the user left them, the picker's choices and the hints. */
    private static void form(SearchParams s, Map<String, Object> m) {
        m.put("q", s.q());
        m.put("range", s.range());
        m.put("from", s.range().equals("custom") ? s.from() : "");
        m.put("to", s.range().equals("custom") ? s.to() : "");
        m.put("ranges", SearchParams.PRESETS.stream().map(p -> new RangeOption(p.id(), p.label(), p.id().equals(s.range())))
                .toList());
        m.put("rangeText", s.describeRange());
        m.put("errors", new HashMap<>(s.errors())); // a public Map class: templates call its methods reflectively
        m.put("contextFields", FieldHints.CONTEXT);
        m.put("stackFields", FieldHints.STACK);
        m.put("typeFields", FieldHints.TYPES);
        m.put("examples", FieldHints.EXAMPLES);
        m.put("exportCap", String.format(Locale.UK, "%,d", EventExport.MAX_ROWS));
        m.putIfAbsent("total", 0L);
        m.putIfAbsent("chart", "");
        m.putIfAbsent("nextHref", null);
        m.putIfAbsent("firstHref", null);
    }

    private void detail(ServerRequest req, ServerResponse res) {
        Scope scope = req.context().get(Access.class).orElseThrow().scope(Permission.EVENTS_VIEW);
        long uid = number(req.path().pathParameters().get("uid"))
                .orElseThrow(() -> new UiException(404, "There is no such event."));
        Optional<Long> ts = req.query().first("ts").asOptional().flatMap(EventsPage::number);
        EventHit hit = store.byUid(uid, ts.orElse(0L), ts.orElse(Long.MAX_VALUE), scope).orElseThrow(() ->
                new UiException(404, "There is no event " + uid + " you may see. It may have aged out of retention."));
        JsonNode j = EventJson.render(hit);
        Map<String, Object> m = new HashMap<>();
        m.put("chrome", Chrome.of(req, routes, "Event " + j.path("id").asText()));
        m.put("event", j);
        m.put("type", hit.event().type().id());
        m.put("summary", EventText.summary(j));
        m.put("time", TIME.format(Instant.ofEpochMilli(Math.floorDiv(hit.tsUs(), 1000))) + " UTC");
        m.put("context", context(j));
        m.put("fields", fields(j.path("fields")));
        List<String> stack = new ArrayList<>();
        j.path("stack").forEach(f -> stack.add(EventText.frame(stack.size(), f)));
        m.put("stack", stack);
        m.put("back", back(req.query().first("back").orElse("")));
        m.put("processHref", new SearchParams(QueryText.add(QueryText.clause("host", hit.context().hostname()),
                "pid:" + hit.event().pid()), "all", "", "", clock.millis(), Optional.empty(), Map.of()).href());
        views.send(res, 200, "event", m);
    }

    private static List<Fact> context(JsonNode j) {
        List<Fact> out = new ArrayList<>();
        String[][] names = {{"id", "Event id"}, {"uid", "Store id"}, {"type", "Type"}, {"time", "Event time"},
                {"received", "Received"}, {"team", "Team"}, {"app", "Application"}, {"component", "Component"},
                {"version", "Version"}, {"host", "Host"}, {"agent", "Agent"}, {"agent_instance", "Agent instance"},
                {"seq", "Sequence number"}, {"pid", "Process id"}, {"tid", "Thread id"}};
        for (String[] n : names) {
            if (j.hasNonNull(n[0]) && !j.get(n[0]).asText().isEmpty()) {
                out.add(new Fact(n[1], List.of(j.get(n[0]).asText())));
            }
        }
        return out;
    }

    private static List<Fact> fields(JsonNode fields) {
        List<Fact> out = new ArrayList<>();
        fields.fields().forEachRemaining(e -> out.add(new Fact(e.getKey(), EventText.lines(e.getValue()))));
        return out;
    }

    /** Where "back to the search" goes: a search page of this appliance, else the explorer. */
    static String back(String path) {
        return path.startsWith("/events?") && !path.contains("\\") && path.chars().noneMatch(c -> c < 0x20)
                ? path : "/events";
    }

    static Optional<Long> number(String s) {
        try {
            long v = Long.parseLong(s);
            return v < 0 ? Optional.empty() : Optional.of(v);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String capitalise(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
