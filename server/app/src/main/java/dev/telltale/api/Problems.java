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

    static void register(HttpRouting.Builder routing, dev.telltale.rbac.RouteTable routes, dev.telltale.ui.ErrorPages pages) {
        registerApi(routing);
        // Failures of page requests are shown as pages, never as JSON or an exception's text.
        routing.error(io.helidon.http.HttpException.class, (req, res, e) -> {
            if (isPage(routes, req)) {
                pages.send(req, res, e.status().code(), e.status().code() == 404 ? "There is no page at this address."
                        : "The request could not be served.");
            } else {
                send(res, e.status().code(), e.status().reasonPhrase(), e.status().reasonPhrase().toLowerCase(java.util.Locale.ROOT));
            }
        });
        routing.error(RuntimeException.class, (req, res, e) -> {
            LOG.log(Level.WARNING, "request " + req.prologue().method() + " " + req.path().path() + " failed", e);
            if (isPage(routes, req)) {
                pages.send(req, res, 500, "The appliance could not complete this request. The appliance log has details.");
            } else {
                send(res, 500, "Internal Server Error", "the request failed; the appliance log has details");
            }
        });
    }

    private static boolean isPage(dev.telltale.rbac.RouteTable routes, io.helidon.webserver.http.ServerRequest req) {
        // The absolute path: inside a service registered under a prefix, path() is relative to it.
        String path = req.path().absolute().path();
        return !Principal.isApi(path) && routes.match(req.prologue().method().text(), path)
                .map(dev.telltale.rbac.RouteTable.Route::page).orElse(true);
    }

    private static void registerApi(HttpRouting.Builder routing) {
        routing.error(ApiProblem.class, (req, res, e) -> send(res, e.status(), e.title(), e.getMessage()));
        routing.error(dev.telltale.policy.PolicyException.class, (req, res, e) -> {
            ApiProblem p = PoliciesApi.problem(e);
            send(res, p.status(), p.title(), p.getMessage());
        });
        routing.error(dev.telltale.sso.SsoException.class, (req, res, e) -> {
            ApiProblem p = SsoApi.problem(e);
            send(res, p.status(), p.title(), p.getMessage());
        });
        routing.error(dev.telltale.vulndb.VulnDbException.class, (req, res, e) -> {
            ApiProblem p = VulnDbApi.problem(e);
            send(res, p.status(), p.title(), p.getMessage());
        });
        routing.error(dev.telltale.notify.NotifyException.class, (req, res, e) -> {
            ApiProblem p = IntegrationsApi.problem(e);
            send(res, p.status(), p.title(), p.getMessage());
        });
        routing.error(dev.telltale.sca.FindingTriageException.class, (req, res, e) -> send(res, e.conflict() ? 409 : 400,
                e.conflict() ? "Conflict" : "Bad Request", e.getMessage()));
        routing.error(dev.telltale.certs.CertificateRejectedException.class, (req, res, e) -> {
            ApiProblem p = CertificatesApi.problem(e);
            send(res, p.status(), p.title(), p.getMessage());
        });
        routing.error(FieldProblem.class, (req, res, e) -> sendFields(res, e.getMessage(), e.errors));
        routing.error(dev.telltale.backup.BackupException.class, (req, res, e) -> {
            switch (e.reason()) {
                case NOT_FOUND -> send(res, 404, "Not Found", e.getMessage());
                case INVALID -> {
                    if (e.fieldErrors().isEmpty()) {
                        send(res, 400, "Bad Request", e.getMessage());
                    } else {
                        sendFields(res, e.getMessage(), e.fieldErrors());
                    }
                }
                case CONFLICT -> send(res, 409, "Conflict", e.getMessage());
                case FAILED -> {
                    LOG.log(java.util.logging.Level.SEVERE, "backup failed", e);
                    send(res, 500, "Backup Failed", e.getMessage());
                }
            }
        });
        routing.error(dev.telltale.upgrade.UpgradeException.class, (req, res, e) -> {
            ApiProblem p = UpgradesApi.problem(e);
            send(res, p.status(), p.title(), p.getMessage());
        });
        routing.error(dev.telltale.upgrade.bundle.BundleRefusedException.class, (req, res, e) -> {
            ApiProblem p = UpgradesApi.problem(e);
            send(res, p.status(), p.title(), p.getMessage());
        });
        routing.error(BadQueryException.class, (req, res, e) -> send(res, 400, "Bad Query", e.getMessage()));
        routing.error(AlertNotFoundException.class, (req, res, e) -> send(res, 404, "Not Found", e.getMessage()));
        routing.error(InvalidTransitionException.class, (req, res, e) -> send(res, e.conflict() ? 409 : 400,
                e.conflict() ? "Invalid Transition" : "Bad Request", e.getMessage()));
    }

    /** A 400 naming every bad field of a body: {@code errors} maps each field to what is wrong with it. */
    static final class FieldProblem extends RuntimeException {
        private final transient java.util.Map<String, String> errors;

        FieldProblem(String detail, java.util.Map<String, String> errors) {
            super(detail, null, false, false);
            this.errors = java.util.Map.copyOf(errors);
        }
    }

    private static void sendFields(ServerResponse res, String detail, java.util.Map<String, String> errors) {
        var body = Json.object().put("type", "about:blank").put("title", "Bad Request").put("status", 400)
                .put("detail", detail);
        var e = body.putObject("errors");
        errors.forEach(e::put);
        send(res, 400, body);
    }

    static void send(ServerResponse res, int status, String title, String detail) {
        var body = Json.object().put("type", "about:blank").put("title", title).put("status", status).put("detail", detail);
        send(res, status, body);
    }

    private static void send(ServerResponse res, int status, com.fasterxml.jackson.databind.node.ObjectNode body) {
        res.status(Status.create(status));
        res.header(HeaderNames.CONTENT_TYPE, "application/problem+json");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send(Json.bytes(body.toString()));
    }
}
