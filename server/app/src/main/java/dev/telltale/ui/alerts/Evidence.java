package dev.telltale.ui.alerts;

import dev.telltale.alerts.Alerts;
import dev.telltale.rbac.Access;
import dev.telltale.rbac.Permission;
import dev.telltale.store.EventHit;
import dev.telltale.store.EventStore;
import dev.telltale.store.Scope;
import dev.telltale.ui.UiException;
import io.helidon.webserver.http.ServerRequest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The evidence of an alert, a page at a time (newest first), each entry with its event read back
 * from the event store when the user may see events and the store still holds it.
 */
final class Evidence {
    static final int PAGE = 20;
    private final Alerts alerts;
    private final EventStore store;

    Evidence(Alerts alerts, EventStore store) {
        this.alerts = alerts;
        this.store = store;
    }

    /**
     * One finding. {@code event} is empty when the finding did not come from telemetry
     * ({@code fromTelemetry} false) or the event is gone (retention) or not visible.
     */
    record Row(long uid, When time, String host, long pid, String version, String summary, boolean fromTelemetry,
               Optional<EventView> event, String processEvents) {
    }

    /** Puts {@code evidence}, {@code evidenceNext}, {@code evidenceFirst} and {@code evidenceVersions} in the model. */
    void put(Map<String, Object> m, ServerRequest req, Alerts.AlertDetail d, Access a, Instant now) {
        long id = d.alert().id();
        Optional<Long> occurrence = req.query().first("occurrence").asOptional().filter(s -> !s.isEmpty())
                .map(s -> AlertsPages.number(s, "occurrence"));
        Optional<String> after = req.query().first("evidence").asOptional().filter(s -> !s.isEmpty());
        Alerts.EvidencePage page;
        try {
            page = alerts.evidence(id, occurrence, PAGE, after, a.scope(Permission.ALERTS_VIEW));
        } catch (IllegalArgumentException e) {
            throw new UiException(400, "That page of evidence does not exist: start again from the first page.");
        } catch (dev.telltale.alerts.AlertNotFoundException e) {
            throw new UiException(404, "This alert has no such occurrence.");
        }
        Scope events = a.scope(Permission.EVENTS_VIEW);
        List<Row> rows = new ArrayList<>();
        for (Alerts.Evidence e : page.evidence()) {
            rows.add(row(e, events, now));
        }
        String base = "/alerts/" + id + occurrence.map(o -> "?occurrence=" + o).orElse("");
        String sep = occurrence.isPresent() ? "&" : "?";
        m.put("evidence", rows);
        m.put("evidenceNext", page.next().map(c -> base + sep + "evidence=" + AlertFilter.enc(c) + "#evidence")
                .orElse(null));
        m.put("evidenceFirst", after.isPresent() ? base + "#evidence" : null);
        List<AlertList.Option> versions = new ArrayList<>();
        versions.add(new AlertList.Option("", "All versions", occurrence.isEmpty()));
        d.occurrences().forEach(o -> versions.add(new AlertList.Option(String.valueOf(o.id()), o.version(),
                occurrence.filter(x -> x == o.id()).isPresent())));
        m.put("evidenceVersions", versions);
    }

    private Row row(Alerts.Evidence e, Scope events, Instant now) {
        boolean telemetry = e.eventUid() != 0;
        Optional<EventView> event = Optional.empty();
        if (telemetry) {
            long us = e.eventTime().getEpochSecond() * 1_000_000L + e.eventTime().getNano() / 1000;
            Optional<EventHit> hit = store.byUid(e.eventUid(), us, us, events);
            event = hit.map(h -> EventView.of(h, now));
        }
        String q = "host:\"" + e.hostname().replace("\\", "\\\\").replace("\"", "\\\"") + "\" AND pid:" + e.pid();
        return new Row(e.eventUid(), When.of(e.eventTime(), now), e.hostname(), e.pid(), e.version(), e.summary(),
                telemetry, event, "/events?q=" + AlertFilter.enc(q));
    }
}
