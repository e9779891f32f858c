package dev.telltale.sso;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.testing.Browser;
import dev.telltale.testing.OidcProvider;
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

/**
 * Single sign-on in a real Chromium, with the provider on another site than the appliance
 * (localhost and 127.0.0.1): the session's SameSite=Strict cookie must work on the first page
 * after the provider sends the browser back.
 */
class SsoBrowserTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path data;
    @TempDir
    static Path providerDir;
    static RunningAppliance app;
    static OidcProvider provider;

    @BeforeAll
    static void start() throws Exception {
        app = RunningAppliance.start(data, "");
        provider = OidcProvider.start(providerDir);
        ObjectNode s = JSON.createObjectNode().put("enabled", true).put("issuer", provider.issuer())
                .put("client_id", OidcProvider.CLIENT_ID).put("client_secret", OidcProvider.CLIENT_SECRET)
                .put("trusted_ca_pem", provider.caPem());
        s.putObject("default_access").put("team", "default").put("role", "VIEWER");
        assertEquals(200, app.put("/api/v1/sso", s.toString(), app.apiToken()).statusCode());
    }

    @AfterAll
    static void stop() {
        app.close();
        provider.close();
    }

    @Test
    void anAdminEditsTheSettingsWithErrorsNextToTheirFieldsAndTheSecretNeverShown() throws Exception {
        try (Browser b = Browser.open(app, 1280)) {
            b.signIn("admin", RunningAppliance.ADMIN_PASSWORD);
            b.go("/admin");
            assertTrue(b.text("main").contains("Single sign-on"), "the admin index lists the page");
            b.go("/admin/sso");
            assertEquals(provider.issuer(), b.find("#issuer").getAttribute("value"));
            assertEquals("", b.find("#client_secret").getAttribute("value"), "the secret is never sent to the browser");
            assertFalse(b.driver().getPageSource().contains(OidcProvider.CLIENT_SECRET));
            assertTrue(b.text("#client_secret-hint").contains("is stored"));
            b.type("issuer", "http://plain.example.com").type("group_mappings", "red-devs, no-such-team, DEVELOPER");
            b.submit("main form button[type=submit]");
            assertTrue(b.text("#issuer-error").contains("https"), b.text("main"));
            assertTrue(b.driver().findElements(org.openqa.selenium.By.id("group_mappings-error")).isEmpty(),
                    "one refusal at a time from the service, the form's own checks all at once");
            b.type("issuer", provider.issuer()).type("group_mappings", "red-devs, default");
            b.submit("main form button[type=submit]");
            assertTrue(b.text("#group_mappings-error").contains("Line 1"), b.text("main"));
            b.type("group_mappings", "red-devs, no-such-team, DEVELOPER");
            b.submit("main form button[type=submit]");
            assertTrue(b.text("#group_mappings-error").contains("no-such-team"), b.text("main"));
            b.type("group_mappings", "platform, default, DEVELOPER");
            b.screenshot("admin-sso");
            b.submit("main form button[type=submit]");
            assertEquals("/admin/sso?saved", b.path());
            var stored = JSON.readTree(app.get("/api/v1/sso", app.apiToken()).body());
            assertEquals("platform", stored.get("group_mappings").get(0).get("group").asText());
            assertTrue(stored.get("client_secret_set").asBoolean(), "an empty secret field keeps the stored secret");
        }
    }

    @Test
    void signingInThroughTheProviderLandsSignedInOnTheDashboard() throws Exception {
        provider.signIn(new OidcProvider.Person("00u-erin", "erin", "erin@example.com", List.of()));
        provider.interactive(true);
        try (Browser b = Browser.open(app, 1280, "127.0.0.1")) {
            b.go("/login");
            b.screenshot("login-sso");
            b.submit("a[href='/sso/login']");
            assertTrue(b.driver().getCurrentUrl().startsWith(provider.issuer()), "at the provider's sign-in page");
            b.find("#approve").click();
            new org.openqa.selenium.support.ui.WebDriverWait(b.driver(), java.time.Duration.ofSeconds(30))
                    .until(d -> b.path().equals("/") && !b.all("h1").isEmpty());
            assertEquals("Dashboard", b.text("h1"), "signed in on the first page after the provider");
            assertTrue(b.text("header .account").contains("erin"), b.text("header"));
        }
    }
}
