package dev.telltale.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.alerts.Alerts;

import java.time.Instant;
import java.util.Optional;

/** JSON shapes of alerts, occurrences, history, comments and evidence (docs/alerts.md). */
final class AlertJson {
    private AlertJson() {
    }

    static ObjectNode summary(Alerts.AlertSummary a) {
        ObjectNode o = Json.object()
                .put("id", a.id())
                .put("team_id", a.teamId())
                .put("application", a.application())
                .put("component", a.component())
                .put("rule", a.ruleId());
        a.rule().ifPresentOrElse(r -> o.put("rule_title", r.title()).put("category", r.category().name()),
                () -> o.putNull("rule_title").putNull("category"));
        o.put("key", a.key())
                .put("severity", a.severity().name())
                .put("first_seen", a.firstSeen().toString())
                .put("last_seen", a.lastSeen().toString())
                .put("events", a.events());
        ObjectNode states = o.putObject("states");
        a.states().forEach((s, n) -> states.put(s.name(), n));
        return o;
    }

    static ObjectNode detail(Alerts.AlertDetail d) {
        ObjectNode o = summary(d.alert());
        ArrayNode occ = o.putArray("occurrences");
        d.occurrences().forEach(x -> occ.add(occurrence(x)));
        ArrayNode hosts = o.putArray("hosts");
        d.hosts().forEach(h -> hosts.addObject().put("hostname", h.hostname()).put("events", h.events())
                .put("first_seen", h.firstSeen().toString()).put("last_seen", h.lastSeen().toString()));
        ArrayNode versions = o.putArray("versions");
        d.versions().forEach(versions::add);
        ArrayNode history = o.putArray("history");
        for (Alerts.HistoryEntry h : d.history()) {
            ObjectNode x = history.addObject().put("id", h.id()).put("occurrence_id", h.occurrenceId())
                    .put("version", h.version()).put("at", h.when().toString()).put("actor", h.actor());
            text(x, "from", h.from().map(Enum::name));
            x.put("to", h.to().name());
            time(x, "expires_at", h.expiresAt());
            text(x, "comment", h.comment());
        }
        ArrayNode comments = o.putArray("comments");
        d.comments().forEach(c -> comments.add(comment(c)));
        return o;
    }

    static ObjectNode occurrence(Alerts.Occurrence x) {
        ObjectNode o = Json.object().put("id", x.id()).put("alert_id", x.alertId()).put("version", x.version())
                .put("state", x.state().name());
        time(o, "expires_at", x.expiresAt());
        o.put("events", x.events()).put("first_seen", x.firstSeen().toString()).put("last_seen", x.lastSeen().toString());
        x.carriedFrom().ifPresentOrElse(c -> o.put("carried_from", c), () -> o.putNull("carried_from"));
        return o;
    }

    static ObjectNode comment(Alerts.Comment c) {
        return Json.object().put("id", c.id()).put("occurrence_id", c.occurrenceId()).put("version", c.version())
                .put("at", c.when().toString()).put("actor", c.actor()).put("text", c.text());
    }

    /** One piece of evidence; {@code event} links to the stored event (absent for findings not from telemetry). */
    static ObjectNode evidence(Alerts.Evidence e) {
        ObjectNode o = Json.object().put("id", e.id()).put("occurrence_id", e.occurrenceId())
                .put("version", e.version()).put("event_uid", e.eventUid()).put("event_time", e.eventTime().toString())
                .put("host", e.hostname()).put("agent_id", e.agentId()).put("pid", e.pid()).put("summary", e.summary());
        if (e.eventUid() != 0) {
            o.put("event", "/api/v1/events/" + e.eventUid() + "?at=" + e.eventTime());
        } else {
            o.putNull("event");
        }
        return o;
    }

    private static void text(ObjectNode o, String field, Optional<String> v) {
        v.ifPresentOrElse(s -> o.put(field, s), () -> o.putNull(field));
    }

    private static void time(ObjectNode o, String field, Optional<Instant> v) {
        text(o, field, v.map(Instant::toString));
    }
}
