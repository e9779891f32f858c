package dev.telltale.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.Appliance;
import dev.telltale.Main;
import dev.telltale.protocol.Compression;
import dev.telltale.protocol.Hello;
import dev.telltale.protocol.client.AgentConnection;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
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
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A real appliance started in this JVM on free ports under a temporary data directory, with
 * an HTTPS client and agent connections that trust only its CA.
 */
public final class RunningAppliance implements AutoCloseable {
    public static final String ADMIN_PASSWORD = "correct-horse-battery-staple";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Appliance appliance;
    private final SSLContext tls;
    private final HttpClient http;
    private String apiToken;

    private RunningAppliance(Appliance appliance) throws Exception {
        this.appliance = appliance;
        this.tls = trusting(appliance.dataDir().resolve("tls/ca.crt"));
        this.http = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** Starts an appliance; {@code yaml} is extra configuration under the root (may be empty). */
    public static RunningAppliance start(Path dataDir, String yaml) throws Exception {
        Path config = Files.createDirectories(dataDir).resolve("test-config.yaml");
        Files.writeString(config, yaml);
        Appliance a = Appliance.start(Main.load(new String[]{"--data", dataDir.toString(), "--https-port", "0",
                "--ingest-port", "0", "--config", config.toString()}), Map.of("TELLTALE_ADMIN_PASSWORD", ADMIN_PASSWORD));
        return new RunningAppliance(a);
    }

    /**
     * Starts an appliance as on a new machine: the admin password is generated, written to
     * {@code DATA/initial-admin-password} and must be changed at first sign-in.
     */
    public static RunningAppliance startFresh(Path dataDir, String yaml) throws Exception {
        Path config = Files.createDirectories(dataDir).resolve("test-config.yaml");
        Files.writeString(config, yaml);
        Appliance a = Appliance.start(Main.load(new String[]{"--data", dataDir.toString(), "--https-port", "0",
                "--ingest-port", "0", "--config", config.toString()}), Map.of());
        return new RunningAppliance(a);
    }

    /** The generated admin password of {@link #startFresh}. */
    public String initialAdminPassword() throws IOException {
        return Files.readString(dataDir().resolve("initial-admin-password")).trim();
    }

    public static SSLContext trusting(Path caPem) throws Exception {
        X509Certificate ca;
        try (InputStream in = Files.newInputStream(caPem)) {
            ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        ks.setCertificateEntry("telltale-ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    public Appliance appliance() {
        return appliance;
    }

    public SSLContext tls() {
        return tls;
    }

    public int ingestPort() {
        return appliance.ingestPort();
    }

    public Path dataDir() {
        return appliance.dataDir();
    }

    public String apiToken() throws Exception {
        if (apiToken == null) {
            var r = post("/api/v1/auth/token", "{\"username\":\"admin\",\"password\":\"" + ADMIN_PASSWORD + "\"}", null);
            if (r.statusCode() != 200) {
                throw new IllegalStateException("login failed: " + r.body());
            }
            apiToken = JSON.readTree(r.body()).get("access_token").asText();
        }
        return apiToken;
    }

    /** Creates a run token for the named team (the default team when empty). */
    public CreatedToken runToken(Optional<String> team) throws Exception {
        String body = team.map(t -> "{\"name\":\"test\",\"team\":\"" + t + "\"}").orElse("{\"name\":\"test\"}");
        var r = post("/api/v1/run-tokens", body, apiToken());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("run token creation failed: " + r.body());
        }
        JsonNode n = JSON.readTree(r.body());
        return new CreatedToken(n.get("id").asLong(), n.get("token").asText());
    }

    public record CreatedToken(long id, String token) {
    }

    public HttpResponse<String> get(String pathAndQuery, String bearer) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://localhost:" + appliance.httpsPort() + pathAndQuery))
                .timeout(Duration.ofSeconds(30)).GET();
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> post(String path, String json, String bearer) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://localhost:" + appliance.httpsPort() + path))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> put(String path, String json, String bearer) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("https://localhost:" + appliance.httpsPort() + path))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + bearer).PUT(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> delete(String path, String bearer) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("https://localhost:" + appliance.httpsPort() + path))
                .header("Authorization", "Bearer " + bearer).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Searches through the API after making everything indexed searchable. */
    public JsonNode search(String q) throws Exception {
        appliance.store().refreshNow();
        var r = get("/api/v1/events?limit=1000&q=" + URLEncoder.encode(q, StandardCharsets.UTF_8), apiToken());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("search failed: " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** Waits until the query finds at least {@code n} events, then returns them. */
    public JsonNode awaitSearch(String q, int n) throws Exception {
        long deadline = System.currentTimeMillis() + 15_000;
        JsonNode res;
        do {
            res = search(q);
            if (res.get("events").size() >= n) {
                return res;
            }
            Thread.sleep(50);
        } while (System.currentTimeMillis() < deadline);
        return res;
    }

    public AgentConnection connect() throws IOException {
        return AgentConnection.connect(tls, "localhost", ingestPort(), 10_000);
    }

    public static Hello hello(String token, String instance, Compression compression) {
        return new Hello(1, token, instance, "native", "0.1.0", "host-" + instance, "shop", "checkout", "1.4.2",
                Optional.empty(), compression, Optional.empty());
    }

    public static String newInstance() {
        return "agent-" + UUID.randomUUID();
    }

    @Override
    public void close() {
        appliance.close();
    }
}
