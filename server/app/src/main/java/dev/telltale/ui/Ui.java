package dev.telltale.ui;

import dev.telltale.auth.Sessions;
import dev.telltale.auth.Users;
import dev.telltale.overview.Overview;
import dev.telltale.policy.Policies;
import dev.telltale.rbac.RouteTable;
import dev.telltale.store.EventStore;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The server-rendered web UI: Thymeleaf templates and static files of the web module, a page per
 * feature. Its routes are declared in the appliance's one route table (so the same access filter
 * guards pages and API), and refusals are answered with {@link #errors() friendly pages}.
 */
public final class Ui {
    /** What the pages read and change. */
    public record Services(Users users, Sessions sessions, Overview overview, EventStore store, Policies policies,
                           Path dataDir, Clock clock, BooleanSupplier ssoEnabled) {
    }

    private final Views views = new Views();
    private final ErrorPages errors = this::error;
    private final List<Page> pages;

    private Ui(Services s, RouteTable routes) {
        this.pages = List.of(
                new StaticFiles(errors),
                new LoginPage(views, s.ssoEnabled()),
                new AccountPage(views, routes, s.users(), s.sessions()),
                new DashboardPage(views, routes, s.overview(), s.store(), s.policies(), s.dataDir(), s.clock()));
    }

    /**
     * Declares every page in {@code routes} and returns the UI; call {@link #register} once the
     * table is complete.
     */
    public static Ui declare(RouteTable routes, Services s) {
        Ui ui = new Ui(s, routes);
        ui.pages.forEach(p -> p.declare(routes));
        return ui;
    }

    /** Registers the handlers of every page, and the mapping of {@link UiException}s to error pages. */
    public void register(HttpRouting.Builder routing) {
        routing.error(UiException.class, (req, res, e) -> error(req, res, e.status(), e.getMessage()));
        pages.forEach(p -> routing.register("/", p::routing));
    }

    /** The friendly error pages, for the access filter and the error handlers. */
    public ErrorPages errors() {
        return errors;
    }

    private void error(ServerRequest req, ServerResponse res, int status, String message) {
        String title = switch (status) {
            case 400 -> "That did not work";
            case 401 -> "Please sign in";
            case 403 -> "Not allowed";
            case 404 -> "Page not found";
            case 413 -> "Too large";
            case 500 -> "Something went wrong";
            default -> "Cannot do that";
        };
        views.send(res, status, "error", Map.of("status", status, "title", title, "message", message));
    }
}
