package dev.telltale.ui.policies;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.protocol.Compression;
import dev.telltale.protocol.client.AgentConnection;
import dev.telltale.protocol.event.Event;
import dev.telltale.protocol.event.EventType;
import dev.telltale.testing.Browser;
import dev.telltale.testing.RunningAppliance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.support.ui.Select;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Policies in a real Chromium: the list, cloning the standard policy into a team, editing rules
 * (enable, severity, a typed parameter, with a bad value refused next to its field) and
 * assigning the clone to an application an agent of that team reported.
 */
class PoliciesBrowserTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String LISTEN = "network.listen-all-interfaces";
    static final String PORTS_FIELD = "f-param-network-listen-all-interfaces-allowed-ports";
    @TempDir
    static Path data;
    static RunningAppliance app;

    @BeforeAll
    static void start() throws Exception {
        app = RunningAppliance.start(data, "");
        String admin = app.apiToken();
        assertEquals(201, app.post("/api/v1/teams", "{\"name\":\"shop-team\"}", admin).statusCode());
        String token = app.runToken(java.util.Optional.of("shop-team")).token();
        try (AgentConnection conn = app.connect()) {
            conn.hello(RunningAppliance.hello(token, "shop-agent", Compression.ZSTD));
            Event e = Event.of(EventType.FILE, 0, 9, 9);
            e.body().set("op", "open").set("path", "/srv/shop/config.yaml");
            conn.sendRaw(conn.encoder().frame(1, System.currentTimeMillis() * 1000, List.of(e)));
            conn.awaitAck(1);
        }
        long deadline = System.currentTimeMillis() + 15_000;
        while (applications().size() == 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(1, applications().size(), "the agent's application exists");
    }

    static JsonNode applications() throws Exception {
        return JSON.readTree(app.get("/api/v1/applications", app.apiToken()).body()).get("applications");
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void cloneEditAndAssignAPolicy() throws Exception {
        try (Browser b = Browser.open(app, 1280)) {
            b.signIn("admin", RunningAppliance.ADMIN_PASSWORD);
            b.go("/policies");
            assertEquals("Policies", b.text("h1"));
            String list = b.text("main table");
            assertTrue(list.contains("Standard") && list.contains("Max Alert") && list.contains("Default"), list);
            b.screenshot("policies");

            b.submit("main table a[href='/policies/" + policyId("Standard") + "']");
            assertEquals("Standard", b.text("h1"));
            assertTrue(b.all("a[href$='/edit']").isEmpty(), "a built-in policy offers no editing");
            new Select(b.find("#owner")).selectByVisibleText("Team shop-team");
            b.submit("form[action$='/clone'] button[type=submit]");
            long id = policyId("Copy of Standard");
            assertEquals("/policies/" + id + "/edit?done=cloned", b.path());
            assertEquals("Edit Copy of Standard", b.text("h1"));

            click(b, "f-rule-files-credential-read-on"); // on in Standard: turn it off
            new Select(b.find("#f-rule-network-listen-all-interfaces-sev")).selectByVisibleText("P2");
            if (!b.find("#f-rule-network-listen-all-interfaces-on").isSelected()) {
                click(b, "f-rule-network-listen-all-interfaces-on");
            }
            b.type(PORTS_FIELD, "80, http");
            b.submit(".form-actions button[type=submit]");
            assertTrue(b.text("#" + PORTS_FIELD + "-error").contains("port numbers"), b.text("main"));
            assertTrue(b.find("#" + PORTS_FIELD).getAttribute("aria-describedby").contains(PORTS_FIELD + "-error"),
                    "the error is tied to its field");
            assertFalse(b.find("#f-rule-files-credential-read-on").isSelected(), "what was typed stays");
            assertEquals("P2", new Select(b.find("#f-rule-network-listen-all-interfaces-sev")).getFirstSelectedOption().getText());
            assertEquals(1, b.all(".field-error").size(), "only the bad field is marked");
            ((JavascriptExecutor) b.driver()).executeScript("document.getElementById(arguments[0]).scrollIntoView({block:'center'})",
                    PORTS_FIELD);
            b.screenshot("policy-edit");

            b.type(PORTS_FIELD, "80 8443");
            b.submit(".form-actions button[type=submit]");
            assertEquals("/policies/" + id + "?done=saved", b.path());
            assertTrue(b.text("[role=status]").contains("saved"));
            JsonNode saved = JSON.readTree(app.get("/api/v1/policies/" + id, app.apiToken()).body());
            JsonNode cred = rule(saved, "files.credential-read");
            JsonNode listen = rule(saved, LISTEN);
            assertFalse(cred.get("enabled").asBoolean(), saved.toString());
            assertEquals("P2", listen.get("severity").asText());
            assertEquals("[80,8443]", listen.get("params").get("allowed-ports").toString());
            assertTrue(saved.get("team_id").isNumber(), "the clone is the team's");

            b.go("/policies/assignments");
            long appId = applications().get(0).get("id").asLong();
            new Select(b.find("#app-" + appId + "-policy")).selectByVisibleText("Copy of Standard");
            b.submit("#app-" + appId + " button[type=submit]");
            assertTrue(b.path().startsWith("/policies/assignments?done=assigned"), b.path());
            assertEquals("Copy of Standard", applications().get(0).get("policy").asText());
            assertEquals("Copy of Standard", new Select(b.find("#app-" + appId + "-policy")).getFirstSelectedOption().getText());

            b.go("/policies/" + id);
            assertTrue(b.text("main").contains("shop-team / shop"), "the policy page lists where it is used");
            assertTrue(b.all("form[action$='/delete']").isEmpty(), "an assigned policy cannot be deleted");
            b.screenshot("policy");
        }
    }

    @Test
    void aBuiltInPolicyCannotBeEditedAndUnknownPoliciesAreNotFound() throws Exception {
        try (Browser b = Browser.open(app, 1280)) {
            b.signIn("admin", RunningAppliance.ADMIN_PASSWORD);
            b.go("/policies/" + policyId("Max Alert") + "/edit");
            assertEquals("Cannot do that", b.text("h1"));
            assertTrue(b.text("main").contains("Clone it"), b.text("main"));
            b.go("/policies/99999");
            assertEquals("Page not found", b.text("h1"));
        }
    }

    /** Clicks after scrolling the element to the middle, clear of the sticky save bar. */
    static void click(Browser b, String id) {
        ((JavascriptExecutor) b.driver()).executeScript(
                "document.getElementById(arguments[0]).scrollIntoView({block:'center'})", id);
        b.find("#" + id).click();
    }

    static JsonNode rule(JsonNode policy, String id) {
        for (JsonNode r : policy.get("rules")) {
            if (r.get("id").asText().equals(id)) {
                return r;
            }
        }
        throw new AssertionError("no rule " + id);
    }

    static long policyId(String name) throws Exception {
        for (JsonNode p : JSON.readTree(app.get("/api/v1/policies", app.apiToken()).body()).get("policies")) {
            if (p.get("name").asText().equals(name)) {
                return p.get("id").asLong();
            }
        }
        throw new AssertionError("no policy " + name);
    }
}
