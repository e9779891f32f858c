package dev.telltale.certs;

import dev.telltale.testing.Browser;
import dev.telltale.testing.RunningAppliance;
import dev.telltale.testing.TestPki;
import dev.telltale.testing.TestPki.Issued;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.JavascriptExecutor;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The certificates page in a real Chromium: an upload refused next to its field (the key is not
 * sent back), an accepted upload with its CA transition ended early, rollback, regeneration and
 * a signing request to copy.
 */
class CertBrowserTest {

    @Test
    void anAdminUploadsEndsTheTransitionRollsBackRegeneratesAndRequestsACertificate(@TempDir Path data) throws Exception {
        Instant now = Instant.now();
        Issued root = TestPki.root("Browser Root", now);
        Issued leaf = TestPki.leaf("localhost", root, List.of("localhost", "127.0.0.1"), now.minus(Duration.ofHours(1)),
                now.plus(Duration.ofDays(90)));
        String chain = TestPki.chain(leaf.cert(), root.cert());
        try (RunningAppliance app = RunningAppliance.start(data, "telltale:\n  public-host: localhost\n");
             Browser b = Browser.open(app, 1280)) {
            b.signIn("admin", RunningAppliance.ADMIN_PASSWORD);
            b.go("/admin/certificates");
            assertEquals("Server certificate", b.text("main section h2"));

            String wrongKey = TestPki.pkcs8(TestPki.rsa(2048));
            fill(b, "chain", chain);
            fill(b, "key", wrongKey);
            b.submit("#upload");
            assertTrue(b.text("#key-error").contains("does not belong to the server certificate"), b.text("main"));
            assertTrue(b.find("#chain").getDomProperty("value").contains("BEGIN CERTIFICATE"), "the chain is kept");
            assertEquals("", b.find("#key").getDomProperty("value"), "the key is never sent back");
            assertFalse(b.driver().getPageSource().contains(wrongKey.lines().skip(1).findFirst().orElseThrow()));

            fill(b, "key", TestPki.pkcs8(leaf.keys()));
            b.submit("#upload");
            assertTrue(b.path().startsWith("/admin/certificates?done=uploaded"), b.path());
            assertTrue(b.text("main").contains("The new certificate is in use."));
            assertTrue(b.text("main section h2 + dl").contains("CN=Browser Root") || b.text("main").contains("CN=Browser Root"));
            assertTrue(b.text("#transition").contains("Until"), b.text("#transition"));
            b.screenshot("certificates-transition");
            b.submit("#end-transition");
            assertTrue(b.text("main").contains("The transition has ended"), b.text("main"));
            assertTrue(b.all("#transition").isEmpty());

            b.submit("#rollback");
            assertTrue(b.text("main").contains("The previous certificate is in use again."));
            assertTrue(b.text("#previous").contains("CN=localhost"));

            String before = app.appliance().certificates().https().leaf().getSerialNumber().toString(16);
            b.submit("#regenerate");
            assertTrue(b.text("main").contains("A new self-signed certificate is in use."));
            assertFalse(b.text("main").contains(before), "a new serial is shown");

            b.type("cn", "telltale.corp.example").type("sans", "10.0.0.7\nbad name!");
            b.submit("#create-csr");
            assertTrue(b.text("#sans-error").contains("bad name!"), b.text("main"));
            b.type("sans", "10.0.0.7");
            b.submit("#create-csr");
            assertTrue(b.find("#csr-pem").getDomProperty("value").contains("BEGIN CERTIFICATE REQUEST"));
            b.screenshot("certificates-csr");
        }
    }

    @Test
    void aPkcs12FileUploadsFromItsForm(@TempDir Path data, @TempDir Path files) throws Exception {
        Instant now = Instant.now();
        Issued root = TestPki.root("P12 Root", now);
        Issued leaf = TestPki.leaf("localhost", root, List.of("localhost", "127.0.0.1"), now.minus(Duration.ofHours(1)),
                now.plus(Duration.ofDays(90)));
        Path p12 = java.nio.file.Files.write(files.resolve("server.p12"),
                TestPki.pkcs12(leaf.keys(), List.of(leaf.cert(), root.cert()), "p12 pass"));
        try (RunningAppliance app = RunningAppliance.start(data, "telltale:\n  public-host: localhost\n");
             Browser b = Browser.open(app, 1280)) {
            b.signIn("admin", RunningAppliance.ADMIN_PASSWORD).go("/admin/certificates");
            b.type("p12-passphrase", "not it");
            b.find("#p12-file").sendKeys(p12.toString());
            b.submit("#upload-p12");
            assertTrue(b.text("#p12passphrase-error").contains("does not open the PKCS#12"), b.text("main"));
            assertEquals("", b.find("#p12-passphrase").getDomProperty("value"), "the passphrase is never sent back");

            b.type("p12-passphrase", "p12 pass");
            b.find("#p12-file").sendKeys(p12.toString());
            b.submit("#upload-p12");
            assertTrue(b.path().startsWith("/admin/certificates?done=uploaded"), b.path() + " " + b.text("main"));
            assertEquals(leaf.cert(), app.appliance().certificates().https().leaf());
        }
    }

    private static void fill(Browser b, String id, String value) {
        ((JavascriptExecutor) b.driver()).executeScript("document.getElementById(arguments[0]).value = arguments[1];",
                id, value);
    }
}
