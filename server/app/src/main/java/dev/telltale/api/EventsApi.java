package dev.telltale.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.auth.User;
import dev.telltale.store.Cursor;
import dev.telltale.store.EventHit;
import dev.telltale.store.EventQuery;
import dev.telltale.store.EventStore;
import dev.telltale.store.FacetResult;
import dev.telltale.store.Histogram;
import dev.telltale.store.Scope;
import dev.telltale.store.SearchPage;
import io.helidon.common.parameters.Parameters;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * {@code /api/v1/events}: search (newest first, cursor paging), facets and histogram.
 * Parameters: {@code q} (Lucene syntax), {@code from}/{@code to} (see {@link TimeParam}),
 * {@code limit}, {@code after}; facets take {@code dims} and {@code top}, histograms
 * {@code buckets}.
 */
final class EventsApi implements HttpService {
    private final EventStore store;
    private final Clock clock;

    EventsApi(EventStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::search)
                .get("/facets", this::facets)
                .get("/histogram", this::histogram)
                .get("/{uid}", this::one);
    }

    /** One event by id; {@code at} (its event time, as alerts' evidence gives it) makes the lookup cheap. */
    private void one(ServerRequest req, ServerResponse res) {
        User user = Principal.user(req);
        long uid = Json.pathId(req, "uid", "an event id");
        long from = 0, to = Long.MAX_VALUE;
        Optional<String> at = req.query().first("at").asOptional();
        if (at.isPresent()) {
            from = TimeParam.parse("at", at.get(), clock.millis());
            to = from;
        }
        Scope scope = Visibility.of(Principal.access(req), dev.telltale.rbac.Permission.EVENTS_VIEW);
        EventHit hit = store.byUid(uid, from, to, scope).orElseThrow(() -> ApiProblem.notFound(
                "no event " + uid + at.map(a -> " at " + a).orElse("") + " (it may have aged out of retention)"));
        Json.send(res, EventJson.render(hit));
    }

    private EventQuery query(ServerRequest req, int defaultLimit) {
        User user = Principal.user(req);
        Parameters p = req.query();
        long now = clock.millis();
        long from = p.first("from").map(s -> TimeParam.parse("from", s, now)).orElse(0L);
        long to = p.first("to").map(s -> TimeParam.parse("to", s, now)).orElse(Long.MAX_VALUE);
        int limit = p.first("limit").map(s -> intParam("limit", s)).orElse(defaultLimit);
        Optional<Cursor> after = p.first("after").map(Cursor::decode);
        Scope scope = Visibility.of(Principal.access(req), dev.telltale.rbac.Permission.EVENTS_VIEW);
        return new EventQuery(p.first("q").orElse(""), from, to, limit, after, scope);
    }

    static int intParam(String name, String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw ApiProblem.badRequest("'" + name + "' must be a whole number");
        }
    }

    private void search(ServerRequest req, ServerResponse res) {
        SearchPage page = store.search(query(req, 100));
        ArrayNode events = Json.MAPPER.createArrayNode();
        for (EventHit h : page.hits()) {
            events.add(EventJson.render(h));
        }
        ObjectNode out = Json.object();
        out.set("events", events);
        out.put("total", page.total());
        out.put("total_exact", page.totalExact());
        page.next().ifPresentOrElse(c -> out.put("next", c.encode()), () -> out.putNull("next"));
        out.put("took_ms", page.tookMs());
        Json.send(res, out);
    }

    private void facets(ServerRequest req, ServerResponse res) {
        EventQuery q = query(req, 1);
        List<String> dims = req.query().first("dims").map(s -> Arrays.stream(s.split(",")).map(String::trim)
                .filter(d -> !d.isEmpty()).toList()).orElse(List.of("type", "app", "host"));
        int top = req.query().first("top").map(s -> intParam("top", s)).orElse(10);
        if (top < 1 || top > 1000) {
            throw ApiProblem.badRequest("'top' must be between 1 and 1000");
        }
        FacetResult f = store.facets(q, dims, top);
        ObjectNode out = Json.object();
        out.put("total", f.total());
        ObjectNode d = out.putObject("facets");
        f.dimensions().forEach((dim, counts) -> {
            ArrayNode arr = d.putArray(dim);
            counts.forEach(c -> arr.addObject().put("value", c.value()).put("count", c.count()));
        });
        Json.send(res, out);
    }

    private void histogram(ServerRequest req, ServerResponse res) {
        EventQuery q = query(req, 1);
        int buckets = req.query().first("buckets").map(s -> intParam("buckets", s)).orElse(60);
        Histogram h = store.histogram(q, buckets);
        ObjectNode out = Json.object();
        out.put("interval_ms", h.intervalUs() / 1000.0);
        out.put("total", h.total());
        ArrayNode arr = out.putArray("buckets");
        for (int i = 0; i < h.counts().size(); i++) {
            arr.addObject().put("start", EventJson.time(h.fromUs() + i * h.intervalUs())).put("count", h.counts().get(i));
        }
        Json.send(res, out);
    }
}
