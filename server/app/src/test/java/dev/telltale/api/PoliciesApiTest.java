package dev.telltale.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.protocol.Compression;
import dev.telltale.protocol.client.AgentConnection;
import dev.telltale.testing.RunningAppliance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rules, policies and applications API over real HTTPS, against the real catalogue. */
class PoliciesApiTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path data;
    static RunningAppliance app;
    static String api;

    @BeforeAll
    static void start() throws Exception {
        app = RunningAppliance.start(data, "");
        api = app.apiToken();
        String token = app.runToken(Optional.empty()).token();
        try (AgentConnection conn = app.connect()) { // registers application "shop"
            conn.hello(RunningAppliance.hello(token, "policies-agent", Compression.ZSTD));
        }
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    private static JsonNode ok(HttpResponse<String> r, int status) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        return r.body().isEmpty() ? null : JSON.readTree(r.body());
    }

    private static void problem(HttpResponse<String> r, int status, String detail) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals("application/problem+json", r.headers().firstValue("content-type").orElse(""));
        String d = JSON.readTree(r.body()).get("detail").asText();
        assertTrue(d.contains(detail), d);
    }

    /** A rule of the catalogue with a list-of-strings parameter, whatever the catalogue holds. */
    private static JsonNode ruleWithStrings() throws Exception {
        for (JsonNode r : ok(app.get("/api/v1/rules", api), 200).get("rules")) {
            for (JsonNode p : r.get("params")) {
                if (p.get("kind").asText().equals("strings")) {
                    return r;
                }
            }
        }
        throw new AssertionError("the catalogue has no rule with a strings parameter");
    }

    @Test
    void theCatalogueDescribesEveryRule() throws Exception {
        JsonNode rules = ok(app.get("/api/v1/rules", api), 200).get("rules");
        assertTrue(rules.size() >= 15, "the alert catalogue: " + rules.size());
        for (JsonNode r : rules) {
            assertTrue(r.get("severity").asText().matches("P[1-4]"), r.toString());
            assertTrue(r.get("rationale").asText().length() > 20, r.toString());
            assertTrue(r.get("remediation").asText().length() > 20, r.toString());
        }
        String id = rules.get(0).get("id").asText();
        assertEquals(id, ok(app.get("/api/v1/rules/" + id, api), 200).get("id").asText());
        problem(app.get("/api/v1/rules/no.such", api), 404, "no rule 'no.such'");
    }

    @Test
    void cloneChangeAssignAndDelete() throws Exception {
        JsonNode rule = ruleWithStrings();
        String id = rule.get("id").asText();
        String param = null;
        for (JsonNode p : rule.get("params")) {
            if (p.get("kind").asText().equals("strings")) {
                param = p.get("name").asText();
                break;
            }
        }
        JsonNode list = ok(app.get("/api/v1/policies", api), 200);
        assertEquals("Standard", list.get("default").asText());
        long standardId = list.get("policies").get(0).get("id").asLong();
        problem(app.put("/api/v1/policies/" + standardId, "{\"description\":\"x\"}", api), 409, "read-only");

        String body = "{\"name\":\"Shop strict\",\"based_on\":\"Max Alert\",\"rules\":{\"" + id
                + "\":{\"severity\":\"P1\",\"params\":{\"" + param + "\":[\"/opt/secret/*\"]}}}}";
        JsonNode created = ok(app.post("/api/v1/policies", body, api), 201);
        long pid = created.get("id").asLong();
        JsonNode setting = null;
        for (JsonNode r : created.get("rules")) {
            if (r.get("id").asText().equals(id)) {
                setting = r;
            }
        }
        assertEquals("P1", setting.get("severity").asText());
        assertEquals("[\"/opt/secret/*\"]", setting.get("params").get(param).toString());
        problem(app.post("/api/v1/policies", body, api), 409, "already exists");

        JsonNode changed = ok(app.put("/api/v1/policies/" + pid, "{\"rules\":{\"" + id + "\":{\"enabled\":false}}}", api), 200);
        assertEquals(2, changed.get("revision").asInt());

        JsonNode apps = ok(app.get("/api/v1/applications", api), 200).get("applications");
        long appId = apps.get(0).get("id").asLong();
        assertEquals("Standard", apps.get(0).get("effective_policy").asText());
        JsonNode assigned = ok(app.put("/api/v1/applications/" + appId + "/policy", "{\"policy\":\"Shop strict\"}", api), 200);
        assertEquals("Shop strict", assigned.get("effective_policy").asText());
        problem(app.delete("/api/v1/policies/" + pid, api), 409, "in use");
        ok(app.put("/api/v1/applications/" + appId + "/policy", "{\"policy\":null}", api), 200);
        ok(app.delete("/api/v1/policies/" + pid, api), 204);
        problem(app.get("/api/v1/policies/" + pid, api), 404, "no policy");
    }

    @Test
    void badRequestsSayWhatToFix() throws Exception {
        String rule = ruleWithStrings().get("id").asText();
        problem(app.post("/api/v1/policies", "{\"name\":\"A\",\"rulez\":{}}", api), 400, "unknown field 'rulez'");
        problem(app.post("/api/v1/policies", "{\"name\":\"A\",\"rules\":{\"no.rule\":{}}}", api), 400, "no rule 'no.rule'");
        problem(app.post("/api/v1/policies", "{\"name\":\"A\",\"rules\":{\"" + rule + "\":{\"severity\":\"P9\"}}}", api),
                400, "P1, P2, P3, P4");
        problem(app.post("/api/v1/policies", "{\"name\":\"A\",\"rules\":{\"" + rule + "\":{\"params\":{\"nope\":1}}}}", api),
                400, "has no parameter 'nope'");
        problem(app.post("/api/v1/policies", "{\"name\":\"A\",\"based_on\":\"Ghost\"}", api), 400, "no policy named 'Ghost'");
        problem(app.post("/api/v1/policies", "{\"name\":\"\"}", api), 400, "a policy name is");
        problem(app.get("/api/v1/policies/abc", api), 400, "ids are numbers");
        problem(app.put("/api/v1/policies/default", "{\"policy\":\"Ghost\"}", api), 404, "no policy named 'Ghost'");
        problem(app.put("/api/v1/applications/999/policy", "{\"policy\":null}", api), 404, "no application 999");
        ok(app.put("/api/v1/policies/default", "{\"policy\":\"Max Alert\"}", api), 200);
        assertEquals("Max Alert", ok(app.get("/api/v1/policies", api), 200).get("default").asText());
        ok(app.put("/api/v1/policies/default", "{\"policy\":\"Standard\"}", api), 200);
    }
}
