package dev.telltale.loadgen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The appliance's HTTPS API as benchmarks use it: log in as a user, create run tokens, search,
 * facets, histograms and metrics. Renews its bearer token before it expires. Thread-safe.
 */
public final class ApplianceClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TOKEN_LIFE_NANOS = Duration.ofMinutes(4).toNanos();

    private final HttpClient http;
    private final String base;
    private final String username;
    private final String password;
    private volatile String token;
    private volatile long tokenAt;

    public ApplianceClient(SSLContext tls, String host, int httpsPort, String username, String password) {
        SSLParameters params = new SSLParameters();
        params.setProtocols(new String[]{"TLSv1.3"});
        this.http = HttpClient.newBuilder().sslContext(tls).sslParameters(params).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        this.base = "https://" + host + ":" + httpsPort;
        this.username = username;
        this.password = password;
    }

    private String bearer() throws IOException {
        if (token == null || System.nanoTime() - tokenAt > TOKEN_LIFE_NANOS) {
            synchronized (this) {
                if (token == null || System.nanoTime() - tokenAt > TOKEN_LIFE_NANOS) {
                    ObjectNode body = JSON.createObjectNode().put("username", username).put("password", password);
                    JsonNode r = send(HttpRequest.newBuilder(URI.create(base + "/api/v1/auth/token"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build());
                    token = r.path("access_token").asText();
                    tokenAt = System.nanoTime();
                }
            }
        }
        return token;
    }

    /** Creates a run token for the default team and returns its secret. */
    public String createRunToken(String name) throws IOException {
        ObjectNode body = JSON.createObjectNode().put("name", name);
        return send(authorized(base + "/api/v1/run-tokens").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build()).path("token").asText();
    }

    /** {@code GET /api/v1/events} with the given parameters (q, from, to, limit, after). */
    public JsonNode search(Map<String, String> params) throws IOException {
        return get("/api/v1/events", params);
    }

    public JsonNode facets(Map<String, String> params) throws IOException {
        return get("/api/v1/events/facets", params);
    }

    public JsonNode histogram(Map<String, String> params) throws IOException {
        return get("/api/v1/events/histogram", params);
    }

    /** GET of an API path with query parameters; the parsed JSON answer. */
    public JsonNode get(String path, Map<String, String> params) throws IOException {
        StringBuilder q = new StringBuilder();
        params.forEach((k, v) -> q.append(q.isEmpty() ? "?" : "&").append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return send(authorized(base + path + q).GET().build());
    }

    /**
     * Samples of {@code /metrics} by metric name (labels dropped, the last sample of a name wins),
     * and each labelled sample also under its whole name ({@code x_bucket{le="0.1"}}).
     */
    public Map<String, Double> metrics() throws IOException {
        HttpResponse<String> r = exchange(HttpRequest.newBuilder(URI.create(base + "/metrics")).GET().build());
        Map<String, Double> out = new HashMap<>();
        for (String line : r.body().split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            int brace = line.indexOf('{');
            String name = line.substring(0, brace > 0 && brace < space ? brace : space);
            try {
                double value = Double.parseDouble(line.substring(space + 1));
                out.put(name, value);
                if (brace > 0 && brace < space) {
                    out.put(line.substring(0, space), value); // a histogram bucket keeps its labels too
                }
            } catch (NumberFormatException e) {
                // Not a sample line.
            }
        }
        return out;
    }

    private HttpRequest.Builder authorized(String uri) throws IOException {
        return HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + bearer());
    }

    private JsonNode send(HttpRequest req) throws IOException {
        return JSON.readTree(exchange(req).body());
    }

    private HttpResponse<String> exchange(HttpRequest req) throws IOException {
        try {
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new IOException(req.method() + " " + req.uri().getPath() + " answered " + r.statusCode() + ": "
                        + r.body());
            }
            return r;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
