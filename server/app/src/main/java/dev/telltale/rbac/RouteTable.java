package dev.telltale.rbac;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every route with the permission it needs, in one place. Requests that match no declared route
 * are refused before routing (deny by default), so a route someone forgets to declare cannot be
 * reached. Templates are paths with {@code {name}} segments.
 */
public final class RouteTable {
    /**
     * One declared route. A {@code page} is a web UI page: refusals are answered in HTML
     * (a redirect to sign in, a friendly error page) instead of problem JSON, and its forms carry
     * their CSRF token as a field rather than a header.
     */
    public record Route(String method, String template, Permission permission, boolean page) {
        boolean matches(String m, String[] parts) {
            if (!method.equals(m)) {
                return false;
            }
            String[] t = template.substring(1).split("/", -1);
            if (t.length != parts.length) {
                return false;
            }
            for (int i = 0; i < t.length; i++) {
                boolean param = t[i].startsWith("{") && t[i].endsWith("}");
                if (param ? parts[i].isEmpty() : !t[i].equals(parts[i])) {
                    return false;
                }
            }
            return true;
        }

        /** Literal segments beat parameters: /policies/default before /policies/{id}. */
        int literals() {
            int n = 0;
            for (String s : template.substring(1).split("/", -1)) {
                n += s.startsWith("{") ? 0 : 1;
            }
            return n;
        }
    }

    private final List<Route> routes = new ArrayList<>();

    /** Declares an API route. */
    public RouteTable add(String method, String template, Permission permission) {
        return add(new Route(method, template, permission, false));
    }

    /** Declares a web UI page (see {@link Route}). */
    public RouteTable page(String method, String template, Permission permission) {
        return add(new Route(method, template, permission, true));
    }

    private RouteTable add(Route r) {
        if (!r.template().startsWith("/")) {
            throw new IllegalArgumentException("template must start with /: " + r.template());
        }
        if (routes.stream().anyMatch(o -> o.method().equals(r.method()) && o.template().equals(r.template()))) {
            throw new IllegalArgumentException("route declared twice: " + r.method() + " " + r.template());
        }
        routes.add(r);
        return this;
    }

    /** The most specific declared route for a request, if any. */
    public Optional<Route> match(String method, String path) {
        if (method.equals("HEAD")) {
            method = "GET"; // HEAD is GET without the body, with GET's permission
        }
        String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        String[] parts = p.substring(1).split("/", -1);
        Route best = null;
        for (Route r : routes) {
            if (r.matches(method, parts) && (best == null || r.literals() > best.literals())) {
                best = r;
            }
        }
        return Optional.ofNullable(best);
    }

    public List<Route> routes() {
        return List.copyOf(routes);
    }
}
