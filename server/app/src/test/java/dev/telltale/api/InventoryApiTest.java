package dev.telltale.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.sbom.DebianHost;
import dev.telltale.testing.FakeAgent;
import dev.telltale.testing.RunningAppliance;
import dev.telltale.testing.TeamUsers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real agents send a Debian host's packages and their loads; the inventory API shows what was loaded by whom. */
class InventoryApiTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String PATH = "/api/v1/applications/shop/components/checkout/versions/1.4.2/inventory";
    @TempDir
    static Path data;
    static RunningAppliance app;
    static JsonNode inventory;

    @BeforeAll
    static void start() throws Exception {
        app = RunningAppliance.start(data, "");
        long blue = TeamUsers.team(app, "blue");
        TeamUsers.create(app, "bob", Optional.of("VIEWER"), blue);
        TeamUsers.create(app, "dana", Optional.of("DEVELOPER"), TeamUsers.team(app, "default"));
        FakeAgent.send(app, app.runToken(Optional.empty()).token(), "checkout-a", "web-1", "shop", "checkout", "1.4.2",
                DebianHost.session());
        long deadline = System.currentTimeMillis() + 30_000;
        HttpResponse<String> r = app.get(PATH, app.apiToken());
        while (r.statusCode() == 404 && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
            r = app.get(PATH, app.apiToken());
        }
        assertEquals(200, r.statusCode(), r.body());
        inventory = JSON.readTree(r.body());
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    static JsonNode pkg(String name) {
        for (JsonNode p : inventory.get("packages")) {
            if (p.get("name").asText().equals(name)) {
                return p;
            }
        }
        throw new AssertionError("no package " + name + " in " + inventory);
    }

    static String token(String user) throws Exception {
        var r = app.post("/api/v1/auth/token", "{\"username\":\"" + user + "\",\"password\":\"" + TeamUsers.PASSWORD
                + "\"}", null);
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body()).get("access_token").asText();
    }

    @Test
    void theLibraryCurlLoadedIsItsDebianPackageWithWhenAndByWhom() {
        JsonNode ssl = pkg("libssl3");
        assertEquals("pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12", ssl.get("purl").asText());
        assertEquals("os", ssl.get("type").asText());
        assertEquals("Debian:12", ssl.get("ecosystem").asText());
        assertEquals("Apache-2.0", ssl.get("licence").asText());
        assertTrue(ssl.get("loaded").asBoolean());
        assertEquals("[\"/usr/bin/curl\"]", ssl.get("loaded_by").toString());
        assertEquals("[\"" + DebianHost.LIBSSL + "\"]", ssl.get("files").toString());
        Instant first = Instant.parse(ssl.get("first_loaded").asText());
        Instant last = Instant.parse(ssl.get("last_loaded").asText());
        assertFalse(last.isBefore(first));
        assertTrue(Math.abs(first.toEpochMilli() - System.currentTimeMillis()) < 120_000, "the event's time: " + first);
        assertFalse(pkg("openssl").get("loaded").asBoolean());
        assertTrue(pkg("openssl").get("first_loaded").isNull());
    }

    @Test
    void anUnownedLibraryKeepsItsHashAndTheJarIsAMavenPackage() {
        JsonNode own = pkg("libshopcrypt.so.1");
        assertEquals("library", own.get("type").asText());
        assertEquals(DebianHost.UNOWNED_SHA, own.get("hashes").get("SHA-256").asText());
        assertTrue(own.get("loaded").asBoolean());

        JsonNode jar = pkg("spring-core");
        assertEquals("maven", jar.get("type").asText());
        assertEquals(DebianHost.SPRING_PURL, jar.get("purl").asText());
        assertEquals("Maven", jar.get("ecosystem").asText());
        assertEquals(DebianHost.JAR_SHA, jar.get("hashes").get("SHA-256").asText());
        assertEquals("[\"/usr/lib/jvm/java-17-openjdk-amd64/bin/java\"]", jar.get("loaded_by").toString());

        List<String> runtime = new ArrayList<>();
        inventory.get("runtime").forEach(f -> runtime.add(f.get("kind").asText() + " " + f.get("detail").asText()));
        assertTrue(runtime.containsAll(List.of("listen 0.0.0.0:8080", "connect deb.debian.org:443",
                "process /usr/bin/curl")), runtime.toString());
    }

    @Test
    void onlyTheVersionsTeamSeesIt() throws Exception {
        assertEquals(200, app.get(PATH, token("dana")).statusCode(), "a Developer of the team");
        HttpResponse<String> other = app.get(PATH, token("bob"));
        assertEquals(404, other.statusCode(), other.body());
        assertFalse(other.body().contains("libssl3"));
        assertEquals(404, app.get(PATH.replace("1.4.2", "9.9"), app.apiToken()).statusCode());
        HttpResponse<String> bad = app.get(PATH + "?team=blue", app.apiToken());
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("'team'"), bad.body());
    }
}
