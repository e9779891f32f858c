package dev.telltale.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code GET /api/health}: 200 with {@code "status":"UP"} when every component check passes,
 * 503 with {@code "DOWN"} otherwise. Open to unauthenticated load balancers: it reveals
 * component states, nothing more.
 */
final class HealthApi {
    /** One component's state and a few facts about it. */
    record Check(boolean up, Map<String, Object> details) {
    }

    private final Map<String, Supplier<Check>> checks;

    HealthApi(Map<String, Supplier<Check>> checks) {
        this.checks = checks;
    }

    void handle(ServerRequest req, ServerResponse res) {
        boolean up = true;
        ObjectNode components = Json.object();
        for (var e : checks.entrySet()) {
            Check c;
            try {
                c = e.getValue().get();
            } catch (RuntimeException ex) {
                c = new Check(false, Map.of("error", ex.getClass().getSimpleName()));
            }
            up &= c.up();
            ObjectNode n = components.putObject(e.getKey()).put("status", c.up() ? "UP" : "DOWN");
            c.details().forEach((k, v) -> n.set(k, Json.MAPPER.valueToTree(v)));
        }
        ObjectNode out = Json.object().put("status", up ? "UP" : "DOWN");
        out.set("checks", components);
        Json.send(res, up ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503, out);
    }
}
