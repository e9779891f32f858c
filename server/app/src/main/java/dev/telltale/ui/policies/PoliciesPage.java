package dev.telltale.ui.policies;

import dev.telltale.policy.Policies;
import dev.telltale.rbac.Permission;
import dev.telltale.rbac.RouteTable;
import dev.telltale.teams.Teams;
import dev.telltale.ui.Page;
import dev.telltale.ui.Views;
import io.helidon.webserver.http.HttpRules;

/**
 * The policy pages: the list, one policy's rules, cloning, editing, deleting, choosing the
 * default, and assigning policies to applications. Permissions mirror the policies API.
 */
public final class PoliciesPage implements Page {
    private final PolicyViews read;
    private final PolicyEditor edit;
    private final AssignmentsView assignments;

    public PoliciesPage(Views views, RouteTable routes, Policies policies, Teams teams) {
        this.read = new PolicyViews(views, routes, policies, teams);
        this.edit = new PolicyEditor(views, routes, policies, teams);
        this.assignments = new AssignmentsView(views, routes, policies);
    }

    @Override
    public void declare(RouteTable t) {
        t.page("GET", "/policies", Permission.POLICIES_VIEW)
                .page("GET", "/policies/assignments", Permission.POLICIES_VIEW)
                .page("POST", "/policies/assignments", Permission.POLICIES_ASSIGN)
                .page("GET", "/policies/{id}", Permission.POLICIES_VIEW)
                .page("POST", "/policies/{id}/clone", Permission.POLICIES_EDIT)
                .page("POST", "/policies/{id}/delete", Permission.POLICIES_EDIT)
                .page("POST", "/policies/{id}/default", Permission.POLICIES_MANAGE)
                .page("GET", "/policies/{id}/edit", Permission.POLICIES_EDIT)
                .page("POST", "/policies/{id}/edit", Permission.POLICIES_EDIT);
    }

    @Override
    public void routing(HttpRules rules) {
        // Literal paths first: routing tries handlers in order, and {id} would also match "assignments".
        rules.get("/policies", read::list)
                .get("/policies/assignments", assignments::show)
                .post("/policies/assignments", assignments::assign)
                .get("/policies/{id}", read::show)
                .post("/policies/{id}/clone", read::cloneIt)
                .post("/policies/{id}/delete", read::delete)
                .post("/policies/{id}/default", read::makeDefault)
                .get("/policies/{id}/edit", edit::show)
                .post("/policies/{id}/edit", edit::save);
    }
}
