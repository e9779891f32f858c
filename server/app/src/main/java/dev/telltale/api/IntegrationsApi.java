package dev.telltale.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.notify.EventKind;
import dev.telltale.notify.IntegrationType;
import dev.telltale.notify.Notify;
import dev.telltale.notify.NotifyException;
import dev.telltale.rbac.Permission;
import dev.telltale.store.Scope;
import dev.telltale.teams.Teams;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /api/v1/integrations}: a team's webhooks, Slack, Jira and syslog integrations
 * (docs/integrations.md). Reads need INTEGRATIONS_VIEW, changes and test sends INTEGRATIONS_EDIT,
 * refreshing Jira statuses JIRA, each in the integration's team. Secrets and header values are
 * write-only: responses list only which are set.
 */
final class IntegrationsApi implements HttpService {
    private static final String[] FIELDS = {"type", "team", "name", "enabled", "events", "applications", "url",
            "settings", "secrets", "headers"};
    private final Notify notify;
    private final Teams teams;

    IntegrationsApi(Notify notify, Teams teams) {
        this.notify = notify;
        this.teams = teams;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::list).post("/", this::create)
                .get("/{id}", this::get).put("/{id}", this::update).delete("/{id}", this::delete)
                .post("/{id}/test", this::test).get("/{id}/deliveries", this::deliveries)
                .get("/{id}/tickets", this::tickets).post("/{id}/tickets/refresh", this::refresh);
    }

    static ApiProblem problem(NotifyException e) {
        return switch (e.reason()) {
            case NOT_FOUND -> ApiProblem.notFound(e.getMessage());
            case INVALID -> ApiProblem.badRequest(e.getMessage());
            case CONFLICT -> new ApiProblem(409, "Conflict", e.getMessage());
        };
    }

    private static Scope scope(ServerRequest req, Permission p) {
        return Visibility.of(Principal.access(req), p);
    }

    private void list(ServerRequest req, ServerResponse res) {
        ArrayNode out = Json.object().arrayNode();
        notify.list(scope(req, Permission.INTEGRATIONS_VIEW)).forEach(i -> out.add(json(i)));
        Json.send(res, Json.object().set("integrations", out));
    }

    private void get(ServerRequest req, ServerResponse res) {
        Json.send(res, json(notify.get(id(req), scope(req, Permission.INTEGRATIONS_VIEW))));
    }

    private void create(ServerRequest req, ServerResponse res) {
        ObjectNode body = Json.body(req);
        Json.onlyFields(body, FIELDS);
        Teams.Team team = Json.team(body, teams);
        Principal.require(req, Permission.INTEGRATIONS_EDIT, team.id());
        Notify.Integration i = notify.create(team.id(), draft(body, type(body)), Principal.user(req).username());
        Json.send(res, Status.CREATED_201, json(i));
    }

    private void update(ServerRequest req, ServerResponse res) {
        ObjectNode body = Json.body(req);
        Json.onlyFields(body, FIELDS);
        long id = id(req);
        Scope scope = scope(req, Permission.INTEGRATIONS_EDIT);
        IntegrationType type = body.hasNonNull("type") ? type(body) : notify.get(id, scope).type();
        if (body.hasNonNull("team")) {
            throw ApiProblem.badRequest("'team' cannot change: create the integration in the other team");
        }
        Json.send(res, json(notify.update(id, scope, draft(body, type), Principal.user(req).username())));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        notify.delete(id(req), scope(req, Permission.INTEGRATIONS_EDIT), Principal.user(req).username());
        res.status(Status.NO_CONTENT_204).send();
    }

    private void test(ServerRequest req, ServerResponse res) {
        Notify.Delivery d = notify.test(id(req), scope(req, Permission.INTEGRATIONS_EDIT), Principal.user(req).username());
        Json.send(res, Status.ACCEPTED_202, json(d));
    }

    private void deliveries(ServerRequest req, ServerResponse res) {
        int limit;
        try {
            limit = Integer.parseInt(req.query().first("limit").orElse("100"));
        } catch (NumberFormatException e) {
            throw ApiProblem.badRequest("'limit' must be a number");
        }
        ArrayNode out = Json.object().arrayNode();
        notify.deliveries(id(req), scope(req, Permission.INTEGRATIONS_VIEW), limit).forEach(d -> out.add(json(d)));
        Json.send(res, Json.object().set("deliveries", out));
    }

    private void tickets(ServerRequest req, ServerResponse res) {
        sendTickets(res, notify.tickets(id(req), scope(req, Permission.INTEGRATIONS_VIEW)));
    }

    private void refresh(ServerRequest req, ServerResponse res) {
        sendTickets(res, notify.refreshTickets(id(req), scope(req, Permission.JIRA), Principal.user(req).username()));
    }

    private static void sendTickets(ServerResponse res, List<Notify.Ticket> tickets) {
        ArrayNode out = Json.object().arrayNode();
        for (Notify.Ticket t : tickets) {
            out.add(Json.object().put("alert_id", t.alertId()).put("occurrence_id", t.occurrenceId()).put("key", t.key())
                    .put("url", t.url()).put("status", t.status().orElse(null)).put("created_at", t.createdAt().toString())
                    .put("refreshed_at", t.refreshedAt().map(Object::toString).orElse(null)));
        }
        Json.send(res, Json.object().set("tickets", out));
    }

    private static long id(ServerRequest req) {
        return Json.pathId(req, "id", "the integration id");
    }

    private static IntegrationType type(ObjectNode body) {
        String t = Json.optionalText(body, "type").orElseThrow(() -> ApiProblem.badRequest(
                "'type' is required: webhook, slack, jira or syslog"));
        return IntegrationType.parse(t).orElseThrow(() -> ApiProblem.badRequest(
                "'type' must be webhook, slack, jira or syslog"));
    }

    private static Notify.Draft draft(ObjectNode body, IntegrationType type) {
        JsonNode enabled = body.get("enabled");
        if (enabled != null && !enabled.isNull() && !enabled.isBoolean()) {
            throw ApiProblem.badRequest("'enabled' must be true or false");
        }
        Set<EventKind> kinds = new LinkedHashSet<>();
        for (String k : strings(body, "events")) {
            kinds.add(EventKind.parse(k).filter(EventKind::subscribable).orElseThrow(() -> ApiProblem.badRequest(
                    "'events' must hold new_alert, state_change, new_vulnerability, agent_gap or system")));
        }
        JsonNode headers = body.get("headers");
        return new Notify.Draft(type, Json.optionalText(body, "name").orElse(""),
                enabled == null || enabled.isNull() || enabled.asBoolean(), kinds, strings(body, "applications"),
                Json.optionalText(body, "url"), map(body, "settings"), map(body, "secrets"),
                headers == null || headers.isNull() ? Optional.empty() : Optional.of(map(body, "headers")));
    }

    private static List<String> strings(ObjectNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return List.of();
        }
        if (!n.isArray()) {
            throw ApiProblem.badRequest("'" + field + "' must be a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : n) {
            if (!e.isTextual()) {
                throw ApiProblem.badRequest("'" + field + "' must be a list of strings");
            }
            out.add(e.asText());
        }
        return out;
    }

    private static Map<String, String> map(ObjectNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return Map.of();
        }
        if (!n.isObject()) {
            throw ApiProblem.badRequest("'" + field + "' must be an object of strings");
        }
        Map<String, String> out = new LinkedHashMap<>();
        n.fields().forEachRemaining(e -> {
            if (!e.getValue().isTextual() && !e.getValue().isNumber()) {
                throw ApiProblem.badRequest("'" + field + "." + e.getKey() + "' must be a string");
            }
            out.put(e.getKey(), e.getValue().asText());
        });
        return out;
    }

    static ObjectNode json(Notify.Integration i) {
        ObjectNode o = Json.object().put("id", i.id()).put("team", i.team()).put("type", i.type().wire())
                .put("name", i.name()).put("enabled", i.enabled());
        i.kinds().stream().map(EventKind::wire).sorted().forEach(o.putArray("events")::add);
        i.applications().forEach(o.putArray("applications")::add);
        o.put("url", i.url().orElse(null));
        ObjectNode s = o.putObject("settings");
        i.settings().forEach(s::put);
        i.secretsSet().forEach(o.putArray("secrets_set")::add);
        i.headerNames().forEach(o.putArray("headers")::add);
        return o.put("failed", i.failed()).put("consecutive_failures", i.consecutiveFailures())
                .put("created_at", i.createdAt().toString()).put("updated_at", i.updatedAt().toString())
                .put("updated_by", i.updatedBy());
    }

    static ObjectNode json(Notify.Delivery d) {
        return Json.object().put("id", d.id()).put("delivery_id", d.deliveryId()).put("event_id", d.eventId())
                .put("event", d.kind().wire()).put("status", d.status()).put("attempts", d.attempts())
                .put("created_at", d.createdAt().toString())
                .put("next_attempt_at", d.nextAttemptAt().map(Object::toString).orElse(null))
                .put("last_attempt_at", d.lastAttemptAt().map(Object::toString).orElse(null))
                .put("last_result", d.lastResult().orElse(null))
                .put("delivered_at", d.deliveredAt().map(Object::toString).orElse(null));
    }
}
