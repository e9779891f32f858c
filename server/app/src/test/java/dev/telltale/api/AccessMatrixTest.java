package dev.telltale.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.protocol.Compression;
import dev.telltale.protocol.client.AgentConnection;
import dev.telltale.protocol.event.Event;
import dev.telltale.protocol.event.EventType;
import dev.telltale.rbac.Permission;
import dev.telltale.rbac.RouteTable;
import dev.telltale.rbac.TeamRole;
import dev.telltale.testing.RunningAppliance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every declared API route called as every kind of subject — anonymous, a user without teams, a
 * Viewer, a Developer and a Team Admin of one team, an organisation Admin — against the
 * permission table; routes that are not declared are refused; one team never sees another's.
 */
class AccessMatrixTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String PASSWORD = "a long enough password";
    static final String NEW_PASSWORD = "my own long passphrase";

    @TempDir
    static Path data;
    static RunningAppliance app;
    static HttpClient http;
    static final Map<String, Optional<String>> TOKENS = new LinkedHashMap<>();
    static final Map<String, Optional<TeamRole>> ROLES = new LinkedHashMap<>();
    /** Each subject's browser session: cookie and CSRF token (none for anonymous). */
    static final Map<String, Optional<String[]>> SESSIONS = new LinkedHashMap<>();
    static long red;

    @BeforeAll
    static void start() throws Exception {
        app = RunningAppliance.start(data, "");
        http = HttpClient.newBuilder().sslContext(app.tls()).connectTimeout(Duration.ofSeconds(5)).build();
        String admin = app.apiToken();
        red = JSON.readTree(ok(app.post("/api/v1/teams", "{\"name\":\"red\"}", admin), 201)).get("id").asLong();
        long blue = JSON.readTree(ok(app.post("/api/v1/teams", "{\"name\":\"blue\"}", admin), 201)).get("id").asLong();
        TOKENS.put("anonymous", Optional.empty());
        ROLES.put("anonymous", Optional.empty());
        user("nobody", Optional.empty(), 0);
        user("red-viewer", Optional.of(TeamRole.VIEWER), red);
        user("red-dev", Optional.of(TeamRole.DEVELOPER), red);
        user("red-admin", Optional.of(TeamRole.TEAM_ADMIN), red);
        user("blue-dev", Optional.of(TeamRole.DEVELOPER), blue);
        TOKENS.put("admin", Optional.of(admin));
        ROLES.put("admin", Optional.empty());
        SESSIONS.put("anonymous", Optional.empty());
        for (String name : TOKENS.keySet()) {
            if (!name.equals("anonymous")) {
                SESSIONS.put(name, Optional.of(session(name, name.equals("admin") ? RunningAppliance.ADMIN_PASSWORD : NEW_PASSWORD)));
            }
        }
    }

    /** Signs in through the sign-in page's form and returns the session cookie and the CSRF token. */
    static String[] session(String name, String password) throws Exception {
        HttpResponse<String> page = call("GET", "/login", Optional.empty());
        String pre = page.headers().firstValue("set-cookie").orElseThrow().split(";")[0];
        String token = field(page.body(), "_csrf");
        HttpResponse<String> in = http.send(HttpRequest.newBuilder(uri("/login")).header("Cookie", pre)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + token + "&username=" + name + "&password="
                        + java.net.URLEncoder.encode(password, java.nio.charset.StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(303, in.statusCode());
        String cookie = in.headers().firstValue("set-cookie").orElseThrow().split(";")[0];
        HttpResponse<String> me = http.send(HttpRequest.newBuilder(uri("/api/v1/me")).header("Cookie", cookie).build(),
                HttpResponse.BodyHandlers.ofString());
        return new String[]{cookie, JSON.readTree(ok(me, 200)).get("csrf_token").asText()};
    }

    static String field(String html, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("name=\"" + name + "\" value=\"([^\"]*)\"").matcher(html);
        assertTrue(m.find(), html);
        return m.group(1);
    }

    static URI uri(String path) {
        return URI.create("https://localhost:" + app.appliance().httpsPort() + path);
    }

    /** A page request as a browser sends it: the session cookie, and forms with the CSRF field. */
    static HttpResponse<String> page(String method, String path, Optional<String[]> session, boolean withCsrf)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
        String form = session.filter(x -> withCsrf).map(x -> "_csrf=" + x[1]).orElse("");
        b.method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(form));
        if (!method.equals("GET")) {
            b.header("Content-Type", "application/x-www-form-urlencoded");
        }
        session.ifPresent(x -> b.header("Cookie", x[0]));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static void user(String name, Optional<TeamRole> role, long team) throws Exception {
        String admin = app.apiToken();
        long id = JSON.readTree(ok(app.post("/api/v1/users", "{\"username\":\"" + name + "\",\"password\":\"" + PASSWORD
                + "\"}", admin), 201)).get("id").asLong();
        if (role.isPresent()) {
            ok(app.put("/api/v1/teams/" + team + "/members/" + id, "{\"role\":\"" + role.get() + "\"}", admin), 200);
        }
        String first = JSON.readTree(ok(app.post("/api/v1/auth/token", "{\"username\":\"" + name + "\",\"password\":\""
                + PASSWORD + "\"}", null), 200)).get("access_token").asText();
        assertEquals(403, app.get("/api/v1/teams", first).statusCode(), "nothing before the first password change");
        ok(app.post("/api/v1/me/password", "{\"current_password\":\"" + PASSWORD + "\",\"new_password\":\""
                + NEW_PASSWORD + "\"}", first), 204);
        String token = JSON.readTree(ok(app.post("/api/v1/auth/token", "{\"username\":\"" + name + "\",\"password\":\""
                + NEW_PASSWORD + "\"}", null), 200)).get("access_token").asText();
        TOKENS.put(name, Optional.of(token));
        ROLES.put(name, role);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    static String ok(HttpResponse<String> r, int status) {
        assertEquals(status, r.statusCode(), r.body());
        return r.body();
    }

    static HttpResponse<String> call(String method, String path, Optional<String> token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://localhost:" + app.appliance().httpsPort() + path))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .method(method, method.equals("GET") || method.equals("DELETE") ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString("{}"));
        token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** What the table promises the subject: may it pass the route's check? */
    static boolean allowed(String subject, Permission p) {
        if (p == Permission.PUBLIC) {
            return true;
        }
        if (subject.equals("anonymous")) {
            return false;
        }
        if (subject.equals("admin") || p == Permission.SIGNED_IN) {
            return true;
        }
        return p.level() == Permission.Level.TEAM && ROLES.get(subject).map(r -> r.grants(p)).orElse(false);
    }

    @Test
    void everyRouteAsEverySubjectFollowsThePermissionTable() throws Exception {
        List<String> wrong = new ArrayList<>();
        RouteTable table = app.appliance().routes();
        assertTrue(table.routes().size() >= 40, "the whole API and UI are declared: " + table.routes().size());
        for (RouteTable.Route r : table.routes()) {
            String path = r.template().replace("{id}", String.valueOf(red)).replaceAll("\\{[a-z]+}", "1");
            if (r.page()) {
                pageAsEverySubject(r, path, wrong);
                continue;
            }
            for (Map.Entry<String, Optional<String>> s : TOKENS.entrySet()) {
                if (r.template().equals("/api/v1/auth/token")) {
                    continue; // logins above and token revocation in the password test: a DELETE here would end the subjects' tokens
                }
                HttpResponse<String> res = call(r.method(), path, s.getValue());
                int code = res.statusCode();
                String detail = detail(res);
                boolean may = allowed(s.getKey(), r.permission());
                // The route's own refusal, as opposed to a handler's about one team's things or a body.
                boolean refusedByRoute = code == 401 || (code == 403 && detail.equals(Principal.denial(r.permission())));
                if (may == refusedByRoute) {
                    wrong.add(r.method() + " " + r.template() + " as " + s.getKey() + " → " + code + " " + detail);
                }
                if (s.getKey().equals("admin") && detail.equals("not found")) {
                    wrong.add(r.method() + " " + r.template() + " is declared but has no handler");
                }
            }
        }
        assertEquals(List.of(), wrong);
    }

    /** Pages: signed out means a redirect to sign in; a role that lacks the permission gets the 403 page. */
    static void pageAsEverySubject(RouteTable.Route r, String path, List<String> wrong) throws Exception {
        if (r.template().equals("/logout") || r.template().equals("/login") && r.method().equals("POST")) {
            return; // sign-in and sign-out have their own tests (BrowserSessionTest); they would end these sessions
        }
        if (r.template().equals("/static/{file}")) {
            path = "/static/telltale.css";
        }
        for (Map.Entry<String, Optional<String[]>> s : SESSIONS.entrySet()) {
            HttpResponse<String> res = page(r.method(), path, s.getValue(), true);
            int code = res.statusCode();
            boolean toLogin = code == 303 && res.headers().firstValue("location").orElse("").startsWith("/login");
            boolean refusedByRoute = toLogin || code == 403 && res.body().contains("Your role does not allow this page");
            if (allowed(s.getKey(), r.permission()) == refusedByRoute) {
                wrong.add(r.method() + " " + r.template() + " as " + s.getKey() + " → " + code);
            }
            if (s.getKey().equals("admin") && code == 404 && res.body().contains("There is no page at this address")) {
                wrong.add(r.method() + " " + r.template() + " is declared but has no handler");
            }
            if (!r.method().equals("GET") && s.getValue().isPresent() && !refusedByRoute) {
                HttpResponse<String> forged = page(r.method(), path, s.getValue(), false);
                if (forged.statusCode() != 403) {
                    wrong.add(r.method() + " " + r.template() + " as " + s.getKey() + " without the CSRF field → "
                            + forged.statusCode());
                }
            }
        }
    }

    @Test
    void singleSignOnStartsForAnyoneAndIsConfiguredByAdminsOnly() throws Exception {
        RouteTable table = ApiRoutes.table();
        for (String p : new String[]{"/sso/login", "/sso/callback"}) {
            assertEquals(Permission.PUBLIC, table.match("GET", p).orElseThrow().permission(), p);
        }
        for (String m : new String[]{"GET", "PUT"}) {
            Permission p = table.match(m, "/api/v1/sso").orElseThrow().permission();
            assertEquals(Permission.Level.ORG, p.level(), m + " /api/v1/sso is for organisation Admins");
            for (TeamRole r : TeamRole.values()) {
                assertTrue(!r.grants(p), r + " must not grant " + p);
            }
        }
        // Off by default: the public routes say so rather than failing.
        HttpResponse<String> login = call("GET", "/sso/login", Optional.empty());
        assertEquals(404, login.statusCode(), login.body());
        assertEquals("single sign-on is not enabled on this appliance", detail(login));
        assertEquals(400, call("PUT", "/api/v1/sso", TOKENS.get("admin")).statusCode(), "an empty body is refused");
        assertEquals(403, call("PUT", "/api/v1/sso", TOKENS.get("red-admin")).statusCode());
    }

    static String detail(HttpResponse<String> r) {
        try {
            JsonNode n = JSON.readTree(r.body());
            return n != null && n.has("detail") ? n.get("detail").asText() : "";
        } catch (Exception e) {
            return "";
        }
    }

    @Test
    void certificateChangesAreForOrganisationAdminsOnly() throws Exception {
        RouteTable table = app.appliance().routes();
        for (String[] mp : new String[][]{{"PUT", "/api/v1/certificates/server"},
                {"POST", "/api/v1/certificates/server/rollback"}, {"POST", "/api/v1/certificates/server/regenerate"},
                {"GET", "/api/v1/certificates/csr"}, {"POST", "/api/v1/certificates/csr"},
                {"POST", "/api/v1/certificates/transition/end"}, {"POST", "/admin/certificates/upload"},
                {"POST", "/admin/certificates/csr"}, {"POST", "/admin/certificates/rollback"},
                {"POST", "/admin/certificates/regenerate"}, {"POST", "/admin/certificates/transition/end"}}) {
            assertEquals(Permission.APPLIANCE_MANAGE, table.match(mp[0], mp[1]).orElseThrow().permission(), mp[1]);
        }
        HttpResponse<String> refused = call("PUT", "/api/v1/certificates/server", TOKENS.get("red-admin"));
        assertEquals(403, refused.statusCode(), "a Team Admin cannot replace the appliance's certificate");
        HttpResponse<String> empty = call("PUT", "/api/v1/certificates/server", TOKENS.get("admin"));
        assertEquals(400, empty.statusCode(), empty.body());
    }

    @Test
    void routesThatAreNotDeclaredAreRefusedEvenToAdmins() throws Exception {
        Optional<String> admin = TOKENS.get("admin");
        for (String[] mp : new String[][]{{"GET", "/api/v1/secret-admin-thing"}, {"PATCH", "/api/v1/events"},
                {"DELETE", "/api/v1/alerts"}, {"GET", "/api/v2/events"}, {"GET", "/api/v1/teams/1/members/2/extra"}}) {
            HttpResponse<String> r = call(mp[0], mp[1], admin);
            assertEquals(404, r.statusCode(), mp[0] + " " + mp[1]);
            assertTrue(detail(r).startsWith("no route"), detail(r));
        }
    }

    @Test
    void aTeamSeesOnlyItsOwnEventsAndApplications() throws Exception {
        String admin = app.apiToken();
        String token = JSON.readTree(ok(app.post("/api/v1/run-tokens", "{\"name\":\"red agents\",\"team\":\"red\"}",
                admin), 201)).get("token").asText();
        try (AgentConnection conn = app.connect()) {
            conn.hello(RunningAppliance.hello(token, "red-agent", Compression.ZSTD));
            Event e = Event.of(EventType.FILE, 0, 9, 9);
            e.body().set("op", "open").set("path", "/srv/red/secret.txt");
            conn.sendRaw(conn.encoder().frame(1, System.currentTimeMillis() * 1000, List.of(e)));
            conn.awaitAck(1);
        }
        String q = "/api/v1/events?q=host:host-red-agent";
        long deadline = System.currentTimeMillis() + 20_000;
        while (events(q, "admin") == 0 && System.currentTimeMillis() < deadline) {
            app.appliance().store().refreshNow();
            Thread.sleep(50);
        }
        assertEquals(1, events(q, "admin"));
        assertEquals(1, events(q, "red-viewer"));
        assertEquals(0, events(q, "blue-dev"), "another team's events stay invisible");
        JsonNode apps = JSON.readTree(ok(call("GET", "/api/v1/applications", TOKENS.get("blue-dev")), 200));
        assertEquals(0, apps.get("applications").size(), "and its applications: " + apps);
        assertEquals(403, call("POST", "/api/v1/run-tokens", TOKENS.get("blue-dev")).statusCode());
        HttpResponse<String> redToken = http.send(HttpRequest.newBuilder(URI.create("https://localhost:"
                        + app.appliance().httpsPort() + "/api/v1/run-tokens")).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + TOKENS.get("red-admin").orElseThrow())
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"mine\",\"team\":\"blue\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(403, redToken.statusCode(), "a Team Admin of red cannot make run tokens for blue");
        JsonNode listed = JSON.readTree(ok(call("GET", "/api/v1/run-tokens", TOKENS.get("red-admin")), 200));
        listed.get("run_tokens").forEach(t -> assertEquals("red", t.get("team").asText()));
    }

    @Test
    void integrationClientsActWithTheirTeamRoleUntilRevoked() throws Exception {
        String admin = app.apiToken();
        JsonNode created = JSON.readTree(ok(app.post("/api/v1/clients",
                "{\"name\":\"ci pipeline\",\"team\":\"red\",\"role\":\"VIEWER\"}", admin), 201));
        String id = created.get("client_id").asText();
        String secret = created.get("client_secret").asText();
        assertTrue(secret.length() > 40, "a long random secret, shown once");
        String listed = ok(call("GET", "/api/v1/clients", TOKENS.get("admin")), 200);
        assertTrue(listed.contains(id) && !listed.contains(secret), "listed without its secret");

        HttpResponse<String> wrong = form("grant_type=client_credentials&client_id=" + id + "&client_secret=nope");
        assertEquals(401, wrong.statusCode());
        HttpResponse<String> tok = form("grant_type=client_credentials&client_id=" + id + "&client_secret=" + secret);
        assertEquals(200, tok.statusCode(), tok.body());
        Optional<String> bearer = Optional.of(JSON.readTree(tok.body()).get("access_token").asText());
        assertEquals(300, JSON.readTree(tok.body()).get("expires_in").asInt());
        assertEquals(200, call("GET", "/api/v1/events", bearer).statusCode(), "a Viewer of red reads events");
        assertEquals(403, call("POST", "/api/v1/run-tokens", bearer).statusCode(), "but manages nothing");
        JsonNode me = JSON.readTree(ok(call("GET", "/api/v1/me", bearer), 200));
        assertEquals("client:" + id, me.get("username").asText());

        ok(call("DELETE", "/api/v1/clients/" + created.get("id").asLong(), TOKENS.get("admin")), 204);
        HttpResponse<String> after = call("GET", "/api/v1/events", bearer);
        assertEquals(401, after.statusCode(), "revocation ends the client's tokens at once");
        assertEquals(401, form("grant_type=client_credentials&client_id=" + id + "&client_secret=" + secret).statusCode());
    }

    @Test
    void securityActionsAreAuditedWithTheirSourceAndExportable() throws Exception {
        assertEquals(401, app.post("/api/v1/auth/token", "{\"username\":\"red-dev\",\"password\":\"wrong guess\"}",
                null).statusCode());
        Optional<String> admin = TOKENS.get("admin");
        JsonNode failed = JSON.readTree(ok(call("GET", "/api/v1/audit?action=user.login_failed", admin), 200));
        JsonNode row = failed.get("entries").get(0);
        assertEquals("user.login_failed", row.get("action").asText());
        assertTrue(row.get("target").asText().contains("red-dev"), row.toString());
        assertTrue(row.get("source_address").asText().matches("127\\.0\\.0\\.1|0:0:0:0:0:0:0:1|::1"), row.toString());
        JsonNode teams = JSON.readTree(ok(call("GET", "/api/v1/audit?action=team.create", admin), 200));
        assertEquals(2, teams.get("entries").size(), "red and blue: " + teams);
        assertEquals("admin", teams.get("entries").get(0).get("actor").asText());
        JsonNode members = JSON.readTree(ok(call("GET", "/api/v1/audit?action=team.member.set&limit=2", admin), 200));
        assertEquals(2, members.get("entries").size());
        long before = members.get("next_before").asLong();
        JsonNode older = JSON.readTree(ok(call("GET", "/api/v1/audit?action=team.member.set&before=" + before, admin), 200));
        assertTrue(older.get("entries").get(0).get("id").asLong() < before, "pages go back in time");

        String csv = ok(call("GET", "/api/v1/audit/export?format=csv&action=team.create", admin), 200);
        String[] lines = csv.split("\n");
        assertEquals("id,at,actor,action,target,detail,source_address", lines[0]);
        assertEquals(3, lines.length, csv);
        String jsonl = ok(call("GET", "/api/v1/audit/export?format=jsonl&action=team.create", admin), 200);
        assertEquals(2, jsonl.strip().split("\n").length);
        assertEquals(400, call("GET", "/api/v1/audit/export?format=xml", admin).statusCode());
    }

    @Test
    void usersChangeTheirPasswordUnderThePolicy() throws Exception {
        String admin = app.apiToken();
        ok(app.post("/api/v1/users", "{\"username\":\"changer\",\"password\":\"" + PASSWORD + "\"}", admin), 201);
        String token = JSON.readTree(ok(app.post("/api/v1/auth/token", "{\"username\":\"changer\",\"password\":\""
                + PASSWORD + "\"}", null), 200)).get("access_token").asText();
        assertTrue(JSON.readTree(ok(app.get("/api/v1/users", admin), 200)).toString()
                .contains("\"username\":\"changer\",\"admin\":false,\"password_change_required\":true"));
        assertEquals(400, app.post("/api/v1/me/password", "{\"current_password\":\"" + PASSWORD
                + "\",\"new_password\":\"short\"}", token).statusCode(), "the policy applies");
        assertEquals(403, app.post("/api/v1/me/password", "{\"current_password\":\"not it at all\","
                + "\"new_password\":\"another long passphrase\"}", token).statusCode());
        assertEquals(204, app.post("/api/v1/me/password", "{\"current_password\":\"" + PASSWORD
                + "\",\"new_password\":\"another long passphrase\"}", token).statusCode());
        assertEquals(401, app.post("/api/v1/auth/token", "{\"username\":\"changer\",\"password\":\"" + PASSWORD
                + "\"}", null).statusCode(), "the old password no longer works");
        JsonNode fresh = JSON.readTree(ok(app.post("/api/v1/auth/token", "{\"username\":\"changer\",\"password\":"
                + "\"another long passphrase\"}", null), 200));
        assertEquals(false, fresh.get("password_change_required").asBoolean());
        Optional<String> bearer = Optional.of(fresh.get("access_token").asText());
        assertEquals(200, call("GET", "/api/v1/me", bearer).statusCode());
        assertEquals(204, call("DELETE", "/api/v1/auth/token", bearer).statusCode());
        assertEquals(401, call("GET", "/api/v1/me", bearer).statusCode(), "a revoked token is dead at once");
        assertEquals(409, app.post("/api/v1/users", "{\"username\":\"CHANGER\",\"password\":\"" + PASSWORD + "\"}",
                admin).statusCode(), "names are case-insensitive and unique");
    }

    @Test
    void aTeamsPoliciesAreItsOwn() throws Exception {
        Optional<String> redAdmin = TOKENS.get("red-admin");
        HttpResponse<String> orgWide = send("POST", "/api/v1/policies", "{\"name\":\"Everyone\"}", redAdmin);
        assertEquals(403, orgWide.statusCode(), "organisation-wide policies are Admins' " + orgWide.body());
        JsonNode red = JSON.readTree(ok(send("POST", "/api/v1/policies",
                "{\"name\":\"Red strict\",\"team\":\"red\",\"based_on\":\"Max Alert\"}", redAdmin), 201));
        assertEquals(JSON.readTree(ok(call("GET", "/api/v1/me", redAdmin), 200)).get("teams").get(0).get("id").asLong(),
                red.get("team_id").asLong());
        assertEquals(403, send("POST", "/api/v1/policies", "{\"name\":\"Blue x\",\"team\":\"blue\"}", redAdmin)
                .statusCode(), "not in another team");
        assertTrue(ok(call("GET", "/api/v1/policies", TOKENS.get("red-viewer")), 200).contains("Red strict"));
        assertTrue(!ok(call("GET", "/api/v1/policies", TOKENS.get("blue-dev")), 200).contains("Red strict"),
                "another team's policy is invisible");
        assertEquals(404, call("GET", "/api/v1/policies/" + red.get("id").asLong(), TOKENS.get("blue-dev")).statusCode());
        assertEquals(403, send("PUT", "/api/v1/policies/" + red.get("id").asLong(), "{\"description\":\"x\"}",
                TOKENS.get("red-dev")).statusCode(), "Developers do not edit policies");
        assertEquals(200, send("PUT", "/api/v1/policies/" + red.get("id").asLong(), "{\"description\":\"tuned\"}",
                redAdmin).statusCode());
        assertEquals(204, call("DELETE", "/api/v1/policies/" + red.get("id").asLong(), redAdmin).statusCode());
    }

    @Test
    void repeatedFailuresLockTheAccount() throws Exception {
        String admin = app.apiToken();
        ok(app.post("/api/v1/users", "{\"username\":\"locky\",\"password\":\"" + PASSWORD + "\"}", admin), 201);
        for (int i = 0; i < 5; i++) {
            assertEquals(401, app.post("/api/v1/auth/token", "{\"username\":\"locky\",\"password\":\"guess " + i + "\"}",
                    null).statusCode());
        }
        assertEquals(401, app.post("/api/v1/auth/token", "{\"username\":\"locky\",\"password\":\"" + PASSWORD + "\"}",
                null).statusCode(), "locked: even the right password is refused for now");
        JsonNode locked = JSON.readTree(ok(call("GET", "/api/v1/audit?action=user.locked", TOKENS.get("admin")), 200));
        assertTrue(locked.get("entries").toString().contains("locky"), locked.toString());
    }

    static HttpResponse<String> send(String method, String path, String body, Optional<String> token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://localhost:" + app.appliance().httpsPort() + path))
                .header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> form(String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("https://localhost:" + app.appliance().httpsPort()
                        + "/api/v1/auth/token")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static long events(String path, String subject) throws Exception {
        return JSON.readTree(ok(call("GET", path, TOKENS.get(subject)), 200)).get("events").size();
    }
}
