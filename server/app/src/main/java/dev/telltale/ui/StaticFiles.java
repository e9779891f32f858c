package dev.telltale.ui;

import dev.telltale.rbac.Permission;
import dev.telltale.rbac.RouteTable;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/** The stylesheet, scripts and images of the web module ({@code static/} on the class path), served from memory. */
final class StaticFiles implements Page {
    private static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,64}\\.(css|js|svg|png)");
    private static final Map<String, String> TYPES = Map.of("css", "text/css; charset=utf-8",
            "js", "text/javascript; charset=utf-8", "svg", "image/svg+xml", "png", "image/png");
    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();
    private final ErrorPages errors;

    StaticFiles(ErrorPages errors) {
        this.errors = errors;
    }

    @Override
    public void declare(RouteTable routes) {
        routes.page("GET", "/static/{file}", Permission.PUBLIC);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/static/{file}", this::serve);
    }

    private void serve(ServerRequest req, ServerResponse res) {
        String name = req.path().pathParameters().get("file");
        // Only files that exist are cached: names are chosen by anyone, so misses must not fill memory.
        byte[] body = NAME.matcher(name).matches() ? cache.computeIfAbsent(name, StaticFiles::load) : null;
        if (body == null) {
            errors.send(req, res, 404, "There is no such file.");
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, TYPES.get(name.substring(name.lastIndexOf('.') + 1)));
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.header(HeaderNames.create("X-Content-Type-Options"), "nosniff");
        res.send(body);
    }

    private static byte[] load(String name) {
        try (InputStream in = StaticFiles.class.getClassLoader().getResourceAsStream("static/" + name)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
