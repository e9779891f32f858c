package dev.telltale.ui.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.db.Sql;
import dev.telltale.policy.Finding;
import dev.telltale.policy.Severity;
import dev.telltale.testing.Browser;
import dev.telltale.testing.FakeAgent;
import dev.telltale.testing.RunningAppliance;
import dev.telltale.testing.TeamUsers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The alert pages in a real Chromium: alerts raised by real events and seeded findings appear,
 * filters narrow the list, the detail shows the evidence event with its stack trace, triage and
 * bulk triage change states with history, a Viewer only looks, and teams do not see each other's.
 */
class AlertsBrowserTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final AtomicLong UIDS = new AtomicLong(50_000_000);
    @TempDir
    static Path data;
    static RunningAppliance app;
    static long team;
    static long blue;

    @BeforeAll
    static void start() throws Exception {
        app = RunningAppliance.start(data, "");
        team = TeamUsers.team(app, "default");
        blue = TeamUsers.team(app, "blue");
        TeamUsers.create(app, "dana", Optional.of("DEVELOPER"), team);
        TeamUsers.create(app, "vic", Optional.of("VIEWER"), team);
        TeamUsers.create(app, "bob", Optional.of("DEVELOPER"), blue);
        String token = app.runToken(Optional.empty()).token();
        FakeAgent.send(app, token, "shop-checkout-1", "web-1", "shop", "checkout", "1.4.2",
                List.of(FakeAgent.open("/etc/shadow", 0), FakeAgent.open("/etc/shadow", 1000)));
        Instant t = Instant.now().minusSeconds(600);
        seed(finding(team, "payments", "privilege.setuid-root", Severity.P1, "/usr/bin/sudo", t));
        seed(finding(team, "cart", "files.world-writable-created", Severity.P3, "/tmp/cart-cache", t.plusSeconds(1)));
        seed(finding(team, "checkout", "network.listen-all-interfaces", Severity.P4, "0.0.0.0:8080", t.plusSeconds(2)));
        seed(finding(team, "batch", "files.system-write", Severity.P3, "/etc/cron.d/job", t.plusSeconds(3)));
        seed(finding(team, "batch", "files.system-write", Severity.P3, "/usr/local/bin/tool", t.plusSeconds(4)));
        seed(new Finding(blue, "bank", "ledger", "7.0", "vault-1", "privilege.root-no-drop", Severity.P1, "uid 0",
                "ledger runs as root", UIDS.incrementAndGet(), t, 9, 77, "standard"));
        long deadline = System.currentTimeMillis() + 30_000;
        while (alerts("?rule=files.credential-read").size() == 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(1, alerts("?rule=files.credential-read").size(), "the policy engine raised the alert");
        // The policy engine reads the journal, not the index: wait until the evidence is searchable too.
        assertEquals(2, app.awaitSearch("host:web-1", 2).get("events").size());
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    static Finding finding(long teamId, String component, String rule, Severity sev, String key, Instant t) {
        return new Finding(teamId, "shop", component, "2.0", "web-2", rule, sev, key, rule + " on " + key,
                UIDS.incrementAndGet(), t, 5, 300, "standard");
    }

    static void seed(Finding f) {
        Sql.inTransaction(app.appliance().database().dataSource(), c -> {
            app.appliance().alerts().record(c, List.of(f));
            return null;
        });
    }

    static JsonNode alerts(String query) throws Exception {
        return JSON.readTree(app.get("/api/v1/alerts" + query, app.apiToken()).body()).get("alerts");
    }

    static long alertId(String query) throws Exception {
        return alerts(query).get(0).get("id").asLong();
    }

    static Browser signedIn(String user, int width) throws Exception {
        Browser b = Browser.open(app, width);
        b.signIn(user, user.equals("admin") ? RunningAppliance.ADMIN_PASSWORD : TeamUsers.PASSWORD);
        assertEquals("/", b.path(), user + " signed in");
        return b;
    }

    static List<String> rowKeys(Browser b) {
        return b.all("table.alerts tbody code.key").stream().map(WebElement::getText).toList();
    }

    @Test
    void theListShowsAlertsAndFiltersNarrowIt() throws Exception {
        try (Browser b = signedIn("dana", 1280)) {
            b.submit("header nav a[href='/alerts']");
            assertEquals("Alerts", b.text("h1"));
            List<String> all = rowKeys(b);
            assertTrue(all.containsAll(List.of("/etc/shadow", "/usr/bin/sudo", "/tmp/cart-cache", "0.0.0.0:8080")), all.toString());
            assertFalse(all.contains("uid 0"), "another team's alert is not listed");
            assertTrue(b.text("#alert-count").matches("\\d+ alerts match"), b.text("#alert-count"));
            assertTrue(b.text("table.alerts").contains("Reads of credential files"), "rule titles from the catalogue");

            b.find("input[name=severity][value=P1]").click();
            b.submit("#apply-filters");
            assertTrue(b.path().startsWith("/alerts?severity=P1&"), b.path());
            assertEquals(List.of("/usr/bin/sudo"), rowKeys(b), "a severity filter narrows the list");
            assertEquals("1 alert matches", b.text("#alert-count"));
            assertTrue(b.find("input[name=severity][value=P1]").isSelected(), "the form shows the filter in force");

            b.go("/alerts?rule=files.credential-read");
            assertEquals(List.of("/etc/shadow"), rowKeys(b), "the dashboard's top-rule links work");
            b.go("/alerts?state=REPORTED&state=ACKNOWLEDGED&component=payments");
            assertEquals(List.of("/usr/bin/sudo"), rowKeys(b), "the dashboard's open-alerts link works");
            b.go("/alerts?state=FIXED");
            assertTrue(b.all("#no-alerts").size() == 1, "nothing is fixed yet");

            b.go("/alerts?sort=severity&application=shop");
            List<String> severities = b.all("table.alerts tbody .sev").stream().map(WebElement::getText).toList();
            assertEquals(severities.stream().sorted().toList(), severities, "most severe first: " + severities);
            b.go("/alerts");
            b.screenshot("alerts-list");
            b.go("/alerts?severity=P9");
            assertEquals("That did not work", b.text("h1"));
        }
        try (Browser narrow = signedIn("dana", 420)) {
            narrow.go("/alerts");
            Number scroll = (Number) ((JavascriptExecutor) narrow.driver())
                    .executeScript("return document.documentElement.scrollWidth - document.documentElement.clientWidth");
            assertTrue(scroll.intValue() <= 0, "no sideways scrolling on a narrow window: " + scroll);
            narrow.screenshot("alerts-list-narrow");
        }
    }

    @Test
    void theDetailShowsEvidenceAndTriageAcknowledgesWithAComment() throws Exception {
        long id = alertId("?rule=files.credential-read");
        try (Browser b = signedIn("dana", 1280)) {
            b.go("/alerts");
            b.submit("#alert-" + id + " a.alert-title");
            assertEquals("/alerts/" + id, b.path());
            assertTrue(b.text("h1").contains("Reads of credential files"), b.text("h1"));
            assertTrue(b.text("main").contains("Why it matters"), "the rule's rationale");
            String evidence = b.text("#evidence");
            assertTrue(evidence.contains("/etc/shadow") && evidence.contains("web-1"), evidence);
            String stack = b.text("#evidence .stack pre");
            assertTrue(stack.contains("#0  load_credentials  (/opt/shop/lib/libauth.so+0x1a2b)  src/auth.c:88"), stack);
            assertTrue(stack.contains("#1  main  (/opt/shop/bin/checkout+0x4f0)"), stack);
            long occ = JSON.readTree(app.get("/api/v1/alerts/" + id, app.apiToken()).body()).get("occurrences").get(0)
                    .get("id").asLong();

            new Select(b.find("#to-" + occ)).selectByValue("RISK_ACCEPTED");
            b.submit("#occurrence-" + occ + " form.transition button");
            assertEquals("A risk acceptance needs the date when it reopens.", b.text("#expires-" + occ + "-error"),
                    "the message sits next to the date field");

            new Select(b.find("#to-" + occ)).selectByValue("ACKNOWLEDGED");
            b.type("comment-" + occ, "looking into the auth library");
            b.submit("#occurrence-" + occ + " form.transition button");
            assertEquals("The occurrence is now Acknowledged.", b.text("[role=status]"));
            assertEquals("Acknowledged", b.text("#occurrence-" + occ + " .state"));
            String history = b.text("#history");
            assertTrue(history.contains("dana") && history.contains("Reported → Acknowledged")
                    && history.contains("looking into the auth library"), history);

            b.type("text-" + occ, "ticket SEC-42 filed");
            b.submit("#occurrence-" + occ + " form.comment button");
            assertEquals("Comment added.", b.text("[role=status]"));
            assertTrue(b.text("#comments").contains("ticket SEC-42 filed"), b.text("#comments"));
            ((JavascriptExecutor) b.driver()).executeScript("window.scrollTo(0, 0)");
            b.screenshot("alert-detail");
            ((JavascriptExecutor) b.driver()).executeScript("document.getElementById('evidence').scrollIntoView()");
            b.screenshot("alert-detail-evidence");
        }
        assertEquals("ACKNOWLEDGED", JSON.readTree(app.get("/api/v1/alerts/" + id, app.apiToken()).body())
                .get("occurrences").get(0).get("state").asText());
    }

    @Test
    void bulkTriageChangesTheSelectedAlertsAndSaysWhatItRefused() throws Exception {
        JsonNode batch = alerts("?component=batch");
        assertEquals(2, batch.size());
        long cron = batch.get(1).get("id").asLong();
        assertEquals("/etc/cron.d/job", batch.get(1).get("key").asText());
        try (Browser b = signedIn("dana", 1280)) {
            b.go("/alerts?component=batch");
            b.find("#select-" + batch.get(0).get("id").asLong()).click();
            b.find("#select-" + batch.get(1).get("id").asLong()).click();
            new Select(b.find("#bulk-to")).selectByValue("NOT_AN_ISSUE");
            b.type("bulk-comment", "build host writes these on purpose");
            b.submit("#bulk-apply");
            assertTrue(b.path().startsWith("/alerts?component=batch&"), "back to the same filters: " + b.path());
            assertEquals("2 occurrences changed to Not an issue.", b.text("#bulk-result"));
            assertEquals(2, b.all("table.alerts .state-NOT_AN_ISSUE").size());

            b.find("#select-" + cron).click();
            new Select(b.find("#bulk-to")).selectByValue("ACKNOWLEDGED");
            b.submit("#bulk-apply");
            String result = b.text("#bulk-result");
            assertTrue(result.contains("0 occurrences changed") && result.contains("1 refused: alert #" + cron
                    + ": invalid transition from Not an issue"), result);

            b.submit("#bulk-apply");
            assertEquals("Select at least one alert.", b.text("#alert-error"), "nothing selected");
        }
        assertEquals("build host writes these on purpose", JSON.readTree(app.get("/api/v1/alerts/" + cron,
                app.apiToken()).body()).get("history").get(1).get("comment").asText());
    }

    @Test
    void aViewerSeesAlertsButCannotTriage() throws Exception {
        long id = alertId("?rule=network.listen-all-interfaces");
        long occ = JSON.readTree(app.get("/api/v1/alerts/" + id, app.apiToken()).body()).get("occurrences").get(0)
                .get("id").asLong();
        try (Browser b = signedIn("vic", 1280)) {
            b.go("/alerts");
            assertTrue(rowKeys(b).contains("0.0.0.0:8080"), "a Viewer sees the team's alerts");
            assertTrue(b.all("#bulk-apply").isEmpty() && b.all("input[name=alert]").isEmpty(), "but no bulk triage");
            b.go("/alerts/" + id);
            assertEquals("Your role in this alert's team lets you view it, not triage it.", b.text("#view-only"));
            assertTrue(b.all("form.transition").isEmpty() && b.all("form.comment").isEmpty(), "no triage forms");
            // A forged form, as if the Viewer had kept one from elsewhere: the appliance refuses it.
            String csrf = b.find("header form[action='/logout'] input[name=_csrf]").getAttribute("value");
            WebElement html = b.find("html");
            ((JavascriptExecutor) b.driver()).executeScript("var f = document.createElement('form'); f.method = 'post';"
                    + " f.action = arguments[0]; [['_csrf', arguments[1]], ['to', 'ACKNOWLEDGED']].forEach(function (p) {"
                    + " var i = document.createElement('input'); i.type = 'hidden'; i.name = p[0]; i.value = p[1];"
                    + " f.appendChild(i); }); document.body.appendChild(f); f.submit();",
                    "/alerts/" + id + "/occurrences/" + occ + "/transition", csrf);
            new org.openqa.selenium.support.ui.WebDriverWait(b.driver(), java.time.Duration.ofSeconds(10))
                    .until(org.openqa.selenium.support.ui.ExpectedConditions.stalenessOf(html));
            assertEquals("Not allowed", b.text("h1"));
        }
        assertEquals("REPORTED", JSON.readTree(app.get("/api/v1/alerts/" + id, app.apiToken()).body())
                .get("occurrences").get(0).get("state").asText(), "nothing changed");
    }

    @Test
    void anotherTeamsAlertIsNotThere() throws Exception {
        long shop = alertId("?rule=privilege.setuid-root");
        long bank = alertId("?app=bank");
        try (Browser b = signedIn("bob", 1280)) {
            b.go("/alerts");
            assertEquals(List.of("uid 0"), rowKeys(b), "blue sees only its own alert");
            b.go("/alerts/" + shop);
            assertEquals("Page not found", b.text("h1"));
            assertFalse(b.text("main").contains("sudo"), "nothing of it leaks");
            b.go("/alerts/" + bank);
            assertTrue(b.text("h1").contains("root"), b.text("h1"));
            assertTrue(b.text("#evidence").contains("no longer in the event store"), "seeded evidence has no stored event");
        }
        try (Browser b = signedIn("dana", 1280)) {
            b.go("/alerts/" + bank);
            assertEquals("Page not found", b.text("h1"));
        }
    }
}
