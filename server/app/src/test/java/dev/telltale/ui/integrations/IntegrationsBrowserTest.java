package dev.telltale.ui.integrations;

import dev.telltale.testing.Browser;
import dev.telltale.testing.HttpsReceiver;
import dev.telltale.testing.RunningAppliance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The integrations pages in a real Chromium: create a webhook, send a test, watch the delivery log. */
class IntegrationsBrowserTest {
    static final String SECRET = "browser-secret-0123456789";
    @TempDir
    static Path data;
    static RunningAppliance app;
    static HttpsReceiver receiver;

    @BeforeAll
    static void start() throws Exception {
        receiver = HttpsReceiver.start(data.resolve("receiver"));
        app = RunningAppliance.start(data.resolve("appliance"), "telltale:\n  notify:\n    poll-interval: PT0.05S\n"
                + "    trusted-ca-file: " + receiver.caFile() + "\n");
    }

    @AfterAll
    static void stop() {
        app.close();
        receiver.close();
    }

    @Test
    void anAdminCreatesAWebhookSendsATestAndSeesItDelivered() throws Exception {
        try (Browser b = Browser.open(app, 1280)) {
            b.signIn("admin", RunningAppliance.ADMIN_PASSWORD);
            b.go("/admin");
            assertTrue(b.text("ul.sections").contains("Integrations"));
            b.submit("a.tile[href='/admin/integrations']");
            assertEquals("Integrations", b.text("h1"));
            b.type("name", "siem hook").type("url", "http://localhost/insecure").type("secret", SECRET);
            b.submit("form[action='/admin/integrations'] button[type=submit]");
            assertTrue(b.text("#url-error").contains("https"), b.text("main"));
            b.type("url", receiver.url("/browser")).type("secret", SECRET);
            b.find("#ev-state_change").click();
            b.submit("form[action='/admin/integrations'] button[type=submit]");
            assertTrue(b.path().matches("/admin/integrations/\\d+\\?saved"), b.path());
            assertEquals("siem hook", b.text("h1"));
            b.submit("form[action$='/test'] button[type=submit]");
            assertTrue(b.text("main").contains("Test delivery queued"));
            receiver.await(r -> r.path().equals("/browser"), 1, Duration.ofSeconds(20));
            String page = b.path().substring(0, b.path().indexOf('?'));
            long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!b.go(page).text("main").contains("DELIVERED") && System.nanoTime() < end) {
                Thread.sleep(100);
            }
            assertTrue(b.text("table.deliveries").contains("HTTP 200"), b.text("main"));
            assertFalse(b.driver().getPageSource().contains(SECRET), "the secret is never on a page");
            b.screenshot("integration");
        }
    }
}
