package dev.telltale.notify;

import java.io.IOException;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * The one outbound HTTP client of the notifications: the configured proxy (CONNECT for https),
 * the JDK's CAs plus the configured ones, no redirects (a redirect could carry a signed body or a
 * token elsewhere), bounded timeouts.
 */
final class Http {
    static final int BODY_MAX = 64 * 1024;
    private final HttpClient client;
    private final NotifyConfig config;
    private final String userAgent;

    Http(NotifyConfig config, Optional<String> trustedCaPem, String version) {
        this.config = config;
        this.userAgent = "Telltale/" + version;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(config.requestTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .sslContext(Tls.context(trustedCaPem.map(java.util.List::of).orElse(java.util.List.of())));
        config.proxy().ifPresent(p -> b.proxy(ProxySelector.of(p)));
        this.client = b.build();
    }

    /** A response's status and (at most 64 KiB of) body. */
    record Response(int status, String body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    Response send(String method, URI uri, Map<String, String> headers, Optional<byte[]> body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(config.requestTimeout())
                .header("User-Agent", userAgent)
                .method(method, body.map(HttpRequest.BodyPublishers::ofByteArray)
                        .orElse(HttpRequest.BodyPublishers.noBody()));
        headers.forEach(b::header);
        HttpResponse<java.io.InputStream> r = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        try (java.io.InputStream in = r.body()) {
            return new Response(r.statusCode(), new String(in.readNBytes(BODY_MAX), StandardCharsets.UTF_8));
        }
    }
}
