package dev.telltale.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.telltale.policy.Rule;
import dev.telltale.policy.Policies;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** {@code /api/v1/rules}: the rule catalogue with parameters, rationale and remediation. */
final class RulesApi implements HttpService {
    private final Policies policies;

    RulesApi(Policies policies) {
        this.policies = policies;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::list).get("/{id}", this::get);
    }

    private void list(ServerRequest req, ServerResponse res) {
        Principal.user(req);
        ArrayNode arr = Json.MAPPER.createArrayNode();
        policies.catalogue().forEach(r -> arr.add(PolicyJson.rule(r.info())));
        Json.send(res, Json.object().set("rules", arr));
    }

    private void get(ServerRequest req, ServerResponse res) {
        Principal.user(req);
        String id = req.path().pathParameters().get("id");
        Rule r = policies.catalogue().stream().filter(x -> x.info().id().equals(id)).findFirst()
                .orElseThrow(() -> ApiProblem.notFound("no rule '" + id + "'"));
        Json.send(res, PolicyJson.rule(r.info()));
    }
}
