package dev.telltale.sso;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.testing.OidcProvider;
import dev.telltale.testing.OidcProvider.Person;
import dev.telltale.testing.OidcProvider.Tamper;
import dev.telltale.testing.RunningAppliance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Single sign-on end to end over real HTTPS: a real appliance, a real OIDC provider in this JVM
 * that signs real tokens, and a test "browser" that follows the redirects and carries cookies.
 * Nothing of the appliance's validation is replaced.
 */
class SsoTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Person ALICE = new Person("00u-alice", "alice@example.com", "alice@example.com", List.of("red-devs", "Everyone"));

    @TempDir
    static Path data;
    static RunningAppliance app;
    static OidcProvider provider;
    static HttpClient http;
    static String admin;

    @BeforeAll
    static void start() throws Exception {
        provider = OidcProvider.start(data.resolve("provider"));
        app = RunningAppliance.start(data.resolve("appliance"), "");
        http = HttpClient.newBuilder().sslContext(trustingBoth()).connectTimeout(Duration.ofSeconds(5)).build();
        admin = app.apiToken();
        ok(app.post("/api/v1/teams", "{\"name\":\"red\"}", admin), 201);
        ok(app.post("/api/v1/teams", "{\"name\":\"blue\"}", admin), 201);
        ok(app.post("/api/v1/users", "{\"username\":\"bob\",\"password\":\"a long local password\"}", admin), 201);
        ok(app.put("/api/v1/sso", settings().toString(), admin), 200);
    }

    @AfterAll
    static void stop() {
        app.close();
        provider.close();
    }

    @BeforeEach
    void wellBehaved() {
        provider.reset();
    }

    static ObjectNode settings() throws Exception {
        ObjectNode s = JSON.createObjectNode().put("enabled", true).put("issuer", provider.issuer())
                .put("client_id", OidcProvider.CLIENT_ID).put("client_secret", OidcProvider.CLIENT_SECRET)
                .put("trusted_ca_pem", provider.caPem());
        s.putObject("default_access").put("team", "default").put("role", "VIEWER");
        var m = s.putArray("group_mappings");
        m.addObject().put("group", "red-devs").put("team", "red").put("role", "DEVELOPER");
        m.addObject().put("group", "blue-viewers").put("team", "blue").put("role", "VIEWER");
        m.addObject().put("group", "blue-leads").put("team", "blue").put("role", "TEAM_ADMIN");
        s.putArray("admin_groups").add("telltale-admins");
        return s;
    }

    /** Trusts the appliance's CA and the provider's, as a browser on this network would. */
    static SSLContext trustingBoth() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        ks.setCertificateEntry("appliance", cf.generateCertificate(Files.newInputStream(app.dataDir().resolve("tls/ca.crt"))));
        ks.setCertificateEntry("provider", cf.generateCertificate(
                new ByteArrayInputStream(provider.caPem().getBytes(StandardCharsets.US_ASCII))));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    static String ok(HttpResponse<String> r, int status) {
        assertEquals(status, r.statusCode(), r.body());
        return r.body();
    }

    static String base() {
        return "https://localhost:" + app.appliance().httpsPort();
    }

    /** A browser: cookies per name (one site is enough here), redirects followed by hand. */
    static final class Browser {
        final Map<String, String> cookies = new HashMap<>();
        HttpResponse<String> last;

        HttpResponse<String> get(URI uri, String... headers) throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET();
            if (!cookies.isEmpty() && uri.getPort() == app.appliance().httpsPort()) {
                b.header("Cookie", String.join("; ", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                        .toList()));
            }
            for (int i = 0; i < headers.length; i += 2) {
                b.header(headers[i], headers[i + 1]);
            }
            last = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            for (String set : last.headers().allValues("set-cookie")) {
                String pair = set.substring(0, set.indexOf(';'));
                String name = pair.substring(0, pair.indexOf('='));
                String value = pair.substring(pair.indexOf('=') + 1);
                if (value.isEmpty() || set.contains("Max-Age=0")) {
                    cookies.remove(name);
                } else {
                    cookies.put(name, value);
                }
            }
            return last;
        }

        /** /sso/login, then the provider's authorization endpoint: the URL the provider sends the browser back to. */
        URI toProviderAndBack() throws Exception {
            HttpResponse<String> login = get(URI.create(base() + "/sso/login"));
            assertEquals(303, login.statusCode(), login.body());
            HttpResponse<String> authorize = get(OidcProvider.location(login));
            assertEquals(302, authorize.statusCode(), authorize.body());
            return OidcProvider.location(authorize);
        }

        /** The whole sign-in; the callback's response. */
        HttpResponse<String> signIn() throws Exception {
            return get(toProviderAndBack());
        }

        JsonNode me() throws Exception {
            return JSON.readTree(ok(get(URI.create(base() + "/api/v1/me")), 200));
        }
    }

    static Map<String, String> roles(JsonNode me) {
        Map<String, String> out = new HashMap<>();
        me.get("teams").forEach(t -> out.put(t.get("name").asText(), t.get("role").asText()));
        return out;
    }

    static JsonNode audit(String action) throws Exception {
        return JSON.readTree(ok(app.get("/api/v1/audit?action=" + action, admin), 200)).get("entries");
    }

    static String detail(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body()).get("detail").asText();
    }

    @Test
    void aValidSignInCreatesTheUserMapsTheirGroupsAndStartsASession() throws Exception {
        provider.signIn(ALICE);
        Browser b = new Browser();
        HttpResponse<String> login = b.get(URI.create(base() + "/sso/login"));
        URI authorize = OidcProvider.location(login);
        assertTrue(authorize.toString().startsWith(provider.issuer() + "/v1/authorize?"), authorize.toString());
        String query = authorize.getRawQuery();
        assertTrue(query.contains("code_challenge_method=S256") && query.contains("nonce=")
                && query.contains("scope=openid+profile+email+groups"), query);
        String binding = login.headers().firstValue("set-cookie").orElseThrow();
        assertTrue(binding.startsWith("tt_sso=") && binding.contains("HttpOnly") && binding.contains("Secure")
                && binding.contains("SameSite=Lax") && binding.contains("Path=/sso"), binding);

        HttpResponse<String> done = b.get(OidcProvider.location(b.get(authorize)));
        assertEquals(200, done.statusCode(), done.body());
        assertTrue(done.body().contains("content=\"0;url=/\""), "a page of ours moves on to / (same-site): " + done.body());
        String session = done.headers().allValues("set-cookie").stream().filter(c -> c.startsWith("tt_session="))
                .findFirst().orElseThrow();
        for (String flag : new String[]{"Path=/", "Secure", "HttpOnly", "SameSite=Strict", "Max-Age="}) {
            assertTrue(session.contains(flag), session);
        }
        assertFalse(b.cookies.containsKey("tt_sso"), "the sign-in cookie is spent");

        JsonNode me = b.me();
        assertEquals("alice@example.com", me.get("username").asText());
        assertFalse(me.get("admin").asBoolean());
        assertEquals(Map.of("red", "DEVELOPER"), roles(me), "the mapped group, not the default: " + me);
        assertTrue(me.has("csrf_token"), "a browser session like a password sign-in's");

        OidcProvider.TokenCall call = provider.lastTokenCall().orElseThrow();
        assertTrue(call.basicAuthorization().orElse("").startsWith("Basic "), "client_secret_basic");
        assertFalse(call.form().containsKey("client_secret"), "the secret travels in the header only");
        String verifier = call.form().get("code_verifier");
        assertTrue(verifier.length() >= 43, verifier);
        assertTrue(query.contains("code_challenge=" + OidcProvider.s256(verifier)), "S256 of the verifier sent later");

        JsonNode created = audit("sso.user.create");
        assertTrue(created.toString().contains("user:alice@example.com"), created.toString());
        JsonNode logins = audit("sso.login");
        assertEquals("alice@example.com", logins.get(0).get("actor").asText());
        assertTrue(logins.get(0).get("detail").asText().contains("red=DEVELOPER"), logins.toString());
        assertTrue(logins.get(0).get("source_address").asText().matches("127\\.0\\.0\\.1|0:0:0:0:0:0:0:1|::1"),
                logins.toString());
    }

    @Test
    void groupsAreAppliedAgainAtEverySignInAndHandMadeMembershipsStay() throws Exception {
        Person carol = new Person("00u-carol", "carol", "carol@example.com", List.of("red-devs", "telltale-admins"));
        provider.signIn(carol);
        Browser b = new Browser();
        ok(b.signIn(), 200);
        JsonNode me = b.me();
        assertTrue(me.get("admin").asBoolean(), "an admin group makes an organisation Admin");
        assertEquals(Map.of("red", "DEVELOPER"), roles(me));
        long carolId = me.get("id").asLong();

        long blue = teamId("blue");
        ok(app.put("/api/v1/teams/" + blue + "/members/" + carolId, "{\"role\":\"VIEWER\"}", admin), 200);
        provider.signIn(new Person("00u-carol", "carol", "carol@example.com", List.of("blue-viewers", "blue-leads")));
        Browser again = new Browser();
        ok(again.signIn(), 200);
        me = again.me();
        assertFalse(me.get("admin").asBoolean(), "out of the admin group, out of the Admin role");
        assertEquals(Map.of("blue", "VIEWER"), roles(me),
                "the red role single sign-on gave is gone; blue was set by hand, so the group does not override it");

        provider.signIn(new Person("00u-carol", "carol", "carol@example.com", List.of()));
        Browser third = new Browser();
        ok(third.signIn(), 200);
        assertEquals(Map.of("blue", "VIEWER", "default", "VIEWER"), roles(third.me()),
                "no mapped group: the default access, and the hand-made membership stays");
    }

    static long teamId(String name) throws Exception {
        for (JsonNode t : JSON.readTree(ok(app.get("/api/v1/teams", admin), 200)).get("teams")) {
            if (t.get("name").asText().equals(name)) {
                return t.get("id").asLong();
            }
        }
        throw new AssertionError("no team " + name);
    }

    /** A refused callback: 403, no session, and the reason in the audit log. */
    static String refused(Browser b, HttpResponse<String> r, String reason) throws Exception {
        assertEquals(403, r.statusCode(), r.body());
        assertTrue(r.headers().allValues("set-cookie").stream().noneMatch(c -> c.startsWith("tt_session=")),
                "no session for a refused sign-in");
        assertFalse(b.cookies.containsKey("tt_session"));
        String detail = detail(r);
        assertTrue(detail.contains(reason), detail);
        JsonNode failed = audit("sso.login.failed").get(0);
        assertEquals(detail, failed.get("detail").asText());
        assertEquals("sso:" + provider.issuer(), failed.get("target").asText());
        return detail;
    }

    @Test
    void anIdTokenForAnotherAudienceIsRefused() throws Exception {
        provider.signIn(ALICE);
        provider.tamper(Tamper.WRONG_AUDIENCE);
        Browser b = new Browser();
        refused(b, b.signIn(), "aud claim rejected");
    }

    @Test
    void anExpiredIdTokenIsRefused() throws Exception {
        provider.signIn(ALICE);
        provider.tamper(Tamper.EXPIRED);
        Browser b = new Browser();
        refused(b, b.signIn(), "Expired JWT");
    }

    @Test
    void anIdTokenSignedByAKeyNotInTheProvidersJwksIsRefused() throws Exception {
        provider.signIn(ALICE);
        provider.tamper(Tamper.FOREIGN_KEY);
        Browser b = new Browser();
        refused(b, b.signIn(), "Invalid signature");
    }

    @Test
    void anIdTokenWithAnotherSignInsNonceIsRefused() throws Exception {
        provider.signIn(ALICE);
        provider.tamper(Tamper.WRONG_NONCE);
        Browser b = new Browser();
        refused(b, b.signIn(), "nonce does not match");
    }

    @Test
    void aReplayedCallbackIsRefusedAndAudited() throws Exception {
        provider.signIn(ALICE);
        Browser b = new Browser();
        URI callback = b.toProviderAndBack();
        String binding = b.cookies.get("tt_sso");
        ok(b.get(callback), 200);
        b.cookies.clear();
        b.cookies.put("tt_sso", binding); // the attacker has everything the first request had
        String detail = refused(b, b.get(callback), "replayed");
        assertTrue(detail.contains("already completed"), detail);
    }

    @Test
    void aCallbackWithoutTheBrowsersSignInCookieIsRefused() throws Exception {
        provider.signIn(ALICE);
        Browser victim = new Browser();
        URI lured = new Browser().toProviderAndBack(); // started in the attacker's browser
        refused(victim, victim.get(lured), "another browser");
    }

    @Test
    void anUnknownStateIsRefusedWithoutAnAuditRow() throws Exception {
        int before = audit("sso.login.failed").size();
        Browser b = new Browser();
        HttpResponse<String> r = b.get(URI.create(base() + "/sso/callback?state=made-up&code=x"));
        assertEquals(403, r.statusCode());
        assertTrue(detail(r).contains("unknown or expired"), r.body());
        assertEquals(before, audit("sso.login.failed").size(), "strangers' guesses do not fill the audit log");
        assertEquals(400, b.get(URI.create(base() + "/sso/callback?code=x")).statusCode(), "no state at all");
    }

    @Test
    void pkceBindsTheCodeToTheSignInThatAskedForIt() throws Exception {
        provider.signIn(ALICE);
        Browser attacker = new Browser();
        String stolenCode = query(attacker.toProviderAndBack()).get("code"); // issued for the attacker's challenge
        Browser b = new Browser();
        Map<String, String> mine = query(b.toProviderAndBack());
        HttpResponse<String> injected = b.get(URI.create(base() + "/sso/callback?state=" + mine.get("state")
                + "&code=" + URLEncoder.encode(stolenCode, StandardCharsets.UTF_8)));
        refused(b, injected, "PKCE verification failed");

        HttpResponse<String> noVerifier = http.send(HttpRequest.newBuilder(URI.create(provider.issuer() + "/v1/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                        (OidcProvider.CLIENT_ID + ":" + URLEncoder.encode(OidcProvider.CLIENT_SECRET,
                                StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=authorization_code&code="
                        + query(new Browser().toProviderAndBack()).get("code") + "&redirect_uri="
                        + URLEncoder.encode(base() + "/sso/callback", StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, noVerifier.statusCode(), "the provider refuses a code without its verifier: " + noVerifier.body());
    }

    static Map<String, String> query(URI uri) {
        Map<String, String> out = new HashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            out.put(pair.substring(0, eq), java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    @Test
    void theProvidersRefusalIsShownClearly() throws Exception {
        provider.signIn(ALICE);
        provider.deny(true);
        Browser b = new Browser();
        String detail = refused(b, b.signIn(), "access_denied");
        assertTrue(detail.contains("not assigned"), detail);

        HttpResponse<String> page = b.get(b.toProviderAndBack(), "Accept", "text/html,application/xhtml+xml");
        assertEquals(403, page.statusCode());
        assertTrue(page.headers().firstValue("content-type").orElse("").startsWith("text/html"));
        assertTrue(page.body().contains("access_denied") && page.body().contains("&lt;client&gt;")
                && !page.body().contains("<client>"), "the provider's text, escaped: " + page.body());
    }

    @Test
    void aSingleSignOnUserHasNoLocalPassword() throws Exception {
        provider.signIn(new Person("00u-dave", "dave", "dave@example.com", List.of()));
        Browser b = new Browser();
        ok(b.signIn(), 200);
        for (String password : new String[]{"", "!single-sign-on", "any long password at all"}) {
            HttpResponse<String> json = http.send(HttpRequest.newBuilder(URI.create(base() + "/login"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"dave\",\"password\":\"" + password + "\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, json.statusCode(), json.body());
            assertEquals(401, app.post("/api/v1/auth/token", "{\"username\":\"dave\",\"password\":\"" + password + "\"}",
                    null).statusCode());
        }
        JsonNode failed = audit("user.login_failed");
        assertTrue(failed.get(0).get("detail").asText().contains("single sign-on"), failed.toString());
        Browser later = new Browser();
        ok(later.signIn(), 200);
        assertEquals("dave", later.me().get("username").asText(), "never locked out of single sign-on by those");
    }

    @Test
    void aNameThatBelongsToALocalUserIsNotTakenOver() throws Exception {
        provider.signIn(new Person("00u-mallory", "bob", "bob@example.com", List.of("telltale-admins")));
        Browser b = new Browser();
        String detail = refused(b, b.signIn(), "already exists");
        assertTrue(detail.contains("'bob'"), detail);
        JsonNode users = JSON.readTree(ok(app.get("/api/v1/users", admin), 200)).get("users");
        users.forEach(u -> {
            if (u.get("username").asText().equals("bob")) {
                assertFalse(u.get("admin").asBoolean(), "and the local bob gained nothing");
            }
        });
    }

    @Test
    void aDiscoveryDocumentForAnotherIssuerIsRefused() throws Exception {
        provider.tamper(Tamper.WRONG_ISSUER_IN_DISCOVERY);
        ok(app.put("/api/v1/sso", settings().toString(), admin), 200); // new settings: discovery is read afresh
        try {
            HttpResponse<String> r = new Browser().get(URI.create(base() + "/sso/login"));
            assertEquals(502, r.statusCode(), r.body());
            assertTrue(detail(r).contains("impostor.example.com"), r.body());
        } finally {
            provider.reset();
            ok(app.put("/api/v1/sso", settings().toString(), admin), 200);
        }
    }

    @Test
    void aSignInStartedBeforeTheSettingsChangedDoesNotComplete() throws Exception {
        provider.signIn(ALICE);
        Browser b = new Browser();
        URI callback = b.toProviderAndBack();
        ok(app.put("/api/v1/sso", settings().toString(), admin), 200);
        refused(b, b.get(callback), "settings changed");
    }

    @Test
    void whenSingleSignOnIsOffNothingStarts() throws Exception {
        ObjectNode off = settings().put("enabled", false);
        off.remove("client_secret");
        ok(app.put("/api/v1/sso", off.toString(), admin), 200);
        try {
            HttpResponse<String> r = new Browser().get(URI.create(base() + "/sso/login"));
            assertEquals(404, r.statusCode());
            assertTrue(detail(r).contains("not enabled"), r.body());
        } finally {
            ok(app.put("/api/v1/sso", settings().toString(), admin), 200);
        }
    }
}
