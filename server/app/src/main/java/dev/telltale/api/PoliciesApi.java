package dev.telltale.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.auth.User;
import dev.telltale.policy.Policies;
import dev.telltale.policy.Policy;
import dev.telltale.policy.PolicyDraft;
import dev.telltale.policy.PolicyException;
import dev.telltale.rbac.Permission;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Optional;

/**
 * {@code /api/v1/policies}: list, read, create (clone with changes), change and delete
 * policies, and choose the default. Reads need a signed-in user, changes the organisation
 * Admin role (until team roles arrive). Built-in policies are read-only.
 */
final class PoliciesApi implements HttpService {
    private final Policies policies;
    private final dev.telltale.teams.Teams teams;

    PoliciesApi(Policies policies, dev.telltale.teams.Teams teams) {
        this.policies = policies;
        this.teams = teams;
    }

    /** Organisation-wide policies are everyone's to read; a team's, its members'. */
    private static boolean visible(ServerRequest req, Policy p) {
        return p.teamId().map(t -> Principal.access(req).can(Permission.POLICIES_VIEW, t)).orElse(true);
    }

    /** A team's policy is its Team Admins' to change; an organisation-wide one, Admins'. */
    private static void mayEdit(ServerRequest req, Optional<Long> team) {
        if (team.isPresent()) {
            Principal.require(req, Permission.POLICIES_EDIT, team.get());
        } else if (!Principal.access(req).orgAdmin()) {
            throw ApiProblem.forbidden("organisation-wide policies need the organisation Admin role; name a 'team'");
        }
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::list)
                .post("/", this::create)
                .put("/default", this::setDefault)
                .get("/{id}", this::get)
                .put("/{id}", this::update)
                .delete("/{id}", this::delete);
    }

    private void list(ServerRequest req, ServerResponse res) {
        Principal.user(req);
        Policy def = policies.defaultPolicy();
        var assignments = policies.assignments();
        ArrayNode arr = Json.MAPPER.createArrayNode();
        for (Policy p : policies.list()) {
            if (!visible(req, p)) {
                continue;
            }
            ObjectNode o = PolicyJson.summary(p).put("default", p.id() == def.id());
            ArrayNode apps = o.putArray("applications");
            assignments.stream().filter(a -> a.policy().equals(Optional.of(p.name())))
                    .forEach(a -> apps.addObject().put("id", a.applicationId()).put("team", a.teamName())
                            .put("name", a.application()));
            arr.add(o);
        }
        Json.send(res, Json.object().put("default", def.name()).set("policies", arr));
    }

    private void get(ServerRequest req, ServerResponse res) {
        Principal.user(req);
        Policy p = policies.byId(id(req)).filter(x -> visible(req, x))
                .orElseThrow(() -> ApiProblem.notFound("no policy " + id(req)));
        Json.send(res, PolicyJson.full(p, policies.catalogue()).put("default", policies.defaultPolicy().id() == p.id()));
    }

    private void create(ServerRequest req, ServerResponse res) {
        User admin = Principal.user(req); // the route needs the organisation Admin role
        ObjectNode body = Json.body(req);
        Json.onlyFields(body, "name", "description", "based_on", "rules", "team");
        Optional<Long> team = Json.optionalText(body, "team").map(t -> teams.byName(t)
                .orElseThrow(() -> ApiProblem.badRequest("no team named '" + t + "'")).id());
        mayEdit(req, team);
        PolicyDraft draft = new PolicyDraft(Json.text(body, "name"), Json.optionalText(body, "description").orElse(""),
                Json.optionalText(body, "based_on"), PolicyJson.changes(body.get("rules")));
        if (draft.basedOn().flatMap(policies::byName).filter(b -> !visible(req, b)).isPresent()) {
            throw ApiProblem.badRequest("no policy named '" + draft.basedOn().get() + "' to start from");
        }
        Policy p = policies.create(draft, team, admin.username());
        Json.send(res, Status.CREATED_201, PolicyJson.full(p, policies.catalogue()));
    }

    private void update(ServerRequest req, ServerResponse res) {
        User admin = Principal.user(req); // the route needs the organisation Admin role
        long id = id(req);
        Policy old = policies.byId(id).filter(x -> visible(req, x)).orElseThrow(() -> ApiProblem.notFound("no policy " + id));
        if (!old.builtIn()) {
            mayEdit(req, old.teamId());
        }
        ObjectNode body = Json.body(req);
        Json.onlyFields(body, "name", "description", "rules");
        PolicyDraft draft = new PolicyDraft(Json.optionalText(body, "name").orElse(old.name()),
                Json.optionalText(body, "description").orElse(old.description()), Optional.empty(),
                PolicyJson.changes(body.get("rules")));
        Policy p = policies.update(id, draft, admin.username());
        Json.send(res, PolicyJson.full(p, policies.catalogue()));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        User admin = Principal.user(req); // the route needs the organisation Admin role
        long id = id(req);
        Policy old = policies.byId(id).filter(x -> visible(req, x)).orElseThrow(() -> ApiProblem.notFound("no policy " + id));
        if (!old.builtIn()) {
            mayEdit(req, old.teamId());
        }
        policies.delete(id, admin.username());
        res.status(Status.NO_CONTENT_204).send();
    }

    private void setDefault(ServerRequest req, ServerResponse res) {
        User admin = Principal.user(req); // the route needs the organisation Admin role
        ObjectNode body = Json.body(req);
        Json.onlyFields(body, "policy");
        String name = Json.text(body, "policy");
        Policy p = policies.byName(name).orElseThrow(() -> ApiProblem.notFound("no policy named '" + name + "'"));
        policies.setDefault(p.id(), admin.username());
        Json.send(res, Json.object().put("default", p.name()));
    }

    private static long id(ServerRequest req) {
        return Json.pathId(req, "id", "a policy id");
    }

    /** For the one problem mapping in {@link Problems}. */
    static ApiProblem problem(PolicyException e) {
        return switch (e.kind()) {
            case INVALID -> ApiProblem.badRequest(e.getMessage());
            case NOT_FOUND -> ApiProblem.notFound(e.getMessage());
            case CONFLICT, READ_ONLY -> new ApiProblem(409, "Conflict", e.getMessage());
        };
    }
}
