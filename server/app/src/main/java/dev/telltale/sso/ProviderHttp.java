package dev.telltale.sso;

import com.nimbusds.jose.util.Resource;
import com.nimbusds.jose.util.ResourceRetriever;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * HTTPS calls to the provider: TLS verified against {@link TrustedCas}, bounded connect and
 * response times, bounded response sizes, no redirects followed. Also the JWKS retriever the
 * token validator uses, so key fetches get the same limits.
 */
final class ProviderHttp implements ResourceRetriever, AutoCloseable {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    static final int MAX_RESPONSE_BYTES = 256 * 1024;

    /** A response: status, body (at most {@link #MAX_RESPONSE_BYTES}) and content type. */
    record Response(int status, byte[] body, Optional<String> contentType) {
        boolean ok() {
            return status == 200;
        }
    }

    private final HttpClient http;

    ProviderHttp(Optional<String> trustedCaPem) {
        this.http = HttpClient.newBuilder()
                .sslContext(TrustedCas.context(trustedCaPem))
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** GET {@code uri}, accepting JSON. */
    Response get(URI uri) throws IOException {
        return send(HttpRequest.newBuilder(uri).header("Accept", "application/json").GET());
    }

    /** POST a form to {@code uri}, with HTTP Basic credentials when given. */
    Response postForm(URI uri, Map<String, String> form, Optional<String> basicCredentials) throws IOException {
        String body = form.entrySet().stream().map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("Accept", "application/json")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.US_ASCII));
        basicCredentials.ifPresent(c -> b.header("Authorization", "Basic " + c));
        return send(b);
    }

    @Override
    public Resource retrieveResource(URL url) throws IOException {
        Response r;
        try {
            r = get(url.toURI());
        } catch (URISyntaxException e) {
            throw new IOException("not a URI: " + url, e);
        }
        if (!r.ok()) {
            throw new IOException("the provider's keys answered HTTP " + r.status());
        }
        return new Resource(new String(r.body(), StandardCharsets.UTF_8), r.contentType().orElse(null));
    }

    private Response send(HttpRequest.Builder b) throws IOException {
        try {
            HttpResponse<InputStream> res = http.send(b.timeout(REQUEST_TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = res.body()) {
                byte[] body = in.readNBytes(MAX_RESPONSE_BYTES + 1);
                if (body.length > MAX_RESPONSE_BYTES) {
                    throw new IOException("the response exceeds " + MAX_RESPONSE_BYTES / 1024 + " KiB");
                }
                return new Response(res.statusCode(), body, res.headers().firstValue("Content-Type"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** RFC 6749 appendix B: form encoding, also for the client id and secret in Basic credentials. */
    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        http.shutdown(); // lets exchanges in flight finish, then frees the selector thread
    }
}
