package dev.telltale.ui.apps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.sbom.DebianHost;
import dev.telltale.testing.Browser;
import dev.telltale.testing.FakeAgent;
import dev.telltale.testing.RunningAppliance;
import dev.telltale.testing.TeamUsers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.WebElement;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The applications pages in a real Chromium, fed by real agents of two teams. */
class ApplicationsBrowserTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path data;
    static RunningAppliance app;

    @BeforeAll
    static void start() throws Exception {
        app = RunningAppliance.start(data, "");
        long team = TeamUsers.team(app, "default");
        long blue = TeamUsers.team(app, "blue");
        TeamUsers.create(app, "dana", Optional.of("DEVELOPER"), team);
        TeamUsers.create(app, "bob", Optional.of("VIEWER"), blue);
        String token = app.runToken(Optional.empty()).token();
        FakeAgent.send(app, token, "checkout-a", "web-1", "shop", "checkout", "1.4.2",
                List.of(FakeAgent.open("/etc/shadow", 0), DebianHost.hostEnv(4242),
                        DebianHost.load(4242, DebianHost.LIBSSL, DebianHost.LIBSSL_SHA, "initial")));
        FakeAgent.send(app, token, "checkout-b", "web-2", "shop", "checkout", "1.4.3",
                List.of(FakeAgent.open("/srv/shop/config.yml", 0)));
        FakeAgent.send(app, token, "cart-a", "web-3", "shop", "cart", "2.0",
                List.of(FakeAgent.open("/srv/shop/cart.db", 0)));
        FakeAgent.send(app, app.runToken(Optional.of("blue")).token(), "ledger-a", "vault-1", "bank", "ledger", "7.0",
                List.of(FakeAgent.open("/srv/bank/ledger.db", 0)));
        long deadline = System.currentTimeMillis() + 30_000;
        while (alerts().size() == 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(1, alerts().size(), "the policy engine raised the credential-read alert");
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    static JsonNode alerts() throws Exception {
        return JSON.readTree(app.get("/api/v1/alerts?app=shop", app.apiToken()).body()).get("alerts");
    }

    static long applicationId(String name) throws Exception {
        for (JsonNode a : JSON.readTree(app.get("/api/v1/applications", app.apiToken()).body()).get("applications")) {
            if (a.get("name").asText().equals(name)) {
                return a.get("id").asLong();
            }
        }
        throw new AssertionError("no application " + name);
    }

    static Browser signedIn(String user) throws Exception {
        Browser b = Browser.open(app, 1280);
        b.signIn(user, TeamUsers.PASSWORD);
        assertEquals("/", b.path());
        return b;
    }

    static List<String> cells(Browser b, String css) {
        return b.all(css).stream().map(WebElement::getText).toList();
    }

    @Test
    void applicationsListTheirComponentsVersionsAgentsAndAlerts() throws Exception {
        try (Browser b = signedIn("dana")) {
            b.submit("header nav a[href='/applications']");
            assertEquals("Applications", b.text("h1"));
            assertEquals(List.of("shop"), cells(b, "#applications tbody th"), "only the team's applications");
            List<String> row = cells(b, "#applications tbody td");
            assertEquals(List.of("2", "3", "3 (3)", "1"), row.subList(0, 4), row.toString());
            assertEquals("just now", row.get(4));
            b.screenshot("applications");

            b.submit("#applications tbody th a");
            assertEquals("/applications/" + applicationId("shop"), b.path());
            assertEquals("shop", b.text("h1"));
            assertTrue(b.text("main").contains("alert policy Standard (the default policy)"), b.text(".page-head"));
            assertEquals(List.of("cart", "checkout"), cells(b, ".component h3"));
            String checkout = b.all(".component").get(1).getText();
            assertTrue(checkout.indexOf("Version 1.4.3") < checkout.indexOf("Version 1.4.2"), "newest version first");
            assertTrue(checkout.contains("web-1") && checkout.contains("web-2") && checkout.contains("native 0.3.1")
                    && checkout.contains("Active") && checkout.contains("1 open alert"), checkout);
            assertEquals("/events?q=app%3A%22shop%22", b.find("#recent-events").getAttribute("href")
                    .replaceFirst("^https://[^/]+", ""));
            assertEquals(List.of("checkout 1.4.2"), cells(b, "#sbom .sbom-version h3"), "only versions with an inventory");
            assertEquals(List.of("libssl3", "curl", "libc6", "libcurl4", "openssl", "zlib1g"),
                    cells(b, "#sbom table.sbom tbody th"), "loaded first, then by name");
            List<String> ssl = cells(b, "#sbom table.sbom tbody tr:first-child td");
            assertEquals(List.of("3.0.11-1~deb12u2", "os", "yes, last just now", "Apache-2.0"), ssl);
            assertTrue(b.text("#sbom").contains("1 of 6 packages loaded"), b.text("#sbom"));
            assertEquals("~/.telltale/bin/telltale run -a shop -c cart -V VERSION -- YOUR-COMMAND", b.text("#run-command"));
            assertTrue(b.find("#run a[href='/downloads']").isDisplayed(), "where to get the agent");
            b.screenshot("application-detail");

            b.submit("#open-alerts");
            assertTrue(b.path().startsWith("/alerts?application=shop&state=REPORTED&state=ACKNOWLEDGED"), b.path());
            assertEquals(List.of("/etc/shadow"), cells(b, "table.alerts tbody code.key"));
        }
    }

    @Test
    void anotherTeamsApplicationIsNotThere() throws Exception {
        long shop = applicationId("shop");
        try (Browser b = signedIn("bob")) {
            b.go("/applications");
            assertEquals(List.of("bank"), cells(b, "#applications tbody th"), "a Viewer of blue sees blue's application");
            b.go("/applications/" + shop);
            assertEquals("Page not found", b.text("h1"));
            assertFalse(b.text("main").contains("checkout"), "nothing of it leaks");
            b.go("/applications/not-a-number");
            assertEquals("Page not found", b.text("h1"));
            b.go("/applications/" + applicationId("bank"));
            assertTrue(b.text(".component").contains("vault-1"), b.text("main"));
        }
    }
}
