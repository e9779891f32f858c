package dev.telltale.ui.apps;

import dev.telltale.agents.Inventory;
import dev.telltale.policy.Policies;
import dev.telltale.rbac.Access;
import dev.telltale.rbac.Permission;
import dev.telltale.rbac.RouteTable;
import dev.telltale.store.Scope;
import dev.telltale.ui.Chrome;
import dev.telltale.ui.Page;
import dev.telltale.ui.Ui;
import dev.telltale.ui.UiException;
import dev.telltale.ui.Views;
import dev.telltale.ui.alerts.When;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Applications as agents reported them ({@code /applications}), and one application
 * ({@code /applications/{id}}): components → versions → the agents (processes on hosts) that ran
 * them, links to its alerts and events, its alert policy, its software bill of materials (with
 * SBOM_VIEW) and how to run it under the agent. APPS_VIEW in the application's team, as the REST
 * API's applications route.
 */
public final class ApplicationsPages implements Page {
    private final Views views;
    private final RouteTable routes;
    private final Inventory inventory;
    private final dev.telltale.sca.Sca sca;
    private final Policies policies;
    private final Clock clock;
    private final dev.telltale.sbom.Inventory sbom;

    public ApplicationsPages(Views views, RouteTable routes, Ui.Services s) {
        this.views = views;
        this.routes = routes;
        this.inventory = s.inventory();
        this.policies = s.policies();
        this.clock = s.clock();
        this.sbom = s.sbomInventory();
        this.sca = s.sca();
    }

    /** One application of the list. */
    record Row(long id, String name, String team, int components, int versions, int agents, int activeAgents,
               long openAlerts, Optional<When> lastSeen, String openAlertsHref) {
    }

    record Agent(String hostname, String kind, String agentVersion, When firstSeen, When lastSeen, boolean active) {
    }

    record Version(String version, When reported, List<Agent> agents) {
    }

    record Component(String name, long openAlerts, String openAlertsHref, List<Version> versions) {
    }

    @Override
    public void declare(RouteTable t) {
        t.page("GET", "/applications", Permission.APPS_VIEW).page("GET", "/applications/{id}", Permission.APPS_VIEW);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/applications", this::list).get("/applications/{id}", this::detail);
    }

    private void list(ServerRequest req, ServerResponse res) {
        Scope scope = req.context().get(Access.class).orElseThrow().scope(Permission.APPS_VIEW);
        Instant now = clock.instant();
        Map<String, Object> m = new HashMap<>();
        m.put("chrome", Chrome.of(req, routes, "Applications"));
        m.put("rows", inventory.applications(scope).stream().map(a -> row(a, now)).toList());
        m.put("showTeam", scope.all() || scope.teams().size() > 1);
        views.send(res, 200, "applications", m);
    }

    private void detail(ServerRequest req, ServerResponse res) {
        Scope scope = req.context().get(Access.class).orElseThrow().scope(Permission.APPS_VIEW);
        String raw = req.path().pathParameters().get("id");
        if (!raw.matches("[1-9][0-9]{0,17}")) {
            throw notFound();
        }
        Inventory.ApplicationDetail d = inventory.application(Long.parseLong(raw), scope).orElseThrow(this::notFound);
        Instant now = clock.instant();
        Inventory.Application a = d.application();
        Map<String, Object> m = new HashMap<>();
        m.put("chrome", Chrome.of(req, routes, a.name()));
        m.put("app", row(a, now));
        m.put("components", d.components().stream().map(c -> component(a, c, now)).toList());
        m.put("alertsHref", "/alerts?application=" + enc(a.name()));
        m.put("eventsHref", "/events?q=" + enc("app:\"" + a.name() + "\""));
        m.put("policy", policy(a.id()));
        Access access = req.context().get(Access.class).orElseThrow();
        m.put("sbom", SbomSection.of(sbom, sca, a.teamId(), a.name(), access.scope(Permission.SBOM_VIEW), now));
        m.put("sbomAllowed", access.can(Permission.SBOM_VIEW, a.teamId()));
        m.put("run", RunInstructions.of(a.name(), d.components().stream().map(Inventory.Component::name).toList()));
        views.send(res, 200, "application", m);
    }

    private UiException notFound() {
        return new UiException(404, "There is no such application among those you may see.");
    }

    private static Row row(Inventory.Application a, Instant now) {
        return new Row(a.id(), a.name(), a.teamName(), a.components(), a.versions(), a.agents(), a.activeAgents(),
                a.openAlerts(), a.lastSeen().map(t -> When.of(t, now)), openAlerts(a.name(), Optional.empty()));
    }

    private static Component component(Inventory.Application a, Inventory.Component c, Instant now) {
        List<Version> versions = c.versions().stream().map(v -> new Version(v.version(), When.of(v.reported(), now),
                v.agents().stream().map(g -> new Agent(g.hostname(), g.kind(), g.agentVersion(), When.of(g.firstSeen(), now),
                        When.of(g.lastSeen(), now), g.active())).toList())).toList();
        return new Component(c.name(), c.openAlerts(), openAlerts(a.name(), Optional.of(c.name())), versions);
    }

    /** The policy that applies: the assigned one, else the default. */
    private String policy(long applicationId) {
        String def = policies.defaultPolicy().name();
        return policies.assignments().stream().filter(x -> x.applicationId() == applicationId).findFirst()
                .flatMap(Policies.Assignment::policy).orElse(def + " (the default policy)");
    }

    private static String openAlerts(String app, Optional<String> component) {
        return "/alerts?application=" + enc(app) + component.map(c -> "&component=" + enc(c)).orElse("")
                + "&state=REPORTED&state=ACKNOWLEDGED";
    }

    /** A path segment, percent-encoded (spaces as %20, not +). */
    static String path(String s) {
        return enc(s).replace("+", "%20");
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
