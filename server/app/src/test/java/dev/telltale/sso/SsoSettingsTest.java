package dev.telltale.sso;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.testing.RunningAppliance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The single sign-on settings API: organisation Admins only, validated field by field with
 * messages that name the field, audited, and the client secret write-only and sealed at rest.
 */
class SsoSettingsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SECRET = "okta-client-secret-QmV0dGVyIG5vdCBzaG93IHVw";
    static final String ISSUER = "https://example.okta.com/oauth2/default";

    @TempDir
    static Path data;
    static RunningAppliance app;
    static String admin;

    @BeforeAll
    static void start() throws Exception {
        app = RunningAppliance.start(data, "");
        admin = app.apiToken();
        ok(app.post("/api/v1/teams", "{\"name\":\"red\"}", admin), 201);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    static String ok(HttpResponse<String> r, int status) {
        assertEquals(status, r.statusCode(), r.body());
        return r.body();
    }

    static ObjectNode valid() {
        ObjectNode s = JSON.createObjectNode().put("enabled", true).put("issuer", ISSUER).put("client_id", "0oa1b2c3")
                .put("client_secret", SECRET);
        s.putArray("scopes").add("openid").add("profile").add("groups");
        s.putArray("group_mappings").addObject().put("group", "Telltale Red").put("team", "red").put("role", "developer");
        s.putArray("admin_groups").add("Telltale Admins");
        return s;
    }

    @Test
    void initiallyOffWithDefaultsAndTheRedirectUriToRegister() throws Exception {
        // Runs first or not: an empty data directory of its own would be slower; check what holds either way.
        JsonNode s = JSON.readTree(ok(app.get("/api/v1/sso", admin), 200));
        assertEquals("https://localhost:" + app.appliance().httpsPort() + "/sso/callback", s.get("redirect_uri").asText());
        assertFalse(s.has("client_secret"));
        assertTrue(s.has("client_secret_set"));
        assertEquals("groups", s.get("groups_claim").asText(s.toString()));
        assertEquals("preferred_username", s.get("username_claim").asText());
    }

    @Test
    void invalidSettingsAreRefusedNamingTheField() throws Exception {
        int changes = changes();
        List<String> wrong = new ArrayList<>();
        check(wrong, "{}", "'enabled' is required");
        check(wrong, valid().put("issuer", "http://example.okta.com").toString(), "'issuer' must be an https URL");
        check(wrong, valid().put("issuer", "https://example.okta.com/?x=1").toString(), "'issuer' must not have");
        check(wrong, valid().put("issuer", "").toString(), "'issuer' is required");
        check(wrong, valid().put("client_id", "has space").toString(), "'client_id'");
        check(wrong, valid().put("groups_claim", "").put("username_claim", "a b").toString(), "'username_claim'");
        check(wrong, valid().put("trusted_ca_pem", "-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----")
                .toString(), "'trusted_ca_pem'");
        check(wrong, valid().put("trusted_ca_pem", "just text").toString(), "'trusted_ca_pem' must hold PEM");
        ObjectNode scopes = valid();
        scopes.putArray("scopes").add("profile");
        check(wrong, scopes.toString(), "'scopes' must include openid");
        scopes.putArray("scopes").add("openid").add("bad\"scope");
        check(wrong, scopes.toString(), "'scopes[1]'");
        ObjectNode mapping = valid();
        mapping.putArray("group_mappings").addObject().put("group", "g").put("team", "red").put("role", "OWNER");
        check(wrong, mapping.toString(), "'group_mappings[0].role' must be one of");
        mapping.putArray("group_mappings").addObject().put("group", "g").put("team", "red").put("role", "VIEWER");
        ((com.fasterxml.jackson.databind.node.ArrayNode) mapping.get("group_mappings")).addObject()
                .put("group", "h").put("team", "no such team").put("role", "VIEWER");
        check(wrong, mapping.toString(), "'group_mappings[1].team' names no team");
        mapping.putArray("group_mappings").addObject().put("group", "g").put("team", "red").put("role", "VIEWER")
                .put("teem", "x");
        check(wrong, mapping.toString(), "unknown field 'group_mappings[0].teem'");
        ObjectNode def = valid();
        def.putObject("default_access").put("team", "nowhere").put("role", "VIEWER");
        check(wrong, def.toString(), "'default_access.team' names no team");
        ObjectNode admins = valid();
        admins.putArray("admin_groups").add("");
        check(wrong, admins.toString(), "'admin_groups[0]'");
        check(wrong, valid().put("clientSecret", "typo").toString(), "unknown field 'clientSecret'");
        check(wrong, valid().put("enabled", "yes").toString(), "'enabled' is required: true or false");
        assertEquals(List.of(), wrong);
        assertEquals(changes, changes(), "refused changes change nothing and are not recorded as changes");
    }

    static int changes() throws Exception {
        return JSON.readTree(ok(app.get("/api/v1/audit?action=sso.settings.update", admin), 200)).get("entries").size();
    }

    static void check(List<String> wrong, String body, String expected) throws Exception {
        HttpResponse<String> r = app.put("/api/v1/sso", body, admin);
        String detail = r.statusCode() == 400 ? JSON.readTree(r.body()).get("detail").asText() : r.body();
        if (r.statusCode() != 400 || !detail.contains(expected)) {
            wrong.add(body + " → " + r.statusCode() + " " + detail + " (expected " + expected + ")");
        }
    }

    @Test
    void theClientSecretIsWriteOnlySealedAtRestAndNeverAudited() throws Exception {
        ObjectNode noSecret = valid();
        noSecret.remove("client_secret");
        HttpResponse<String> missing = app.put("/api/v1/sso", noSecret.toString(), admin);
        assertEquals(400, missing.statusCode(), missing.body());
        assertTrue(missing.body().contains("'client_secret' is required"), missing.body());

        String saved = ok(app.put("/api/v1/sso", valid().toString(), admin), 200);
        JsonNode s = JSON.readTree(saved);
        assertFalse(saved.contains(SECRET) || s.has("client_secret"), saved);
        assertTrue(s.get("client_secret_set").asBoolean());
        assertEquals("DEVELOPER", s.get("group_mappings").get(0).get("role").asText());
        assertEquals("admin", s.get("updated_by").asText());
        String read = ok(app.get("/api/v1/sso", admin), 200);
        assertFalse(read.contains(SECRET), read);
        assertEquals(ISSUER, JSON.readTree(read).get("issuer").asText());

        // Saving again without a secret keeps the stored one.
        JsonNode kept = JSON.readTree(ok(app.put("/api/v1/sso", noSecret.put("client_id", "0oa-new").toString(), admin), 200));
        assertTrue(kept.get("client_secret_set").asBoolean());

        try (Connection c = app.appliance().database().dataSource().getConnection();
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT client_secret FROM sso_settings")) {
            assertTrue(rs.next());
            String stored = rs.getString(1);
            assertTrue(stored.startsWith("v1:") && !stored.contains(SECRET), "sealed, not clear: " + stored);
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                app.dataDir().resolve("secrets/settings.key"))));
        String audit = ok(app.get("/api/v1/audit?action=sso.settings.update", admin), 200);
        assertFalse(audit.contains(SECRET), audit);
        assertTrue(audit.contains("client secret replaced") && audit.contains("client secret kept"), audit);
        String export = ok(app.get("/api/v1/audit/export?format=jsonl", admin), 200);
        assertFalse(export.contains(SECRET));
        assertFalse(anyFileContains(app.dataDir(), SECRET), "the clear secret is nowhere on disk");
    }

    static boolean anyFileContains(Path dir, String text) throws Exception {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                if (Files.size(f) < 64L << 20 && indexOf(Files.readAllBytes(f), needle) >= 0) {
                    return true;
                }
            }
        }
        return false;
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void onlyOrganisationAdminsManageSingleSignOn() throws Exception {
        String password = "a long enough password";
        long id = JSON.readTree(ok(app.post("/api/v1/users", "{\"username\":\"red-admin\",\"password\":\"" + password
                + "\"}", admin), 201)).get("id").asLong();
        long red = JSON.readTree(ok(app.get("/api/v1/teams", admin), 200)).get("teams").findValues("id").stream()
                .mapToLong(JsonNode::asLong).max().orElseThrow();
        ok(app.put("/api/v1/teams/" + red + "/members/" + id, "{\"role\":\"TEAM_ADMIN\"}", admin), 200);
        String first = JSON.readTree(ok(app.post("/api/v1/auth/token", "{\"username\":\"red-admin\",\"password\":\""
                + password + "\"}", null), 200)).get("access_token").asText();
        ok(app.post("/api/v1/me/password", "{\"current_password\":\"" + password
                + "\",\"new_password\":\"another long password\"}", first), 204);
        String teamAdmin = JSON.readTree(ok(app.post("/api/v1/auth/token", "{\"username\":\"red-admin\",\"password\":"
                + "\"another long password\"}", null), 200)).get("access_token").asText();
        assertEquals(403, app.get("/api/v1/sso", teamAdmin).statusCode(), "a Team Admin is not an organisation Admin");
        assertEquals(403, app.put("/api/v1/sso", valid().toString(), teamAdmin).statusCode());
        assertEquals(401, app.get("/api/v1/sso", null).statusCode());
    }
}
