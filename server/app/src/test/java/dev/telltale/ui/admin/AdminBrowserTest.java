package dev.telltale.ui.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.testing.Browser;
import dev.telltale.testing.RunningAppliance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Administration in a real Chromium: an Admin creates a team, a user and an integration client
 * (whose secret is shown once), finds it all in the audit log and sees the system page; a
 * Viewer sees no administration at all; a Team Admin manages only their own team's members.
 */
class AdminBrowserTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String PASSWORD = "a long enough password";
    static final String OWN = "my own long passphrase";
    @TempDir
    static Path data;
    static RunningAppliance app;
    static long red;
    static long blue;

    @BeforeAll
    static void start() throws Exception {
        app = RunningAppliance.start(data, "");
        red = team("red");
        blue = team("blue");
        user("vic", "VIEWER", red);
        user("tara", "TEAM_ADMIN", red);
        user("bob", "DEVELOPER", blue);
    }

    static long team(String name) throws Exception {
        return JSON.readTree(app.post("/api/v1/teams", "{\"name\":\"" + name + "\"}", app.apiToken()).body())
                .get("id").asLong();
    }

    /** A user with a role in a team who has already chosen their own password. */
    static void user(String name, String role, long team) throws Exception {
        String admin = app.apiToken();
        long id = JSON.readTree(app.post("/api/v1/users", "{\"username\":\"" + name + "\",\"password\":\"" + PASSWORD
                + "\"}", admin).body()).get("id").asLong();
        assertEquals(200, app.put("/api/v1/teams/" + team + "/members/" + id, "{\"role\":\"" + role + "\"}", admin)
                .statusCode());
        String token = JSON.readTree(app.post("/api/v1/auth/token", "{\"username\":\"" + name + "\",\"password\":\""
                + PASSWORD + "\"}", null).body()).get("access_token").asText();
        assertEquals(204, app.post("/api/v1/me/password", "{\"current_password\":\"" + PASSWORD + "\",\"new_password\":\""
                + OWN + "\"}", token).statusCode());
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void anAdminCreatesATeamAUserAndAClientAndFindsThemAudited() throws Exception {
        try (Browser b = Browser.open(app, 1280)) {
            b.signIn("admin", RunningAppliance.ADMIN_PASSWORD);
            assertTrue(nav(b).contains("Administration"));
            b.go("/admin");
            List<String> sections = texts(b, "ul.sections .tile-title");
            assertEquals(List.of("Users", "Teams", "Integration clients", "Single sign-on", "Certificates",
                    "Integrations", "Vulnerability database", "Upgrades", "Backups", "Audit log", "System"), sections, "every built section is listed");
            b.screenshot("admin");

            b.go("/admin/teams");
            b.type("name", "payments");
            b.submit("form[action='/admin/teams'] button[type=submit]");
            assertTrue(b.path().matches("/admin/teams/\\d+\\?done=team-created"), b.path());
            String teamPage = b.path().substring(0, b.path().indexOf('?'));
            assertEquals("Team payments", b.text("h1"));

            b.go("/admin/users");
            b.type("username", "admin").type("password", "short");
            b.submit("form[action='/admin/users'] button[type=submit]");
            assertTrue(b.text("#username-error").contains("already exists"), b.text("main"));
            assertTrue(b.text("#password-error").contains("12 characters"), b.text("main"));
            b.type("username", "dana").type("password", "");
            b.submit("form[action='/admin/users'] button[type=submit]");
            String password = b.text("#secret");
            assertTrue(password.length() >= 20, "a generated initial password, shown once: " + password);
            assertTrue(b.text("main table").contains("dana"));
            b.screenshot("admin-users");
            b.driver().navigate().refresh();
            assertFalse(b.driver().getPageSource().contains(password), "not on reload");

            b.go(teamPage);
            b.type("username", "dana");
            new Select(b.find("#role")).selectByVisibleText("Developer");
            b.submit("form[action$='/members'] button[type=submit]");
            WebElement row = b.all("tbody tr").stream().filter(r -> r.getText().contains("dana")).findFirst().orElseThrow();
            assertEquals("Developer", new Select(row.findElement(org.openqa.selenium.By.tagName("select")))
                    .getFirstSelectedOption().getText());

            b.go("/admin/clients");
            b.type("name", "ci pipeline");
            new Select(b.find("#team")).selectByVisibleText("payments");
            b.submit("form[action='/admin/clients'] button[type=submit]");
            String clientId = b.text("#client-id");
            String secret = b.text("#secret");
            assertTrue(secret.length() > 40, secret);
            assertEquals(200, token(clientId, secret).statusCode(), "the secret shown works");
            b.driver().navigate().refresh();
            assertFalse(b.driver().getPageSource().contains(secret), "the secret is shown once, not on reload");
            assertTrue(b.text("main table").contains(clientId), "the client is listed by its id");

            b.go("/admin/audit");
            String log = b.text("main table");
            for (String action : List.of("team.create", "user.create", "team.member.set", "client.create")) {
                assertTrue(log.contains(action), action + " in " + log);
            }
            assertTrue(log.contains("team:payments") && log.contains("user:dana"), log);
            b.screenshot("admin-audit");
            b.type("action", "client.create");
            b.submit("form.filters button[type=submit]");
            assertEquals(List.of("client.create"), texts(b, "table.audit tbody td:nth-child(3)"));
            assertTrue(b.find("a[download]").getAttribute("href").contains("/api/v1/audit/export?format=csv&action=client.create"));

            b.go("/admin/system");
            String system = b.text("main");
            assertTrue(system.contains("Healthy") && system.contains("derby") && system.contains("Events kept for")
                    && system.contains("30 days") && system.contains("Upgrades"), system);
            b.screenshot("admin-system");
        }
    }

    @Test
    void aViewerSeesNoAdministration() throws Exception {
        try (Browser b = Browser.open(app, 1280)) {
            b.signIn("vic", OWN);
            assertEquals("/", b.path());
            assertFalse(nav(b).contains("Administration"), nav(b).toString());
            assertTrue(nav(b).contains("Policies"), "viewers read policies");
            b.go("/admin/users");
            assertEquals("Not allowed", b.text("h1"));
            b.go("/admin");
            assertEquals("Not allowed", b.text("h1"));
        }
    }

    @Test
    void aTeamAdminManagesOnlyTheirTeamsMembers() throws Exception {
        try (Browser b = Browser.open(app, 1280)) {
            b.signIn("tara", OWN);
            assertTrue(nav(b).contains("Administration"), nav(b).toString());
            b.go("/admin");
            List<String> sections = texts(b, "ul.sections .tile-title");
            assertTrue(sections.contains("Team red"), sections.toString());
            assertFalse(sections.contains("Team blue") || sections.contains("Users") || sections.contains("Audit log")
                    || sections.contains("System") || sections.contains("Backups") || sections.contains("Teams"), sections.toString());
            b.submit("a[href='/admin/teams/" + red + "']");
            assertEquals("Team red", b.text("h1"));
            b.type("username", "bob");
            new Select(b.find("#role")).selectByVisibleText("Viewer");
            b.submit("form[action$='/members'] button[type=submit]");
            assertTrue(b.text("main table").contains("bob"), b.text("main"));
            b.go("/admin/teams/" + blue);
            assertEquals("Not allowed", b.text("h1"));
            b.go("/admin/audit");
            assertEquals("Not allowed", b.text("h1"));
        }
    }

    @Test
    void administrationAndPolicyPagesFitANarrowWindow() throws Exception {
        try (Browser b = Browser.open(app, 420)) {
            b.signIn("admin", RunningAppliance.ADMIN_PASSWORD);
            for (String page : List.of("/admin", "/admin/users", "/admin/teams/" + red, "/admin/clients", "/admin/audit",
                    "/admin/system", "/policies", "/policies/assignments", "/policies/1")) {
                b.go(page);
                Number scroll = (Number) ((org.openqa.selenium.JavascriptExecutor) b.driver()).executeScript(
                        "return document.documentElement.scrollWidth - document.documentElement.clientWidth");
                assertTrue(scroll.intValue() <= 0, "no sideways scrolling on " + page + ": " + scroll);
            }
            b.go("/admin/users");
            b.screenshot("admin-users-narrow");
        }
    }

    static List<String> nav(Browser b) {
        return texts(b, "header nav a");
    }

    static List<String> texts(Browser b, String css) {
        return b.all(css).stream().map(WebElement::getText).toList();
    }

    static HttpResponse<String> token(String clientId, String secret) throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(app.tls()).build();
        return http.send(HttpRequest.newBuilder(URI.create("https://localhost:" + app.appliance().httpsPort()
                        + "/api/v1/auth/token")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=" + clientId
                        + "&client_secret=" + secret)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
