package dev.telltale.api;

import dev.telltale.auth.ApiTokens;
import dev.telltale.auth.User;
import dev.telltale.rbac.Access;
import dev.telltale.rbac.Memberships;
import dev.telltale.rbac.Permission;
import dev.telltale.rbac.RouteTable;
import dev.telltale.ui.ErrorPages;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;

import java.util.Optional;

/**
 * Access control for the whole API, in one place: the request must match a route of
 * {@link ApiRoutes} (deny by default), and unless that route is public, carry a valid bearer
 * token of a user who holds the route's permission. The user and their {@link Access} travel
 * in the request context; handlers narrow further to the teams the permission covers.
 */
final class Principal implements Filter {
    private final ApiTokens tokens;
    private final Memberships memberships;
    private final dev.telltale.rbac.ApiClients clients;
    private final RouteTable routes;
    private final dev.telltale.auth.Sessions sessions;
    private final ErrorPages pages;

    Principal(ApiTokens tokens, Memberships memberships, dev.telltale.rbac.ApiClients clients, RouteTable routes,
              dev.telltale.auth.Sessions sessions, ErrorPages pages) {
        this.pages = pages;
        this.tokens = tokens;
        this.sessions = sessions;
        this.memberships = memberships;
        this.clients = clients;
        this.routes = routes;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().path();
        String method = req.prologue().method().text();
        Optional<RouteTable.Route> route = routes.match(method, path);
        if (route.isEmpty()) {
            if (isApi(path)) {
                Problems.send(res, 404, "Not Found", "no route " + method + " " + path);
            } else {
                pages.send(req, res, 404, "There is no page at this address.");
            }
            return;
        }
        dev.telltale.audit.Audit.fromAddress(address(req), () -> decide(chain, req, res, route.get(), path));
    }

    static boolean isApi(String path) {
        return path.startsWith("/api/") || path.equals("/metrics");
    }

