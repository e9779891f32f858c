package dev.telltale.ui.policies;

import dev.telltale.policy.Policies;
import dev.telltale.policy.Policy;
import dev.telltale.policy.PolicyDraft;
import dev.telltale.policy.PolicyException;
import dev.telltale.policy.RuleSetting;
import dev.telltale.rbac.Access;
import dev.telltale.rbac.Permission;
import dev.telltale.rbac.RouteTable;
import dev.telltale.teams.Teams;
import dev.telltale.ui.Chrome;
import dev.telltale.ui.Form;
import dev.telltale.ui.UiException;
import dev.telltale.ui.Views;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The policy list and one policy's page, with clone, delete and "make default". */
final class PolicyViews {
    static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm 'UTC'").withZone(ZoneOffset.UTC);
    static final Map<String, String> DONE = Map.of(
            "cloned", "The policy was cloned. Change its rules below and save.",
            "saved", "The policy was saved.",
            "deleted", "The policy was deleted.",
            "default", "The default policy was changed. Applications without an assignment now use it.",
            "assigned", "The assignment was saved.");
    private static final int MAX_NAME = 100;
    private final Views views;
    private final RouteTable routes;
    private final Policies policies;
    private final Teams teams;

    PolicyViews(Views views, RouteTable routes, Policies policies, Teams teams) {
        this.views = views;
        this.routes = routes;
        this.policies = policies;
        this.teams = teams;
    }

    /** A row of the list. */
    record PolicyRow(long id, String name, String owner, boolean builtIn, boolean isDefault, long enabledRules,
                     int totalRules, String basedOn, long applications, String updated) {
    }

    /** The facts about one policy. */
    record PolicyFacts(long id, String name, String description, String owner, boolean builtIn, boolean isDefault,
                       String basedOn, int revision, String updated) {
    }

    void list(ServerRequest req, ServerResponse res) {
        Access a = PolicyAccess.access(req);
        long def = policies.defaultPolicy().id();
        List<Policies.Assignment> assigned = policies.assignments();
        List<PolicyRow> rows = policies.list().stream().filter(p -> PolicyAccess.visible(a, p)).map(p -> new PolicyRow(
                p.id(), p.name(), PolicyAccess.ownerLabel(p, teams), p.builtIn(), p.id() == def,
                p.rules().values().stream().filter(RuleSetting::enabled).count(), p.rules().size(),
                p.basedOn().orElse(""), assigned.stream().filter(x -> x.policy().equals(Optional.of(p.name()))).count(),
                p.builtIn() ? "" : WHEN.format(p.updatedAt()) + " by " + p.updatedBy())).toList();
        Map<String, Object> m = new HashMap<>();
        m.put("chrome", Chrome.of(req, routes, "Policies"));
        m.put("policies", rows);
        m.put("flash", flash(req));
        views.send(res, 200, "policies", m);
    }

    void show(ServerRequest req, ServerResponse res) {
        render(req, res, PolicyAccess.policy(req, policies), 200, Map.of());
    }

    /** One policy's page; {@code errors} holds "clone" or "action" messages from a refused form. */
    private void render(ServerRequest req, ServerResponse res, Policy p, int status, Map<String, String> errors) {
        Access a = PolicyAccess.access(req);
        boolean isDefault = policies.defaultPolicy().id() == p.id();
        List<String> apps = policies.assignments().stream().filter(x -> x.policy().equals(Optional.of(p.name())))
                .filter(x -> a.can(Permission.APPS_VIEW, x.teamId())).map(x -> x.teamName() + " / " + x.application())
                .toList();
        Map<String, Object> m = new HashMap<>();
        m.put("chrome", Chrome.of(req, routes, p.name()));
        m.put("policy", new PolicyFacts(p.id(), p.name(), p.description(), PolicyAccess.ownerLabel(p, teams), p.builtIn(),
                isDefault, p.basedOn().orElse(""), p.revision(), WHEN.format(p.updatedAt()) + " by " + p.updatedBy()));
        m.put("categories", RuleForm.view(RuleForm.summaries(p, policies.catalogue()), policies.catalogue(), Map.of()));
        m.put("applications", apps);
        m.put("mayEdit", PolicyAccess.mayEdit(a, p));
        m.put("mayDelete", PolicyAccess.mayEdit(a, p) && !isDefault && apps.isEmpty());
        m.put("mayMakeDefault", a.can(Permission.POLICIES_MANAGE) && !isDefault && p.teamId().isEmpty());
        m.put("cloneTargets", PolicyAccess.cloneTargets(a, p, teams));
        m.put("errors", errors);
        m.put("flash", flash(req));
        views.send(res, status, "policy", m);
    }

    void cloneIt(ServerRequest req, ServerResponse res) {
        Form f = Form.read(req);
        Policy base = PolicyAccess.policy(req, policies);
        Access a = PolicyAccess.access(req);
        Optional<Optional<Long>> team = PolicyAccess.target(f.text("owner"), PolicyAccess.cloneTargets(a, base, teams));
        if (team.isEmpty()) {
            render(req, res, base, 400, Map.of("clone", "Choose where the copy goes: a team in which you edit policies"
                    + (a.can(Permission.POLICIES_MANAGE) ? ", or organisation-wide." : ".")));
            return;
        }
        try {
            Policy copy = policies.create(new PolicyDraft(freeName(base.name()), base.description(),
                    Optional.of(base.name()), Map.of()), team.get(), a.username());
            Views.redirect(res, "/policies/" + copy.id() + "/edit?done=cloned");
        } catch (PolicyException e) {
            render(req, res, base, 400, Map.of("clone", e.getMessage()));
        }
    }

    /** "Copy of NAME", or "Copy of NAME (2)" and so on when taken; clipped to the longest name allowed. */
    private String freeName(String base) {
        String stem = "Copy of " + base;
        for (int n = 1; ; n++) {
            String suffix = n == 1 ? "" : " (" + n + ")";
            String name = (stem.length() + suffix.length() > MAX_NAME ? stem.substring(0, MAX_NAME - suffix.length())
                    : stem).strip() + suffix;
            if (policies.byName(name).isEmpty()) {
                return name;
            }
        }
    }

    void delete(ServerRequest req, ServerResponse res) {
        Form.read(req);
        Policy p = PolicyAccess.policy(req, policies);
        Access a = PolicyAccess.access(req);
        if (!PolicyAccess.mayEdit(a, p)) {
            throw new UiException(403, p.builtIn() ? "Built-in policies cannot be deleted."
                    : "You cannot delete this policy: it belongs to a team in which you do not edit policies.");
        }
        try {
            policies.delete(p.id(), a.username());
            Views.redirect(res, "/policies?done=deleted");
        } catch (PolicyException e) {
            render(req, res, p, 409, Map.of("action", e.getMessage()));
        }
    }

    void makeDefault(ServerRequest req, ServerResponse res) {
        Form.read(req);
        Policy p = PolicyAccess.policy(req, policies);
        if (p.teamId().isPresent()) {
            render(req, res, p, 400, Map.of("action", "A team's policy cannot be the default of every team."));
            return;
        }
        policies.setDefault(p.id(), PolicyAccess.actor(req));
        Views.redirect(res, "/policies/" + p.id() + "?done=default");
    }

    static String flash(ServerRequest req) {
        return req.query().first("done").asOptional().map(d -> DONE.getOrDefault(d, "")).orElse("");
    }
}
