package dev.telltale.ui.policies;

import dev.telltale.policy.Policies;
import dev.telltale.policy.Policy;
import dev.telltale.policy.PolicyDraft;
import dev.telltale.policy.PolicyException;
import dev.telltale.rbac.Access;
import dev.telltale.rbac.RouteTable;
import dev.telltale.teams.Teams;
import dev.telltale.ui.Chrome;
import dev.telltale.ui.Form;
import dev.telltale.ui.UiException;
import dev.telltale.ui.Views;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Editing a custom policy: name, description and every rule's enable, severity and parameters.
 * A refused form comes back with what was typed and each error next to its field.
 */
final class PolicyEditor {
    private final Views views;
    private final RouteTable routes;
    private final Policies policies;
    private final Teams teams;

    PolicyEditor(Views views, RouteTable routes, Policies policies, Teams teams) {
        this.views = views;
        this.routes = routes;
        this.policies = policies;
        this.teams = teams;
    }

    /** What the name and description fields hold. */
    record Header(long id, String name, String description, String owner) {
    }

    void show(ServerRequest req, ServerResponse res) {
        Policy p = editable(req);
        render(req, res, 200, new Header(p.id(), p.name(), p.description(), PolicyAccess.ownerLabel(p, teams)),
                RuleForm.of(p, policies.catalogue()), Map.of());
    }

    void save(ServerRequest req, ServerResponse res) {
        Form f = Form.read(req);
        Policy p = editable(req);
        Header h = new Header(p.id(), f.text("name"), f.first("description").orElse("").strip(),
                PolicyAccess.ownerLabel(p, teams));
        Map<String, RuleForm.RuleState> state = RuleForm.of(f, policies.catalogue());
        RuleForm.Parsed parsed = RuleForm.parse(state, policies.catalogue());
        Map<String, String> errors = new LinkedHashMap<>(parsed.errors());
        if (h.name().isEmpty()) {
            errors.put("name", "Enter a name.");
        }
        if (errors.isEmpty()) {
            try {
                policies.update(p.id(), new PolicyDraft(h.name(), h.description(), Optional.empty(), parsed.changes()),
                        PolicyAccess.actor(req));
                Views.redirect(res, "/policies/" + p.id() + "?done=saved");
                return;
            } catch (PolicyException e) {
                errors.put(field(e), RuleForm.fieldMessage(e.getMessage()).orElse(sentence(e.getMessage())));
            }
        }
        render(req, res, 400, h, state, errors);
    }

    /** The field a refusal of the policy service is about. */
    private static String field(PolicyException e) {
        String m = e.getMessage();
        if (e.kind() == PolicyException.Kind.CONFLICT || m.startsWith("a policy name")) {
            return "name";
        }
        if (m.startsWith("'description'")) {
            return "description";
        }
        return RuleForm.fieldOf(m).orElse("form");
    }

    private static String sentence(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1) + (s.endsWith(".") ? "" : ".");
    }

    private Policy editable(ServerRequest req) {
        Policy p = PolicyAccess.policy(req, policies);
        Access a = PolicyAccess.access(req);
        if (p.builtIn()) {
            throw new UiException(409, "'" + p.name() + "' is built in and read-only. Clone it to make a policy you can change.");
        }
        if (!PolicyAccess.mayEdit(a, p)) {
            throw new UiException(403, "You cannot change this policy: "
                    + (p.teamId().isPresent() ? "it belongs to a team in which you do not edit policies."
                    : "organisation-wide policies are changed by organisation Admins."));
        }
        return p;
    }

    private void render(ServerRequest req, ServerResponse res, int status, Header h, Map<String, RuleForm.RuleState> state,
                        Map<String, String> errors) {
        Map<String, Object> m = new HashMap<>();
        m.put("chrome", Chrome.of(req, routes, "Edit " + h.name()));
        m.put("policy", h);
        m.put("categories", RuleForm.view(state, policies.catalogue(), errors));
        m.put("errors", errors);
        m.put("errorCount", errors.size());
        m.put("severities", java.util.List.of("P1", "P2", "P3", "P4"));
        m.put("flash", PolicyViews.flash(req));
        views.send(res, status, "policy-edit", m);
    }
}
