package dev.telltale.ui;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.testing.Browser;
import dev.telltale.testing.RunningAppliance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Signing in, the forced password change, the dashboard and signing out, in a real Chromium. */
class SignInBrowserTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path data;
    static RunningAppliance app;

    @BeforeAll
    static void start() throws Exception {
        app = RunningAppliance.start(data, "");
        String admin = app.apiToken();
        long viewer = JSON.readTree(app.post("/api/v1/users", "{\"username\":\"vera\",\"password\":\"given by the admin\"}",
                admin).body()).get("id").asLong();
        long team = JSON.readTree(app.get("/api/v1/teams", admin).body()).get("teams").get(0).get("id").asLong();
        assertEquals(200, app.put("/api/v1/teams/" + team + "/members/" + viewer, "{\"role\":\"VIEWER\"}", admin)
                .statusCode());
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void aNewUserMustChooseAPasswordThenSeesTheDashboardWithoutAdminPages() throws Exception {
        try (Browser b = Browser.open(app, 1280)) {
            b.go("/account/password");
            assertEquals("/login?next=%2Faccount%2Fpassword", b.path(), "signed out, a page sends the browser to sign in");
            b.screenshot("login");
            b.signIn("vera", "wrong password!");
            assertTrue(b.text("[role=status]").contains("wrong password"), b.text("main"));

            b.signIn("vera", "given by the admin");
            assertEquals("/account/password", b.path(), "a password chosen by an admin must be changed first");
            b.go("/");
            assertEquals("/account/password", b.path(), "and nothing else opens before that");
            b.type("current", "given by the admin").type("password", "vera's own passphrase").type("confirm", "different");
            b.submit("main form button[type=submit]");
            assertEquals("The two new passwords differ.", b.all("#confirm-error").stream().findFirst().map(e -> e.getText())
                    .orElse(b.path() + " " + b.driver().getPageSource()), "the error sits next to its field");
            b.type("current", "given by the admin").type("password", "short").type("confirm", "short");
            b.submit("main form button[type=submit]");
            assertTrue(b.text("#password-error").contains("12 characters"), b.text("main"));
            b.screenshot("password-change");
            b.type("current", "given by the admin").type("password", "vera's own passphrase")
                    .type("confirm", "vera's own passphrase");
            b.submit("main form button[type=submit]");
            assertTrue(b.path().startsWith("/login?changed"), b.path());

            b.signIn("vera", "vera's own passphrase");
            assertEquals("/", b.path());
            b.go("/admin/certificates");
            assertEquals("Not allowed", b.text("h1"), "certificates are for organisation Admins");
            b.go("/");
            assertEquals("Dashboard", b.text("h1"));
            List<String> nav = b.all("header nav a").stream().map(e -> e.getText()).toList();
            assertFalse(nav.contains("Administration"), "a Viewer is shown no administration: " + nav);
            assertTrue(b.all("svg.chart").size() >= 2, "charts are drawn on the server");
            b.submit("header form[action='/logout'] button");
            assertTrue(b.path().startsWith("/login?out"), b.path());
            b.go("/");
            assertTrue(b.path().startsWith("/login"), "signed out for real: " + b.path());
        }
    }

    @Test
    void anAdminSeesTheDashboardWithStorageAndFriendlyErrorPages() throws Exception {
        try (Browser b = Browser.open(app, 1280)) {
            b.signIn("admin", RunningAppliance.ADMIN_PASSWORD);
            assertEquals("/", b.path());
            assertTrue(b.text("main").contains("Free on the data disk"), "admins see storage");
            b.screenshot("dashboard");
            b.go("/admin/certificates");
            assertEquals("Server certificate", b.text("main section h2"));
            assertTrue(b.text("main").contains("DNS:localhost"), "the names the certificate covers");
            b.screenshot("admin-certificates");
            b.go("/no/such/page");
            assertEquals("Page not found", b.text("h1"));
            assertFalse(b.driver().getPageSource().contains("Exception"), "nothing leaks");
        }
        try (Browser narrow = Browser.open(app, 420)) {
            narrow.signIn("admin", RunningAppliance.ADMIN_PASSWORD);
            assertEquals("Dashboard", narrow.text("h1"));
            Number scroll = (Number) ((org.openqa.selenium.JavascriptExecutor) narrow.driver())
                    .executeScript("return document.documentElement.scrollWidth - document.documentElement.clientWidth");
            assertTrue(scroll.intValue() <= 0, "no sideways scrolling on a narrow window: " + scroll);
            narrow.screenshot("dashboard-narrow");
        }
    }
}
