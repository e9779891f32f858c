package dev.telltale.api;

import dev.telltale.alerts.Alerts;
import dev.telltale.auth.ApiTokens;
import dev.telltale.auth.RunTokens;
import dev.telltale.auth.Users;
import dev.telltale.downloads.Bundles;
import dev.telltale.downloads.DownloadLinks;
import dev.telltale.metrics.Metrics;
import dev.telltale.store.EventStore;
import dev.telltale.teams.Teams;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The REST API's routes: health, metrics, authentication (passwords, sessions, single sign-on),
 * run tokens, event search, alerts, the vulnerability database and SBOMs.
 */
public final class Api {
    private Api() {
    }

    /** What the API serves from. */
    public record Services(Users users, ApiTokens apiTokens, RunTokens runTokens, Teams teams, EventStore store,
                           Metrics metrics, Clock clock, Map<String, Supplier<Map<String, Object>>> healthDetails,
                           Map<String, BooleanSupplier> healthChecks, Bundles bundles, DownloadLinks downloadLinks,
                           java.util.Optional<String> publicHost, java.util.function.IntSupplier ingestPort,
                           java.util.function.IntSupplier httpsPort, java.util.function.Supplier<String> caPem,
                           dev.telltale.policy.Policies policies, Alerts alerts,
                           dev.telltale.rbac.Memberships memberships, dev.telltale.rbac.ApiClients clients,
                           dev.telltale.audit.AuditLog auditLog, dev.telltale.auth.Sessions sessions,
                           java.time.Duration sessionAbsolute, dev.telltale.certs.CertificateStore certificates,
                           dev.telltale.sso.Sso sso, dev.telltale.vulndb.VulnDb vulnDb,
                           dev.telltale.sbom.Inventory inventory, dev.telltale.sca.Sca sca,
                           dev.telltale.sbom.export.Sbom sbom, dev.telltale.notify.Notify notifications,
                           dev.telltale.backup.Backups backups,
                           dev.telltale.upgrade.Upgrades upgrades) {
    }

    /** A fresh table of the API's routes, to which the web UI adds its pages before {@link #register}. */
    public static dev.telltale.rbac.RouteTable routes() {
        return ApiRoutes.table();
    }

    /**
     * Registers the access filter for every route of {@code routes} (API and pages: deny by
     * default), the API's handlers and the mapping of failures to problem responses or, for
     * pages, to {@code pages}.
     */
    public static void register(HttpRouting.Builder routing, Services s, dev.telltale.rbac.RouteTable routes,
                                dev.telltale.ui.ErrorPages pages) {
        Problems.register(routing, routes, pages);
        routing.addFilter(new Principal(s.apiTokens(), s.memberships(), s.clients(), routes, s.sessions(), pages));
        Map<String, Supplier<HealthApi.Check>> checks = new LinkedHashMap<>();
        s.healthChecks().forEach((name, check) -> checks.put(name, () -> new HealthApi.Check(check.getAsBoolean(),
                s.healthDetails().getOrDefault(name, Map::of).get())));
        HealthApi health = new HealthApi(checks);
        routing.get("/api/health", health::handle);
        routing.get("/metrics", (req, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
            res.send(s.metrics().scrape());
        });
        SessionCookies cookies = new SessionCookies(s.sessions(), s.sessionAbsolute());
        routing.register("/", new SessionsApi(s.users(), cookies));
        routing.register("/sso", new SsoApi(s.sso(), cookies, pages));
        routing.register("/api/v1/sso", new SsoSettingsApi(s.sso()));
        routing.register("/api/v1/auth", new AuthApi(s.users(), s.apiTokens(), s.clients()));
        routing.register("/api/v1/clients", new ClientsApi(s.clients(), s.teams()));
        routing.register("/api/v1/audit", new AuditApi(s.auditLog(), s.clock()));
        routing.register("/api/v1", new AccessApi(s.users(), s.teams(), s.memberships(), s.sessions()));
        routing.register("/api/v1/run-tokens", new RunTokensApi(s.runTokens(), s.teams()));
        routing.register("/api/v1/events", new EventsApi(s.store(), s.clock()));
        routing.register("/api/v1/rules", new RulesApi(s.policies()));
        routing.register("/api/v1/policies", new PoliciesApi(s.policies(), s.teams()));
        routing.register("/api/v1/applications", new ApplicationsApi(s.policies()));
        routing.register("/api/v1/applications", new InventoryApi(s.inventory()));
        routing.register("/api/v1/findings", new FindingsApi(s.sca(), new dev.telltale.sca.CodeUsage(s.store(), s.clock())));
        routing.register("/api/v1/applications", new SbomApi(s.sbom(), s.auditLog()));
        routing.register("/api/v1/alerts", new AlertsApi(s.alerts(), s.clock()));
        routing.register("/api/v1/integrations", new IntegrationsApi(s.notifications(), s.teams()));
        routing.register("/api/v1/backups", new BackupsApi(s.backups(), s.auditLog()));
        routing.register("/api/v1/vulndb", new VulnDbApi(s.vulnDb()));
        routing.register("/api/v1/upgrades", new UpgradesApi(s.upgrades()));
        routing.register("/api/v1/certificates", new CertificatesApi(s.certificates(), s.clock()));
        routing.register("/api/v1/downloads", new DownloadsApi(s.bundles(), s.downloadLinks(), s.runTokens(), s.teams(),
                new DownloadsApi.Agents(s.publicHost(), s.ingestPort(), s.httpsPort(), s.caPem())));
    }
}
