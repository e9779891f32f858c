package dev.telltale.api;

import dev.telltale.alerts.AlertNotFoundException;
import dev.telltale.alerts.InvalidTransitionException;
import dev.telltale.store.BadQueryException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerResponse;

import java.util.logging.Level;
import java.util.logging.Logger;

/** Maps feature exceptions to RFC 9457 problem responses, in one place. */
final class Problems {
    private static final Logger LOG = Logger.getLogger(Problems.class.getName());

    private Problems() {
    }

    static void register(HttpRouting.Builder routing) {
        routing.error(ApiProblem.class, (req, res, e) -> send(res, e.status(), e.title(), e.getMessage()));
        routing.error(dev.telltale.policy.PolicyException.class, (req, res, e) -> {
            ApiProblem p = PoliciesApi.problem(e);
            send(res, p.status(), p.title(), p.getMessage());
        });
        routing.error(dev.telltale.sso.SsoException.class, (req, res, e) -> {
            ApiProblem p = SsoApi.problem(e);
            send(res, p.status(), p.title(), p.getMessage());
        });
        routing.error(BadQueryException.class, (req, res, e) -> send(res, 400, "Bad Query", e.getMessage()));
        routing.error(AlertNotFoundException.class, (req, res, e) -> send(res, 404, "Not Found", e.getMessage()));
        routing.error(InvalidTransitionException.class, (req, res, e) -> send(res, e.conflict() ? 409 : 400,
                e.conflict() ? "Invalid Transition" : "Bad Request", e.getMessage()));
        // Helidon's own refusals (no such route, bad request line) keep their status.
        routing.error(io.helidon.http.HttpException.class, (req, res, e) ->
                send(res, e.status().code(), e.status().reasonPhrase(), e.status().reasonPhrase().toLowerCase(java.util.Locale.ROOT)));
        routing.error(RuntimeException.class, (req, res, e) -> {
            LOG.log(Level.WARNING, "request " + req.prologue().method() + " " + req.path().path() + " failed", e);
            send(res, 500, "Internal Server Error", "the request failed; the appliance log has details");
        });
    }

    static void send(ServerResponse res, int status, String title, String detail) {
        var body = Json.object().put("type", "about:blank").put("title", title).put("status", status).put("detail", detail);
        res.status(Status.create(status));
        res.header(HeaderNames.CONTENT_TYPE, "application/problem+json");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send(Json.bytes(body.toString()));
    }
}
