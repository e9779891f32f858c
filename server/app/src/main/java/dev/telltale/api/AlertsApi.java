package dev.telltale.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.alerts.Alerts;
import dev.telltale.alerts.TriageState;
import dev.telltale.auth.User;
import dev.telltale.policy.Severity;
import dev.telltale.store.Scope;
import io.helidon.common.parameters.Parameters;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code /api/v1/alerts}: list (filters {@code severity}, {@code state}, {@code app},
 * {@code component}, {@code rule}, {@code from}/{@code to} on last seen, {@code limit},
 * {@code after}; {@code sort} {@code last_seen} or {@code severity}), one alert in full, its evidence, and triage (transitions, comments).
 * Unknown JSON fields are ignored, as elsewhere in the API. See docs/alerts.md.
 */
final class AlertsApi implements HttpService {
    private final Alerts alerts;
    private final Clock clock;

    AlertsApi(Alerts alerts, Clock clock) {
        this.alerts = alerts;
        this.clock = clock;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::list)
                .get("/{id}", this::get)
                .get("/{id}/evidence", this::evidence)
                .post("/{id}/occurrences/{occurrence}/transitions", this::transition)
                .post("/{id}/occurrences/{occurrence}/comments", this::comment);
    }

    private void list(ServerRequest req, ServerResponse res) {
        Scope scope = Visibility.of(Principal.access(req), dev.telltale.rbac.Permission.ALERTS_VIEW);
        Parameters p = req.query();
        long nowMs = clock.millis();
        Alerts.AlertQuery q = new Alerts.AlertQuery(
                values(p, "severity", Severity.class, Severity::parse, "P1, P2, P3 or P4"),
                values(p, "state", TriageState.class, TriageState::parse,
                        "REPORTED, ACKNOWLEDGED, NOT_AN_ISSUE, RISK_ACCEPTED or FIXED"),
                name(p, "app", 200), name(p, "component", 200), name(p, "rule", 64),
                p.first("from").map(s -> micros(TimeParam.parse("from", s, nowMs))),
                p.first("to").map(s -> micros(TimeParam.parse("to", s, nowMs))),
                limit(p, 500, 100), p.first("after").asOptional(), scope, sort(p));
        Alerts.AlertPage page = cursor(() -> alerts.list(q));
        ObjectNode out = Json.object();
        ArrayNode arr = out.putArray("alerts");
        page.alerts().forEach(a -> arr.add(AlertJson.summary(a)));
        page.next().ifPresentOrElse(c -> out.put("next", c), () -> out.putNull("next"));
        Json.send(res, out);
    }

    private void get(ServerRequest req, ServerResponse res) {
        Scope scope = Visibility.of(Principal.access(req), dev.telltale.rbac.Permission.ALERTS_VIEW);
        Json.send(res, AlertJson.detail(alerts.get(id(req, "id"), scope)));
    }

    private void evidence(ServerRequest req, ServerResponse res) {
        Scope scope = Visibility.of(Principal.access(req), dev.telltale.rbac.Permission.ALERTS_VIEW);
        long alert = id(req, "id");
        Parameters p = req.query();
        Optional<Long> occurrence = p.first("occurrence").map(s -> number("occurrence", s));
        int limit = limit(p, 1000, 100);
        Alerts.EvidencePage page = cursor(() -> alerts.evidence(alert, occurrence, limit, p.first("after").asOptional(),
                scope));
        ObjectNode out = Json.object();
        ArrayNode arr = out.putArray("evidence");
        page.evidence().forEach(e -> arr.add(AlertJson.evidence(e)));
        page.next().ifPresentOrElse(c -> out.put("next", c), () -> out.putNull("next"));
        Json.send(res, out);
    }

    private void transition(ServerRequest req, ServerResponse res) {
        User user = Principal.user(req);
        long alert = visibleAlert(req, user);
        long occurrence = id(req, "occurrence");
        ObjectNode body = Json.body(req);
        String to = Json.text(body, "to");
        TriageState state = TriageState.parse(to).orElseThrow(() -> ApiProblem.badRequest("'to' must be one of "
                + Arrays.toString(TriageState.values()) + ", was '" + clip(to) + "'"));
        Optional<Instant> expires = Json.optionalText(body, "expires_at").map(AlertsApi::instant);
        Alerts.Occurrence o = alerts.transition(alert, occurrence, state, Json.optionalText(body, "comment"), expires,
                user.username());
        Json.send(res, AlertJson.occurrence(o));
    }

    private void comment(ServerRequest req, ServerResponse res) {
        User user = Principal.user(req);
        long alert = visibleAlert(req, user);
        long occurrence = id(req, "occurrence");
        String text = Json.text(Json.body(req), "text");
        Json.send(res, Status.CREATED_201, AlertJson.comment(alerts.comment(alert, occurrence, text, user.username())));
    }

    /**
     * The alert id of the path when the user may triage it: 404 as for a missing one when the
     * user may not even see it, 403 when they see it but their role there does not triage.
     */
    private long visibleAlert(ServerRequest req, User user) {
        long id = id(req, "id");
        var access = Principal.access(req);
        long team = alerts.team(id).filter(t -> access.can(dev.telltale.rbac.Permission.ALERTS_VIEW, t))
                .orElseThrow(() -> ApiProblem.notFound("no alert " + id));
        Principal.require(req, dev.telltale.rbac.Permission.ALERTS_TRIAGE, team);
        return id;
    }

    private static long id(ServerRequest req, String name) {
        return number(name.equals("id") ? "alert id" : "occurrence id", req.path().pathParameters().get(name));
    }

    private static long number(String what, String s) {
        if (!s.matches("[1-9][0-9]{0,17}")) {
            throw ApiProblem.badRequest(what + " must be a positive whole number");
        }
        return Long.parseLong(s);
    }

    private static int limit(Parameters p, int max, int dflt) {
        int limit = p.first("limit").map(s -> EventsApi.intParam("limit", s)).orElse(dflt);
        if (limit < 1 || limit > max) {
            throw ApiProblem.badRequest("'limit' must be between 1 and " + max);
        }
        return limit;
    }

    private static Alerts.Sort sort(Parameters p) {
        String s = p.first("sort").orElse("last_seen");
        return switch (s) {
            case "last_seen" -> Alerts.Sort.LAST_SEEN;
            case "severity" -> Alerts.Sort.SEVERITY;
            default -> throw ApiProblem.badRequest("'sort' must be last_seen or severity, was '" + clip(s) + "'");
        };
    }

    private static Optional<String> name(Parameters p, String param, int max) {
        Optional<String> v = p.first(param).asOptional();
        if (v.isPresent() && (v.get().isBlank() || v.get().length() > max)) {
            throw ApiProblem.badRequest("'" + param + "' must be 1 to " + max + " characters");
        }
        return v;
    }

    /** A repeatable parameter that also takes comma-separated lists. */
    private static <E extends Enum<E>> Set<E> values(Parameters p, String param, Class<E> type,
                                                    Function<String, Optional<E>> parse, String expected) {
        Set<E> out = EnumSet.noneOf(type);
        for (String v : p.all(param, java.util.List::of)) {
            for (String s : v.split(",")) {
                out.add(parse.apply(s.trim()).orElseThrow(() -> ApiProblem.badRequest("'" + param + "' must be "
                        + expected + ", was '" + clip(s) + "'")));
            }
        }
        return out;
    }

    private static Instant micros(long us) {
        return Instant.ofEpochSecond(Math.floorDiv(us, 1_000_000L), Math.floorMod(us, 1_000_000L) * 1000L);
    }

    private static Instant instant(String s) {
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw ApiProblem.badRequest("'expires_at' must be an ISO-8601 instant such as 2027-01-31T00:00:00Z");
        }
    }

    /** Cursors are opaque; one that does not decode is the client's error. */
    private static <T> T cursor(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest(e.getMessage());
        }
    }

    private static String clip(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
