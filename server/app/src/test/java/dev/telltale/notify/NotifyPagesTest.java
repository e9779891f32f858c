package dev.telltale.notify;

import dev.telltale.testing.HttpsReceiver;
import dev.telltale.testing.RunningAppliance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The integrations pages as a browser uses them (forms with the CSRF field): create a webhook,
 * see an error next to its field, send a test, read the delivery log; secrets never on a page.
 */
class NotifyPagesTest {
    static final String SECRET = "page-secret-0123456789abcdef";

    @TempDir
    static Path data;
    static RunningAppliance app;
    static HttpsReceiver receiver;
    static HttpClient http;
    static String cookie;
    static String csrf;

    @BeforeAll
    static void start() throws Exception {
        receiver = HttpsReceiver.start(data.resolve("receiver"));
        app = RunningAppliance.start(data.resolve("appliance"), "telltale:\n  notify:\n    poll-interval: PT0.05S\n"
                + "    trusted-ca-file: " + receiver.caFile() + "\n");
        http = HttpClient.newBuilder().sslContext(app.tls()).connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(uri("/login")).build(), HttpResponse.BodyHandlers.ofString());
        String pre = page.headers().firstValue("set-cookie").orElseThrow().split(";")[0];
        HttpResponse<String> in = http.send(HttpRequest.newBuilder(uri("/login")).header("Cookie", pre)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + field(page.body(), "_csrf") + "&username=admin&password="
                        + enc(RunningAppliance.ADMIN_PASSWORD))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(303, in.statusCode());
        cookie = in.headers().firstValue("set-cookie").orElseThrow().split(";")[0];
        csrf = field(get("/admin/integrations").body(), "_csrf");
    }

    @AfterAll
    static void stop() {
        app.close();
        receiver.close();
    }

    static URI uri(String path) {
        return URI.create("https://localhost:" + app.appliance().httpsPort() + path);
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String field(String html, String name) {
        Matcher m = Pattern.compile("name=\"" + name + "\" value=\"([^\"]*)\"").matcher(html);
        assertTrue(m.find(), html);
        return m.group(1);
    }

    static HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Cookie", cookie).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(String path, String form) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Cookie", cookie)
                .header("Origin", "https://localhost:" + app.appliance().httpsPort())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + csrf + "&" + form)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aWebhookIsCreatedTestedAndItsDeliveryLogShownWithoutItsSecret() throws Exception {
        HttpResponse<String> list = get("/admin/integrations");
        assertEquals(200, list.statusCode());
        assertTrue(list.body().contains("New integration"));
        assertTrue(get("/admin").body().contains("/admin/integrations"), "listed in Administration");

        HttpResponse<String> bad = post("/admin/integrations", "type=webhook&team=default&name=hook&events=new_alert"
                + "&url=" + enc("http://localhost/x") + "&secret=" + SECRET);
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("id=\"url-error\""), "the error sits next to the URL field");
        assertFalse(bad.body().contains(SECRET));

        HttpResponse<String> created = post("/admin/integrations", "type=webhook&team=default&name=hook&enabled=on"
                + "&events=new_alert&events=system&url=" + enc(receiver.url("/page")) + "&secret=" + SECRET
                + "&headers=" + enc("X-Token: header-value-secret"));
        assertEquals(303, created.statusCode(), created.body());
        String location = created.headers().firstValue("location").orElseThrow();
        assertTrue(location.matches("/admin/integrations/\\d+\\?saved"), location);
        String id = location.replaceAll("\\D+(\\d+).*", "$1");

        HttpResponse<String> test = post("/admin/integrations/" + id + "/test", "");
        assertEquals(303, test.statusCode());
        receiver.await(r -> r.path().equals("/page"), 1, Duration.ofSeconds(20));
        assertEquals("header-value-secret", receiver.requests().get(0).header("X-Token"));
        String page = "";
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!page.contains("DELIVERED") && System.nanoTime() < end) {
            Thread.sleep(50);
            page = get("/admin/integrations/" + id).body();
        }
        assertTrue(page.contains("Delivery log") && page.contains("DELIVERED") && page.contains("HTTP 200"), page);
        assertTrue(page.contains("Stored: X-Token"), "header names are shown");
        assertFalse(page.contains(SECRET) || page.contains("header-value-secret"), "secrets are never on a page");

        HttpResponse<String> saved = post("/admin/integrations/" + id, "name=hook2&events=new_alert&url="
                + enc(receiver.url("/page")));
        assertEquals(303, saved.statusCode(), saved.body());
        assertTrue(get("/admin/integrations/" + id).body().contains("Disabled"), "unchecked means disabled");
        assertEquals(303, post("/admin/integrations/" + id + "/delete", "").statusCode());
        assertEquals(404, get("/admin/integrations/" + id).statusCode());
    }
}
