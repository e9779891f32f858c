package dev.telltale.upgrade;

import dev.telltale.testing.Browser;
import dev.telltale.testing.RunningAppliance;
import dev.telltale.upgrade.bundle.Bundles;
import dev.telltale.upgrade.bundle.ReleaseSigner;
import dev.telltale.upgrade.bundle.Version;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An Admin upgrades in Chromium: a bundle signed by a key the appliance does not trust is refused
 * on the page with the reason, a good one uploads (progress bar) and is listed verified, "Upgrade"
 * starts the transaction and the page follows it through the restart; after signing in again the
 * page shows the outcome.
 */
class UpgradeBrowserTest {
    @TempDir
    Path dir;

    @Test
    void anAdminUploadsAndAppliesABundle() throws Exception {
        try (ApplianceRoot a = new ApplianceRoot(dir)) {
            a.install(a.release("0.1.0", "", Optional.empty(), ""), "0.1.0");
            Path src = a.release("0.2.0", "", Optional.empty(), "");
            Path good = a.bundle(src, "0.2.0", "0.1.0");
            Path untrusted = dir.resolve("untrusted.ttu");
            Bundles.build(src, Optional.empty(), Version.parse("0.2.0"), Version.parse("0.1.0"),
                    ReleaseSigner.generate(Files.createDirectories(dir.resolve("other-key"))), untrusted);
            a.start();
            try (Browser b = Browser.open(a.https, 1280, "localhost")) {
                b.signIn("admin", RunningAppliance.ADMIN_PASSWORD).go("/admin/upgrades");
                assertTrue(b.text("main").contains("runs Telltale 0.1.0"), b.text("main"));

                b.find("#bundle-file").sendKeys(untrusted.toString());
                b.find("form[data-upload] button[type=submit]").click();
                b.awaitText("[data-upload-status]", "Bundle Refused", Duration.ofSeconds(60));
                assertTrue(b.text("[data-upload-status]").contains("UNKNOWN_KEY"), b.text("[data-upload-status]"));

                b.find("#bundle-file").sendKeys(good.toString());
                b.submit("form[data-upload] button[type=submit]");
                assertTrue(b.text("#staged-h + div table").contains("0.2.0"), b.text("main"));
                b.screenshot("upgrades-staged");

                b.submit("form[action='/admin/upgrades/apply'] button[type=submit]");
                assertTrue(b.text("#run-h").contains("0.1.0"), b.text("main"));
                assertTrue(b.all("progress[aria-label='Upgrade progress']").size() == 1);
                UpgradeState end = a.awaitEnd(Duration.ofMinutes(3));
                assertEquals(UpgradeState.Phase.DONE, end.phase(), end.toString());
                a.awaitHealthy();
                // The page's poller carries on through the restart; the new server knows no session.
                b.awaitText("[data-upgrade-status]", "sign in again", Duration.ofSeconds(60));

                b.signIn("admin", RunningAppliance.ADMIN_PASSWORD).go("/admin/upgrades");
                String page = b.text("main");
                assertTrue(page.contains("runs Telltale 0.2.0"), page);
                assertTrue(page.contains("upgraded from 0.1.0 to 0.2.0"), page);
                assertTrue(page.contains("Roll back to 0.1.0"), page);
                b.screenshot("upgrades-done");
            }
        }
    }

    @Test
    void withoutJavaScriptTheFormUploadsTheBundle() throws Exception {
        try (ApplianceRoot a = new ApplianceRoot(dir)) {
            a.install(a.release("0.1.0", "", Optional.empty(), ""), "0.1.0");
            Path src = a.release("0.2.0", "", Optional.empty(), "");
            Path good = a.bundle(src, "0.2.0", "0.1.0");
            Path untrusted = dir.resolve("untrusted.ttu");
            Bundles.build(src, Optional.empty(), Version.parse("0.2.0"), Version.parse("0.1.0"),
                    ReleaseSigner.generate(Files.createDirectories(dir.resolve("other-key"))), untrusted);
            a.start();
            try (Browser b = Browser.open(a.https, 1280, "localhost", false)) {
                b.signIn("admin", RunningAppliance.ADMIN_PASSWORD).go("/admin/upgrades");
                b.find("#bundle-file").sendKeys(untrusted.toString());
                b.submit("form[action='/admin/upgrades/upload'] button[type=submit]");
                assertTrue(b.text("main").contains("Bundle refused: UNKNOWN_KEY"), b.text("main"));
                assertTrue(b.text("main").contains("None: upload one first."), "nothing was kept");

                b.find("#bundle-file").sendKeys(good.toString());
                b.submit("form[action='/admin/upgrades/upload'] button[type=submit]");
                assertEquals("/admin/upgrades", b.path());
                assertTrue(b.text("#staged-h + div table").contains("0.2.0"), b.text("main"));
            }
        }
    }
}
