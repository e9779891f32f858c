package dev.telltale.ui;

import dev.telltale.auth.Sessions;
import dev.telltale.rbac.Access;
import dev.telltale.rbac.Permission;
import dev.telltale.rbac.RouteTable;
import io.helidon.webserver.http.ServerRequest;

import java.util.ArrayList;
import java.util.List;

/**
 * What the layout around every signed-in page shows: who is signed in, the CSRF token for its
 * forms, and the navigation — only the sections this user may open, so a Viewer never sees a
 * link to an administration page.
 */
public record Chrome(String username, boolean orgAdmin, String csrf, List<NavItem> nav, String title) {

    /** One link of the navigation bar. */
    public record NavItem(String label, String href, boolean current) {
    }

    /** The sections, in menu order, each with the route that opens it. */
    private static final List<String[]> SECTIONS = List.of(
            new String[]{"Dashboard", "/"},
            new String[]{"Applications", "/applications"},
            new String[]{"Alerts", "/alerts"},
            new String[]{"Vulnerabilities", "/findings"},
            new String[]{"Events", "/events"},
            new String[]{"Policies", "/policies"},
            new String[]{"Downloads", "/downloads"},
            new String[]{"Administration", "/admin"});

    public static Chrome of(ServerRequest req, RouteTable routes, String title) {
        Access a = req.context().get(Access.class).orElseThrow(() -> new UiException(401, "Sign in first."));
        String csrf = req.context().get(Sessions.Session.class).map(Sessions.Session::csrfToken).orElse("");
        String path = req.path().path();
        List<NavItem> nav = new ArrayList<>();
        for (String[] s : SECTIONS) {
            routes.match("GET", s[1]).filter(r -> r.page() && allowed(a, r.permission())).ifPresent(r ->
                    nav.add(new NavItem(s[0], s[1], s[1].equals("/") ? path.equals("/") : path.startsWith(s[1]))));
        }
        return new Chrome(a.username(), a.orgAdmin(), csrf, List.copyOf(nav), title);
    }

    public static boolean allowed(Access a, Permission p) {
        return p == Permission.PUBLIC || a.can(p);
    }
}