    private void decide(FilterChain chain, RoutingRequest req, RoutingResponse res, RouteTable.Route route, String path) {
        Permission needed = route.permission();
        if (needed == Permission.PUBLIC || signedDownload(req, path)) {
            chain.proceed();
            return;
        }
        String header = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
        Optional<String> cookie = req.headers().cookies().first(SessionCookies.NAME).asOptional();
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7) && cookie.isPresent()) {
            bySession(chain, req, res, route, cookie.get());
            return;
        }
        if (route.page()) {
            res.header(HeaderNames.LOCATION, dev.telltale.ui.Redirects.login(pathAndQuery(req), ""));
            res.status(io.helidon.http.Status.SEE_OTHER_303).send();
            return;
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"telltale\"");
            Problems.send(res, 401, "Unauthorized", "send an API token as 'Authorization: Bearer <token>'");
            return;
        }
        var user = tokens.verify(header.substring(7).trim());
        if (user.isEmpty()) {
            res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"telltale\", error=\"invalid_token\"");
            Problems.send(res, 401, "Unauthorized", "the API token is invalid or expired");
            return;
        }
        User u = user.get();
        // Negative ids are integration clients: their role comes from the client, checked live so
        // that revoking a client ends its tokens at once.
        Optional<Access> found = u.id() < 0 ? clients.active(-u.id()).map(dev.telltale.rbac.ApiClients.Client::access)
                : Optional.of(new Access(u.id(), u.username(), u.admin(), memberships.of(u.id())));
        if (found.isEmpty()) {
            Problems.send(res, 401, "Unauthorized", "the client was revoked");
            return;
        }
        admit(chain, req, res, route, u, found.get());
    }

    /** What a user who must change their password may still do. */
    private static final java.util.Set<String> WHILE_CHANGE_PENDING = java.util.Set.of("GET /api/v1/me",
            "POST /api/v1/me/password", "DELETE /api/v1/auth/token", "POST /logout", "GET /account/password",
            "POST /account/password");

    private void admit(FilterChain chain, RoutingRequest req, RoutingResponse res, RouteTable.Route r, User u,
                       Access access) {
        Permission needed = r.permission();
        String route = req.prologue().method().text() + " " + r.template();
        if (u.mustChangePassword() && !WHILE_CHANGE_PENDING.contains(route)) {
            if (r.page()) {
                res.header(HeaderNames.LOCATION, "/account/password");
                res.status(io.helidon.http.Status.SEE_OTHER_303).send();
            } else {
                Problems.send(res, 403, "Forbidden", "change your password first: POST /api/v1/me/password, then sign in again");
            }
            return;
        }
        if (!access.can(needed)) {
            if (r.page()) {
                pages.send(req, res, 403, "Your role does not allow this page. Ask an administrator if you need it.");
            } else {
                Problems.send(res, 403, "Forbidden", denial(needed));
            }
            return;
        }
        req.context().register(u);
        req.context().register(access);
        chain.proceed();
    }

    /**
     * A browser with a session cookie. State changes need the session's CSRF token in a header:
     * another site can make the browser send the cookie, but cannot read the token.
     */
    private void bySession(FilterChain chain, RoutingRequest req, RoutingResponse res, RouteTable.Route route, String id) {
        var session = sessions.touch(id);
        if (session.isEmpty()) {
            if (route.page()) {
                res.header(HeaderNames.LOCATION, dev.telltale.ui.Redirects.login(pathAndQuery(req), "expired"));
                res.status(io.helidon.http.Status.SEE_OTHER_303).send();
            } else {
                Problems.send(res, 401, "Unauthorized", "the session has ended; sign in again");
            }
            return;
        }
        String method = req.prologue().method().text();
        boolean changes = !method.equals("GET") && !method.equals("HEAD");
        if (changes && !sameOrigin(req)) {
            refuse(req, res, route, "the request came from another site");
            return;
        }
        // Pages' forms carry the token as a field, which dev.telltale.ui.Form checks as it reads them.
        if (changes && !route.page()) {
            String presented = req.headers().first(CSRF).orElse("");
            if (!dev.telltale.ui.Form.sameToken(presented, session.get().csrfToken())) {
                Problems.send(res, 403, "Forbidden", "missing or wrong CSRF token (send it as X-CSRF-Token)");
                return;
            }
        }
        User u = session.get().user();
        req.context().register(session.get());
        admit(chain, req, res, route, u, new Access(u.id(), u.username(), u.admin(), memberships.of(u.id())));
    }

    /**
     * A browser names the page a state change came from; when it does, it must be this
     * appliance (defence in depth behind SameSite cookies and CSRF tokens).
     */
    private static boolean sameOrigin(RoutingRequest req) {
        Optional<String> origin = req.headers().first(HeaderNames.ORIGIN);
        if (origin.isEmpty()) {
            return true;
        }
        try {
            java.net.URI o = java.net.URI.create(origin.get());
            var here = req.requestedUri(); // Host, or HTTP/2's :authority
            int port = o.getPort() < 0 ? 443 : o.getPort();
            return "https".equals(o.getScheme()) && o.getHost() != null && o.getHost().equalsIgnoreCase(here.host())
                    && port == here.port();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private void refuse(RoutingRequest req, RoutingResponse res, RouteTable.Route route, String why) {
        if (route.page()) {
            pages.send(req, res, 403, "This request was refused: " + why + ".");
        } else {
            Problems.send(res, 403, "Forbidden", why);
        }
    }

    private static String pathAndQuery(RoutingRequest req) {
        String q = req.query().rawValue();
        return req.path().rawPath() + (q.isEmpty() ? "" : "?" + q);
    }

    static final io.helidon.http.HeaderName CSRF = io.helidon.http.HeaderNames.create("X-CSRF-Token");

    /** The peer's IP address as text (never a resolved name: audit rows record where a request came from). */
    private static String address(RoutingRequest req) {
        return req.remotePeer().address() instanceof java.net.InetSocketAddress a && a.getAddress() != null
                ? a.getAddress().getHostAddress() : req.remotePeer().host();
    }

    static String denial(Permission p) {
        return p.level() == Permission.Level.ORG ? "this needs the organisation Admin role"
                : "this needs a team role that grants " + p.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }

    /** A bundle fetched with a signed link; the downloads handler checks the signature. */
    private static boolean signedDownload(RoutingRequest req, String path) {
        return path.startsWith("/api/v1/downloads/") && req.query().contains("signature")
                && req.headers().first(HeaderNames.AUTHORIZATION).isEmpty();
    }

    static User user(ServerRequest req) {
        return req.context().get(User.class)
                .orElseThrow(() -> ApiProblem.unauthorized("authentication required"));
    }

    static Access access(ServerRequest req) {
        return req.context().get(Access.class)
                .orElseThrow(() -> ApiProblem.unauthorized("authentication required"));
    }

    /** Refuses unless the user holds {@code p} for team {@code teamId}. */
    static Access require(ServerRequest req, Permission p, long teamId) {
        Access a = access(req);
        if (!a.can(p, teamId)) {
            throw ApiProblem.forbidden(denial(p) + " in that team");
        }
        return a;
    }
}
