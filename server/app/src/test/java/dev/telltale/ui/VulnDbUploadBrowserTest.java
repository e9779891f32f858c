package dev.telltale.ui;

import dev.telltale.api.VulnDbApiTestAccess;
import dev.telltale.testing.Browser;
import dev.telltale.testing.RunningAppliance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An Admin uploads OSV zips on the vulnerability database page, with JavaScript (progress bar,
 * through the API) and without it (the form posts the file): both imports run and finish, and a
 * file that is not a zip is refused on the page.
 */
class VulnDbUploadBrowserTest {
    @TempDir
    Path data;

    @Test
    void zipsUploadWithAndWithoutJavaScript(@TempDir Path files) throws Exception {
        Path one = Files.write(files.resolve("one.zip"), VulnDbApiTestAccess.zip("GHSA-35jh-r3h4-6jhm"));
        Path two = Files.write(files.resolve("two.zip"), VulnDbApiTestAccess.zip("GHSA-36p3-wjmg-h94x",
                "GHSA-j8r2-6x86-q33q"));
        Path text = Files.writeString(files.resolve("notes.zip"), "not a zip at all");
        try (RunningAppliance app = RunningAppliance.start(data, "")) {
            int port = app.appliance().httpsPort();
            try (Browser b = Browser.open(port, 1280, "localhost", true)) {
                b.signIn("admin", RunningAppliance.ADMIN_PASSWORD).go("/admin/vulndb");
                b.find("#osv-file").sendKeys(one.toString());
                b.submit("form[action='/admin/vulndb/upload'] button[type=submit]");
                awaitText(b, "1 imported");
            }
            try (Browser b = Browser.open(port, 1280, "localhost", false)) {
                b.signIn("admin", RunningAppliance.ADMIN_PASSWORD).go("/admin/vulndb");
                b.find("#osv-file").sendKeys(text.toString());
                b.submit("form[action='/admin/vulndb/upload'] button[type=submit]");
                assertTrue(b.text("main").contains("not a zip of OSV records"), b.text("main"));
                b.find("#osv-file").sendKeys(two.toString());
                b.submit("form[action='/admin/vulndb/upload'] button[type=submit]");
                awaitText(b, "2 imported");
            }
        }
    }

    /** The page refreshes itself while the import runs (a meta refresh works without JavaScript). */
    private static void awaitText(Browser b, String text) {
        b.awaitText("main", text, Duration.ofSeconds(60));
    }
}
