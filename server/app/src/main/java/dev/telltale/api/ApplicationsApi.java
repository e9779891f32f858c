package dev.telltale.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.auth.User;
import dev.telltale.policy.Policies;
import dev.telltale.policy.Policy;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Optional;

/**
 * {@code /api/v1/applications}: the applications agents reported, with the policy that applies
 * to each; {@code PUT /{id}/policy} assigns one ({@code {"policy": null}} returns to the default).
 */
final class ApplicationsApi implements HttpService {
    private final Policies policies;

    ApplicationsApi(Policies policies) {
        this.policies = policies;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::list).put("/{id}/policy", this::assign);
    }

    private void list(ServerRequest req, ServerResponse res) {
        var scope = Visibility.of(Principal.access(req), dev.telltale.rbac.Permission.APPS_VIEW);
        String def = policies.defaultPolicy().name();
        ArrayNode arr = Json.MAPPER.createArrayNode();
        for (Policies.Assignment a : policies.assignments()) {
            if (!Visibility.sees(scope, a.teamId())) {
                continue;
            }
            arr.add(json(a, def));
        }
        Json.send(res, Json.object().set("applications", arr));
    }

    private static ObjectNode json(Policies.Assignment a, String defaultPolicy) {
        ObjectNode o = Json.object().put("id", a.applicationId()).put("team", a.teamName()).put("name", a.application());
        if (a.policy().isPresent()) {
            o.put("policy", a.policy().get());
        } else {
            o.putNull("policy");
        }
        return o.put("effective_policy", a.policy().orElse(defaultPolicy));
    }

    private void assign(ServerRequest req, ServerResponse res) {
        User admin = Principal.user(req);
        long id = Json.pathId(req, "id", "an application id");
        var access = Principal.access(req);
        Policies.Assignment app = policies.assignments().stream().filter(a -> a.applicationId() == id)
                .filter(a -> access.can(dev.telltale.rbac.Permission.APPS_VIEW, a.teamId())).findFirst()
                .orElseThrow(() -> ApiProblem.notFound("no application " + id));
        Principal.require(req, dev.telltale.rbac.Permission.POLICIES_ASSIGN, app.teamId());
        ObjectNode body = Json.body(req);
        Json.onlyFields(body, "policy");
        JsonNode n = body.get("policy");
        if (n == null) {
            throw ApiProblem.badRequest("'policy' is required: a policy name, or null for the default policy");
        }
        Optional<Long> policyId = Optional.empty();
        if (!n.isNull()) {
            if (!n.isTextual()) {
                throw ApiProblem.badRequest("'policy' must be a policy name or null");
            }
            policyId = Optional.of(policies.byName(n.asText()).map(Policy::id)
                    .orElseThrow(() -> ApiProblem.notFound("no policy named '" + n.asText() + "'")));
        }
        Policies.Assignment a = policies.assign(id, policyId, admin.username());
        Json.send(res, json(a, policies.defaultPolicy().name()));
    }
}
