package dev.telltale.testing;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Debian's headless Chromium driven by Selenium, pointed at a {@link RunningAppliance}. The
 * binary and driver paths are given explicitly so Selenium never tries to download anything.
 * Without Chromium the test is skipped, unless {@code TELLTALE_REQUIRE_BROWSER} is set (CI sets
 * it after installing Chromium, so there a missing browser fails instead).
 */
public final class Browser implements AutoCloseable {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SHOTS = Path.of("target/screenshots");
    private final WebDriver driver;
    private final String base;
    private final Path profile;

    private Browser(WebDriver driver, String base, Path profile) {
        this.driver = driver;
        this.base = base;
        this.profile = profile;
    }

    /** A fresh browser profile (no cookies) at {@code width} x 900 pixels. */
    public static Browser open(RunningAppliance app, int width) throws IOException {
        return open(app, width, "localhost");
    }

    /** As {@link #open(RunningAppliance, int)}, reaching the appliance by {@code host} (localhost or 127.0.0.1). */
    public static Browser open(RunningAppliance app, int width, String host) throws IOException {
        return open(app.appliance().httpsPort(), width, host);
    }

    /** As {@link #open(RunningAppliance, int, String)}, for an appliance running in another process. */
    public static Browser open(int httpsPort, int width, String host) throws IOException {
        return open(httpsPort, width, host, true);
    }

    /** As {@link #open(int, int, String)}; {@code scripts=false} is a browser with JavaScript switched off. */
    public static Browser open(int httpsPort, int width, String host, boolean scripts) throws IOException {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
        if (!present && System.getenv("TELLTALE_REQUIRE_BROWSER") == null) {
            Assumptions.abort("Chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)");
        }
        Path profile = Files.createTempDirectory("tt-chromium");
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM.toFile());
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--window-size=" + width + ",900");
        // The appliance's certificate is signed by its own CA, which this fresh profile does not know.
        o.setAcceptInsecureCerts(true);
        if (!scripts) {
            o.setExperimentalOption("prefs", java.util.Map.of("profile.managed_default_content_settings.javascript", 2));
        }
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        WebDriver d = new ChromeDriver(service, o);
        d.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        return new Browser(d, "https://" + host + ":" + httpsPort, profile);
    }

    public WebDriver driver() {
        return driver;
    }

    /** Opens a path of the appliance. */
    public Browser go(String path) {
        driver.get(base + path);
        return this;
    }

    public String path() {
        String url = driver.getCurrentUrl();
        return url.substring(base.length());
    }

    public WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    public java.util.List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    public String text(String css) {
        return find(css).getText();
    }

    /**
     * Waits until the element's text contains {@code text}. A page that reloads itself replaces
     * its elements, so one found a moment ago may be gone when its text is read: then it is
     * looked up again.
     */
    public void awaitText(String css, String text, Duration timeout) {
        new WebDriverWait(driver, timeout)
                .ignoring(StaleElementReferenceException.class)
                .until(d -> text(css).contains(text));
    }

    /** Types into the field with this id, replacing what it holds. */
    public Browser type(String id, String value) {
        WebElement e = driver.findElement(By.id(id));
        e.clear();
        e.sendKeys(value);
        return this;
    }

    /** Signs in through the sign-in page. */
    public Browser signIn(String user, String password) {
        go("/login").type("username", user).type("password", password);
        return submit("form[action='/login'] button[type=submit]");
    }

    /** Follows the link with this text and waits for the page it opens. */
    public Browser follow(String linkText) {
        WebElement html = find("html");
        driver.findElement(By.linkText(linkText)).click();
        awaitReplaced(html);
        return this;
    }

    /** Clicks a button or link that loads a new page, and waits until the new page has replaced this one. */
    public Browser submit(String css) {
        WebElement html = find("html");
        find(css).click();
        awaitReplaced(html);
        return this;
    }

    /** Waits until the page that held {@code html} has been replaced by the next one. */
    private void awaitReplaced(WebElement html) {
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> gone(html));
    }

    private static boolean gone(WebElement e) {
        try {
            e.isEnabled();
            return false;
        } catch (StaleElementReferenceException x) {
            return true;
        } catch (org.openqa.selenium.WebDriverException x) {
            // Chromium sometimes reports an element of the page it has just left this way
            // instead of as stale (CI: "Node with given id does not belong to the document").
            if (String.valueOf(x.getMessage()).contains("does not belong to the document")) {
                return true;
            }
            throw x;
        }
    }

    /** Saves a PNG of the page as {@code target/screenshots/NAME.png} (kept as a test artifact). */
    public Path screenshot(String name) {
        try {
            Files.createDirectories(SHOTS);
            File f = ((ChromeDriver) driver).getScreenshotAs(OutputType.FILE);
            Path to = SHOTS.resolve(name + ".png");
            Files.copy(f.toPath(), to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return to;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temporary profile is harmless
        }
    }
}
