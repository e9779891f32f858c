package dev.telltale.journey;

import dev.telltale.testing.Browser;
import dev.telltale.testing.RunningAppliance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The user's whole path on a new appliance, in a real Chromium: first sign-in with the generated
 * password and its forced change, a team and a Viewer, the install one-liner from the downloads
 * page run for real (it downloads the agent bundle), a real program under {@code telltale run},
 * its events searched with facets, its alert triaged, and a Viewer who sees no administration.
 */
class JourneyBrowserTest {
    static final Path BUNDLES = Path.of("..", "interceptor-bundles", "target", "bundles").toAbsolutePath().normalize();
    static final String ADMIN_PASSWORD = "the admin's own passphrase";
    @TempDir
    Path data;
    @TempDir
    Path home;

    @Test
    void fromFirstSignInToATriagedAlert() throws Exception {
        assertTrue(Files.exists(BUNDLES.resolve("telltale-agent-linux-x86_64-glibc.tar.gz")),
                "the agent bundles are built first in the reactor: " + BUNDLES);
        try (RunningAppliance app = RunningAppliance.startFresh(data, "telltale:\n  downloads:\n    bundles-dir: "
                + BUNDLES + "\n"); Browser b = Browser.open(app, 1280)) {
            firstSignIn(b, "admin", app.initialAdminPassword(), ADMIN_PASSWORD);

            b.go("/admin/teams").type("name", "payments").submit("form[action='/admin/teams'] button[type=submit]");
            b.go("/admin/users").type("username", "val").type("password", "val's first password")
                    .submit("form[action='/admin/users'] button[type=submit]");
            b.go("/admin/teams").follow("payments");
            assertTrue(b.text("h1").contains("payments"), b.text("h1"));
            b.type("username", "val");
            new Select(b.find("#role")).selectByValue("VIEWER");
            b.submit("main form[action$='/members'] button[type=submit]");
            assertTrue(b.text("main").contains("val"), "val is a member: " + b.text("main"));

            b.go("/downloads");
            new Select(b.find("#team")).selectByVisibleText("payments");
            b.type("name", "journey");
            b.submit("form.install-form button[type=submit]");
            String install = b.text("#install-command");
            b.screenshot("journey-downloads");
            run(List.of("bash", "-c", install), "the install one-liner (downloads the bundle, runs doctor)");
            Path telltale = home.resolve(".telltale/bin/telltale");
            assertTrue(Files.isExecutable(telltale), "the bundle is unpacked under ~/.telltale");
            run(List.of(telltale.toString(), "run", "-a", "shop", "-c", "api", "-V", "1.0", "--", "bash", "-c",
                    "cat /etc/shadow > /dev/null; ls /etc > /dev/null"), "a real program under telltale run");

            searchWithFacets(app, b);
            triage(app, b);
            b.go("/");
            assertEquals("1", b.text("section.tiles a.tile .figure"), "the dashboard counts the open alert");
            String rate = b.all("section.tiles .figure").get(3).getText();
            assertTrue(Double.parseDouble(rate) > 0, "and the program's events in the last hour: " + rate);
            b.screenshot("journey-dashboard");
        }
    }

    /** A generated (or admin-chosen) password must be changed before anything else. */
    static void firstSignIn(Browser b, String user, String given, String chosen) {
        b.signIn(user, given);
        assertEquals("/account/password", b.path());
        b.type("current", given).type("password", chosen).type("confirm", chosen);
        b.submit("main form button[type=submit]");
        b.signIn(user, chosen);
        assertEquals("/", b.path(), "signed in with the new password");
    }

    void searchWithFacets(RunningAppliance app, Browser b) throws Exception {
        String query = "/events?range=all&q=" + URLEncoder.encode("app:shop", StandardCharsets.UTF_8);
        long deadline = System.currentTimeMillis() + 30_000;
        do {
            app.appliance().store().refreshNow();
            b.go(query);
        } while (b.all("table.events tbody tr").isEmpty() && System.currentTimeMillis() < deadline);
        int all = b.all("table.events tbody tr").size();
        assertTrue(all > 0, "the program's events are searchable");
        b.screenshot("journey-events");
        b.submit("a[data-facet='type'][href*='file']");
        List<String> types = b.all("table.events tbody tr td:nth-child(2)").stream().map(WebElement::getText).toList();
        assertFalse(types.isEmpty());
        assertTrue(types.stream().allMatch("file"::equals), "the facet narrows to file events: " + types);
        assertTrue(b.find("#q").getAttribute("value").contains("type:"), "the refinement shows in the query box");
    }

    void triage(RunningAppliance app, Browser b) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        do {
            b.go("/alerts?application=shop");
        } while (b.all("table.alerts tbody tr").isEmpty() && System.currentTimeMillis() < deadline);
        assertTrue(b.text("table.alerts").contains("files.credential-read") || b.text("table.alerts")
                .contains("credential"), "cat /etc/shadow raised the credential-read alert: " + b.text("main"));
        b.submit("table.alerts tbody tr a[href^='/alerts/']");
        WebElement to = b.find("form.transition select[name=to]");
        new Select(to).selectByValue("ACKNOWLEDGED");
        b.find("form.transition textarea[name=comment]").sendKeys("seen in the journey test");
        b.submit("form.transition button[type=submit]");
        assertTrue(b.text("main").contains("Acknowledged"), b.text("main"));
        assertTrue(b.text("main").contains("seen in the journey test"), "the comment is in the history");
        b.screenshot("journey-alert");

        try (Browser viewer = Browser.open(app, 1280)) {
            firstSignIn(viewer, "val", "val's first password", "val's own passphrase");
            List<String> nav = viewer.all("header nav a").stream().map(WebElement::getText).toList();
            assertFalse(nav.contains("Administration"), "a Viewer sees no administration: " + nav);
            viewer.go("/admin/users");
            assertEquals("Not allowed", viewer.text("h1"));
            viewer.go("/alerts?application=shop");
            assertFalse(viewer.all("table.alerts tbody tr").isEmpty(), "a Viewer of the team sees its alerts");
            assertTrue(viewer.driver().findElements(By.cssSelector("form#bulk")).isEmpty()
                    || viewer.all("input[name=alert]").isEmpty(), "but cannot triage them");
        }
    }

    void run(List<String> cmd, String what) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("HOME", home.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), what + " finished");
        assertEquals(0, p.exitValue(), what + ": " + out);
    }
}
