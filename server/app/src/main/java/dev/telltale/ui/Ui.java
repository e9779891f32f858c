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

import dev.telltale.alerts.Alerts;
import dev.telltale.audit.AuditLog;
import dev.telltale.auth.RunTokens;
import dev.telltale.downloads.Bundles;
import dev.telltale.downloads.DownloadLinks;
import dev.telltale.rbac.ApiClients;
import dev.telltale.rbac.Memberships;
import dev.telltale.teams.Teams;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.IntSupplier;
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
                           Alerts alerts, Teams teams, Memberships memberships, ApiClients clients, AuditLog auditLog,
                           RunTokens runTokens, Bundles bundles, DownloadLinks downloadLinks, AgentEndpoint agentEndpoint,
                           Map<String, BooleanSupplier> health, Path dataDir, Clock clock, BooleanSupplier ssoEnabled,
                           String version, dev.telltale.certs.CertificateStore certificates,
                           dev.telltale.store.StoreConfig storeConfig, dev.telltale.alerts.AlertsConfig alertsConfig,
                           dev.telltale.agents.Inventory inventory, dev.telltale.sso.Sso sso,
                           dev.telltale.sbom.Inventory sbomInventory, dev.telltale.sca.Sca sca,
                           dev.telltale.vulndb.VulnDb vulnDb, dev.telltale.notify.Notify notifications,
                           dev.telltale.backup.Backups backups,
                           dev.telltale.upgrade.Upgrades upgrades) {
    }

    /** Where agents send their events, for install instructions and agent configuration files. */
    public record AgentEndpoint(Optional<String> publicHost, IntSupplier ingestPort, IntSupplier httpsPort, java.util.function.Supplier<String> caPem) {
    }

    private final Views views = new Views();
    private final ErrorPages errors = this::error;
    private final List<Page> pages;

    private Ui(Services s, RouteTable routes) {
        this.pages = List.of(
                new StaticFiles(errors),
                new LoginPage(views, s.ssoEnabled()),
                new AccountPage(views, routes, s.users(), s.sessions()),
                new DashboardPage(views, routes, s.overview(), s.store(), s.policies(), s.dataDir(), s.clock()),
                new dev.telltale.ui.certs.CertificatesPage(views, routes, s.certificates(), s.clock()),
                new dev.telltale.ui.policies.PoliciesPage(views, routes, s.policies(), s.teams()),
                new dev.telltale.ui.admin.AdminPage(views, routes, s),
                new dev.telltale.ui.alerts.AlertsPages(views, routes, s),
                new dev.telltale.ui.apps.ApplicationsPages(views, routes, s),
                new dev.telltale.ui.sso.SsoPage(views, routes, s.sso(), s.teams()),
                new dev.telltale.ui.integrations.IntegrationsPage(views, routes, s.notifications(), s.teams()),
                new dev.telltale.ui.vulndb.VulnDbPage(views, routes, s.vulnDb()),
                new dev.telltale.ui.upgrades.UpgradesPage(views, routes, s.upgrades()),
                new dev.telltale.ui.backups.BackupsPage(views, routes, s.backups()),
                new dev.telltale.ui.findings.FindingsPages(views, routes, s.sca(),
                        new dev.telltale.sca.CodeUsage(s.store(), s.clock()), s.clock()),

                new dev.telltale.ui.events.EventsPage(views, routes, s.store(), s.auditLog(), s.clock()),
                new dev.telltale.ui.downloads.DownloadsPage(views, routes, s.bundles(), s.downloadLinks(), s.runTokens(),
                        s.teams(), s.agentEndpoint(), s.clock()));
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
