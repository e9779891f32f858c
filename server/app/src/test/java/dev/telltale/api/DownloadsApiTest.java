package dev.telltale.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.testing.RunningAppliance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class DownloadsApiTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path data;
    @TempDir
    static Path bundles;
    static RunningAppliance app;
    static byte[] glibc;

    @BeforeAll
    static void start() throws Exception {
        glibc = new byte[300_000];
        new Random(1).nextBytes(glibc);
        Files.write(bundles.resolve("telltale-agent-linux-x86_64-glibc.tar.gz"), glibc);
        Files.writeString(bundles.resolve("secrets.txt"), "not a bundle");
        app = RunningAppliance.start(data, "telltale:\n  downloads:\n    bundles-dir: " + bundles + "\n");
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void bundlesAreListedWithSizeAndChecksum() throws Exception {
        JsonNode list = JSON.readTree(app.get("/api/v1/downloads", app.apiToken()).body()).get("bundles");
        assertEquals(1, list.size(), "only bundle-shaped files are offered");
        JsonNode b = list.get(0);
        assertEquals("telltale-agent-linux-x86_64-glibc.tar.gz", b.get("name").asText());
        assertEquals(glibc.length, b.get("size").asLong());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(glibc)), b.get("sha256").asText());
        assertEquals("glibc", b.get("libc").asText());
    }

    @Test
    void aBundleDownloadsWhole() throws Exception {
        HttpResponse<byte[]> r = fetch("/api/v1/downloads/telltale-agent-linux-x86_64-glibc.tar.gz", app.apiToken());
        assertEquals(200, r.statusCode());
        assertArrayEquals(glibc, r.body());
    }

    @Test
    void nothingElseCanBeFetched() throws Exception {
        assertEquals(401, fetch("/api/v1/downloads/telltale-agent-linux-x86_64-glibc.tar.gz", null).statusCode());
        assertEquals(401, fetch("/api/v1/downloads/telltale-agent-linux-x86_64-glibc.tar.gz?expires=9999999999&signature=00",
                null).statusCode(), "a forged link is refused");
        assertEquals(404, fetch("/api/v1/downloads/secrets.txt", app.apiToken()).statusCode());
        assertEquals(404, fetch("/api/v1/downloads/..%2Fsecrets.txt", app.apiToken()).statusCode());
        assertEquals(404, fetch("/api/v1/downloads/telltale-agent-linux-x86_64-musl.tar.gz", app.apiToken()).statusCode());
    }

    static HttpResponse<byte[]> fetch(String path, String bearer) throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(app.tls()).build();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://localhost:" + app.appliance().httpsPort() + path));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void aTeamConfigurationCarriesAWorkingTokenThePinnedCaAndASignedInstallLink() throws Exception {
        var r = app.post("/api/v1/downloads/config", "{\"libc\":\"glibc\"}", app.apiToken());
        assertEquals(201, r.statusCode(), r.body());
        JsonNode c = JSON.readTree(r.body());
        String config = c.get("config").asText();
        String ca = Files.readString(data.resolve("tls/ca.crt")).strip();
        org.junit.jupiter.api.Assertions.assertTrue(config.contains("portal = localhost:" + app.ingestPort() + "\n"), config);
        org.junit.jupiter.api.Assertions.assertTrue(config.contains("ca = " + ca + "\n"), "the CA to pin, inline");
        String token = config.lines().filter(l -> l.startsWith("token = ")).findFirst().orElseThrow().substring(8);
        try (var conn = app.connect()) {
            conn.hello(RunningAppliance.hello(token, "installed-agent", dev.telltale.protocol.Compression.NONE));
        }
        String install = c.get("install").asText();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("'(https://[^']+)'").matcher(install);
        org.junit.jupiter.api.Assertions.assertTrue(m.find(), install);
        String link = m.group(1).replaceFirst("https://localhost:\\d+", "");
        assertArrayEquals(glibc, fetch(link, null).body(), "the signed link works without an API token");
        assertEquals(401, fetch(link.replace("signature=", "signature=0"), null).statusCode());
        String conf = install.replaceAll(".*echo ([A-Za-z0-9+/=]+) \\| base64 -d > ~/.telltale/telltale.conf.*", "$1");
        assertEquals(config, new String(java.util.Base64.getDecoder().decode(conf), java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(400, app.post("/api/v1/downloads/config", "{\"libc\":\"bsd\"}", app.apiToken()).statusCode());
    }
}
