package dev.telltale.ui.policies;

import dev.telltale.policy.Policies;
import dev.telltale.policy.Policy;
import dev.telltale.policy.PolicyException;
import dev.telltale.rbac.Access;
import dev.telltale.rbac.Permission;
import dev.telltale.rbac.RouteTable;
import dev.telltale.ui.Chrome;
import dev.telltale.ui.Form;
import dev.telltale.ui.UiException;
import dev.telltale.ui.Views;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which policy each application uses. Everyone who sees an application sees its policy; those
 * who assign policies in its team get a choice of the organisation's policies and their team's.
 */
final class AssignmentsView {
    private final Views views;
    private final RouteTable routes;
    private final Policies policies;

    AssignmentsView(Views views, RouteTable routes, Policies policies) {
        this.views = views;
        this.routes = routes;
        this.policies = policies;
    }

    /** One choice of the select. */
    record Option(String value, String label, boolean selected) {
    }

    /** An application with its policy and, when the user may change it, the choices. */
    record AppRow(long id, String htmlId, String team, String name, String policy, boolean assigned, boolean mayAssign,
                  List<Option> options, String error) {
    }

    void show(ServerRequest req, ServerResponse res) {
        render(req, res, 200, Optional.empty());
    }

    /** {@code error}: an application id and the message to show in its row. */
    private void render(ServerRequest req, ServerResponse res, int status, Optional<Map.Entry<Long, String>> error) {
        Access a = PolicyAccess.access(req);
        Policy def = policies.defaultPolicy();
        List<Policy> all = policies.list();
        List<AppRow> rows = new ArrayList<>();
        for (Policies.Assignment app : policies.assignments()) {
            if (!a.can(Permission.APPS_VIEW, app.teamId())) {
                continue;
            }
            List<Option> options = new ArrayList<>();
            options.add(new Option("", "Default policy (" + def.name() + ")", app.policy().isEmpty()));
            usable(all, app.teamId()).forEach(p -> options.add(new Option(String.valueOf(p.id()), p.name(),
                    app.policy().equals(Optional.of(p.name())))));
            rows.add(new AppRow(app.applicationId(), "app-" + app.applicationId(), app.teamName(), app.application(),
                    app.policy().orElse("Default (" + def.name() + ")"), app.policy().isPresent(),
                    a.can(Permission.POLICIES_ASSIGN, app.teamId()), options,
                    error.filter(e -> e.getKey() == app.applicationId()).map(Map.Entry::getValue).orElse("")));
        }
        Map<String, Object> m = new HashMap<>();
        m.put("chrome", Chrome.of(req, routes, "Policy assignments"));
        m.put("apps", rows);
        m.put("defaultPolicy", def.name());
        m.put("flash", PolicyViews.flash(req));
        views.send(res, status, "policy-assignments", m);
    }

    /** Organisation-wide policies (built-ins too) and the team's own. */
    private static List<Policy> usable(List<Policy> all, long teamId) {
        return all.stream().filter(p -> p.teamId().map(t -> t == teamId).orElse(true)).toList();
    }

    void assign(ServerRequest req, ServerResponse res) {
        Form f = Form.read(req);
        Access a = PolicyAccess.access(req);
        long appId = number(f.text("application")).orElseThrow(() -> new UiException(404, "There is no such application."));
        Policies.Assignment app = policies.assignments().stream().filter(x -> x.applicationId() == appId)
                .filter(x -> a.can(Permission.APPS_VIEW, x.teamId())).findFirst()
                .orElseThrow(() -> new UiException(404, "There is no such application."));
        if (!a.can(Permission.POLICIES_ASSIGN, app.teamId())) {
            throw new UiException(403, "You do not assign policies in team " + app.teamName() + ".");
        }
        String choice = f.text("policy");
        Optional<Long> policyId = Optional.empty();
        if (!choice.isEmpty()) {
            policyId = number(choice).flatMap(policies::byId).filter(p -> p.teamId().map(t -> t == app.teamId()).orElse(true))
                    .map(Policy::id);
            if (policyId.isEmpty()) {
                render(req, res, 400, Optional.of(Map.entry(appId, "Choose one of the listed policies.")));
                return;
            }
        }
        try {
            policies.assign(appId, policyId, a.username());
        } catch (PolicyException e) {
            render(req, res, 400, Optional.of(Map.entry(appId, e.getMessage())));
            return;
        }
        Views.redirect(res, "/policies/assignments?done=assigned#app-" + appId);
    }

    private static Optional<Long> number(String s) {
        try {
            return Optional.of(Long.parseLong(s));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
