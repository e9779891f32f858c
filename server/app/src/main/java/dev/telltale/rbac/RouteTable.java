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
    /** One declared route. */
    public record Route(String method, String template, Permission permission) {
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

    public RouteTable add(String method, String template, Permission permission) {
        if (!template.startsWith("/")) {
            throw new IllegalArgumentException("template must start with /: " + template);
        }
        routes.add(new Route(method, template, permission));
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
