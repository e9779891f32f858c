package dev.telltale.ui;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.protocol.Compression;
import dev.telltale.protocol.client.AgentConnection;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The downloads page in a real Chromium: a bundle downloads with the checksum the page states, a
 * Team Admin's run token comes with the install one-liner (and works for an agent), its last use
 * shows, and revoking it locks the agent out; a Developer sees bundles but manages no tokens.
 */
class DownloadsBrowserTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String BUNDLE = "telltale-agent-linux-x86_64-glibc.tar.gz";
    static final String PASSWORD = "a long enough passphrase";
    @TempDir
    static Path data;
    @TempDir
    static Path bundles;
    static RunningAppliance app;
    static byte[] glibc;

    @BeforeAll
    static void start() throws Exception {
        glibc = new byte[200_000];
        new Random(7).nextBytes(glibc);
        Files.write(bundles.resolve(BUNDLE), glibc);
        app = RunningAppliance.start(data, "telltale:\n  downloads:\n    bundles-dir: " + bundles + "\n");
        String admin = app.apiToken();
        long red = JSON.readTree(app.post("/api/v1/teams", "{\"name\":\"red\"}", admin).body()).get("id").asLong();
        user("dora", "DEVELOPER", red);
        user("vic", "VIEWER", red);
    }

    /** A member of a team who has already chosen their own password. */
    static void user(String name, String role, long team) throws Exception {
        String admin = app.apiToken();
        long id = JSON.readTree(app.post("/api/v1/users", "{\"username\":\"" + name + "\",\"password\":\"first " + PASSWORD
                + "\"}", admin).body()).get("id").asLong();
        assertEquals(200, app.put("/api/v1/teams/" + team + "/members/" + id, "{\"role\":\"" + role + "\"}", admin).statusCode());
        String first = JSON.readTree(app.post("/api/v1/auth/token", "{\"username\":\"" + name + "\",\"password\":\"first "
                + PASSWORD + "\"}", null).body()).get("access_token").asText();
        assertEquals(204, app.post("/api/v1/me/password", "{\"current_password\":\"first " + PASSWORD
                + "\",\"new_password\":\"" + PASSWORD + "\"}", first).statusCode());
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void aBundleDownloadsWithTheChecksumThePageStates() throws Exception {
        try (Browser b = Browser.open(app, 1280)) {
            b.signIn("admin", RunningAppliance.ADMIN_PASSWORD);
            b.go("/downloads");
            String shown = b.text("code.checksum");
            String href = b.find("table.bundles a").getAttribute("href");
            String cookie = "tt_session=" + b.driver().manage().getCookieNamed("tt_session").getValue();
            HttpResponse<byte[]> r = HttpClient.newBuilder().sslContext(app.tls()).build().send(HttpRequest.newBuilder(
                    URI.create(href)).header("Cookie", cookie).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, r.statusCode(), "the signed-in browser may download");
            assertEquals(glibc.length, r.body().length);
            assertEquals(shown, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(r.body())),
                    "the bytes have the checksum the page shows");
            assertTrue(b.find("button[data-copy='sha-glibc']").isDisplayed(), "a copy button once the script runs");
        }
    }

    @Test
    void aTeamAdminCreatesARunTokenWithTheOneLinerAndRevokesIt() throws Exception {
        try (Browser b = Browser.open(app, 1280)) {
            b.signIn("admin", RunningAppliance.ADMIN_PASSWORD);
            b.go("/downloads");
            b.type("name", "");
            b.submit("form[action='/downloads/install'] button[type=submit]");
            assertTrue(b.text("#name-error").contains("name"), "a name is required: " + b.text("main"));
            new Select(b.find("#team")).selectByVisibleText("red");
            b.type("name", "red servers");
            b.submit("form[action='/downloads/install'] button[type=submit]");
            String install = b.text("#install-command");
            assertTrue(install.startsWith("mkdir -p ~/.telltale && curl"), install);
            assertTrue(install.contains("/api/v1/downloads/" + BUNDLE + "?expires="), "a signed link: " + install);
            assertTrue(b.find("button[data-copy='install-command']").isDisplayed());
            String config = b.find("#team-config").getAttribute("textContent");
            String token = config.lines().filter(l -> l.startsWith("token = ")).findFirst().orElseThrow().substring(8);
            b.screenshot("downloads");
            try (AgentConnection conn = app.connect()) {
                conn.hello(RunningAppliance.hello(token, "red-1", Compression.ZSTD));
            }

            b.go("/downloads");
            WebElement row = b.all("table.tokens tbody tr").stream().filter(r -> r.getText().startsWith("red servers"))
                    .findFirst().orElseThrow();
            assertFalse(b.text("table.tokens").contains(token), "the token itself is never listed");
            assertNotEquals("never", row.findElements(org.openqa.selenium.By.tagName("td")).get(4).getText(), "its last use");
            String id = row.getAttribute("data-token");
            b.submit("tr[data-token='" + id + "'] button.danger");
            assertTrue(b.text("[role=status]").contains("revoked"), b.text("main"));
            assertTrue(b.text("tr[data-token='" + id + "']").contains("Revoked"));
            assertTrue(b.all("tr[data-token='" + id + "'] button").isEmpty(), "nothing left to revoke");
            b.screenshot("downloads-tokens");
            assertThrows(Exception.class, () -> {
                try (AgentConnection conn = app.connect()) {
                    conn.hello(RunningAppliance.hello(token, "red-2", Compression.ZSTD));
                }
            }, "a revoked token lets no agent in");
        }
    }

    @Test
    void aDeveloperSeesBundlesButNoTokensAndAViewerNothing() throws Exception {
        try (Browser b = Browser.open(app, 1280)) {
            b.signIn("dora", PASSWORD);
            b.go("/downloads");
            assertEquals("Downloads", b.text("h1"));
            assertEquals(1, b.all("table.bundles tbody tr").size());
            assertTrue(b.all("form[action='/downloads/install']").isEmpty(), "no token creation");
            assertTrue(b.all("table.tokens").isEmpty(), "no token list");
        }
        try (Browser b = Browser.open(app, 1280)) {
            b.signIn("vic", PASSWORD);
            assertFalse(b.all("header nav a").stream().anyMatch(a -> a.getText().equals("Downloads")));
            b.go("/downloads");
            assertEquals("Not allowed", b.text("h1"), "Viewers hold no DOWNLOADS permission");
        }
    }
}
