package dev.telltale.api;

import com.fasterxml.jackson.databind.ObjectMapper;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Browser sign-in over real HTTPS: cookie flags, CSRF on state changes, fixation, logout. */
class BrowserSessionTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path data;
    static RunningAppliance app;
    static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        app = RunningAppliance.start(data, "");
        http = HttpClient.newBuilder().sslContext(app.tls()).build(); // no cookie handler: the test carries them
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    static HttpResponse<String> send(String method, String path, String cookie, String csrf, String type, String body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://localhost:" + app.appliance().httpsPort() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        if (csrf != null) {
            b.header("X-CSRF-Token", csrf);
        }
        if (type != null) {
            b.header("Content-Type", type);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Signs in as the sign-in page does: its form token must match the cookie set with the page. */
    static HttpResponse<String> login(String cookie) throws Exception {
        HttpResponse<String> page = send("GET", "/login", cookie, null, null, null);
        String pre = cookieOf(page);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(page.body());
        assertTrue(m.find(), page.body());
        String form = "_csrf=" + m.group(1) + "&username=admin&password="
                + URLEncoder.encode(RunningAppliance.ADMIN_PASSWORD, StandardCharsets.UTF_8);
        return send("POST", "/login", cookie == null ? pre : cookie + "; " + pre, null, "application/x-www-form-urlencoded", form);
    }

    static String cookieOf(HttpResponse<String> r) {
        String set = r.headers().firstValue("set-cookie").orElseThrow();
        return set.substring(0, set.indexOf(';'));
    }

    @Test
    void aBrowserSessionWithCsrfProtectionAndServerSideLogout() throws Exception {
        HttpResponse<String> in = login(null);
        assertEquals(303, in.statusCode(), in.body());
        String set = in.headers().firstValue("set-cookie").orElseThrow();
        for (String flag : new String[]{"Secure", "HttpOnly", "SameSite=Strict", "Path=/"}) {
            assertTrue(set.contains(flag), set);
        }
        String cookie = cookieOf(in);
        var me = JSON.readTree(send("GET", "/api/v1/me", cookie, null, null, null).body());
        assertEquals("admin", me.get("username").asText());
        String csrf = me.get("csrf_token").asText();

        HttpResponse<String> forged = send("POST", "/api/v1/teams", cookie, null, "application/json", "{\"name\":\"forged\"}");
        assertEquals(403, forged.statusCode(), "a cross-site form cannot change anything");
        assertTrue(forged.body().contains("CSRF"), forged.body());
        assertEquals(403, send("POST", "/api/v1/teams", cookie, "wrong", "application/json", "{\"name\":\"forged\"}")
                .statusCode());
        assertEquals(201, send("POST", "/api/v1/teams", cookie, csrf, "application/json", "{\"name\":\"real\"}")
                .statusCode());

        HttpResponse<String> again = login(cookie);
        assertNotEquals(cookie, cookieOf(again), "each sign-in gets a new session id");
        assertEquals(401, send("GET", "/api/v1/me", cookie, null, null, null).statusCode(),
                "and the one the browser brought is ended (no fixation)");
        assertEquals(401, send("GET", "/api/v1/me", "tt_session=tt_ses_planted", null, null, null).statusCode());

        String current = cookieOf(again);
        String csrf2 = JSON.readTree(send("GET", "/api/v1/me", current, null, null, null).body()).get("csrf_token").asText();
        assertEquals(403, send("POST", "/logout", current, null, null, null).statusCode(), "no forced logout either");
        HttpResponse<String> out = send("POST", "/logout", current, csrf2, null, null);
        assertEquals(303, out.statusCode());
        assertTrue(out.headers().firstValue("set-cookie").orElseThrow().contains("Max-Age=0"));
        assertEquals(401, send("GET", "/api/v1/me", current, null, null, null).statusCode(), "ended on the server");
        HttpResponse<String> bad = send("POST", "/login", null, null, "application/json",
                "{\"username\":\"admin\",\"password\":\"nope\"}");
        assertEquals(401, bad.statusCode());
        assertTrue(bad.headers().firstValue("set-cookie").isEmpty());
        HttpResponse<String> forgedLogin = send("POST", "/login", null, null, "application/x-www-form-urlencoded",
                "username=admin&password=" + URLEncoder.encode(RunningAppliance.ADMIN_PASSWORD, StandardCharsets.UTF_8));
        assertEquals(303, forgedLogin.statusCode(), "a sign-in form without the page's token (login CSRF)");
        assertEquals("/login?stale", forgedLogin.headers().firstValue("location").orElseThrow());
        assertTrue(forgedLogin.headers().firstValue("set-cookie").isEmpty(), "starts no session");
    }
}
