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
