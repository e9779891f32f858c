package dev.telltale.sso;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The configured provider as this appliance talks to it: its discovery document (cached for an
 * hour), the authorization request, the code exchange and ID token validation against its keys
 * (cached by nimbus, refreshed when a token names a key not yet seen). One instance per version of
 * the settings.
 */
final class Provider implements AutoCloseable {
    static final Duration DISCOVERY_TTL = Duration.ofHours(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The settings a provider connection is made from. {@link #toString} hides the secret. */
    record Client(String issuer, String clientId, String clientSecret, List<String> scopes,
                  Optional<String> trustedCaPem) {
        @Override
        public String toString() {
            return "Client[issuer=" + issuer + ", clientId=" + clientId + "]";
        }
    }

    private record Known(Discovery discovery, IdTokenValidator validator, Instant fetchedAt) {
    }

    private final Client client;
    private final ProviderHttp http;
    private final Clock clock;
    private Known known;

    Provider(Client client, Clock clock) {
        this.client = client;
        this.clock = clock;
        this.http = new ProviderHttp(client.trustedCaPem());
    }

    String issuer() {
        return client.issuer();
    }

    /** Where to send the browser for a sign-in (the authorization request with PKCE S256). */
    URI authorizationUrl(PendingLogins.Pending p) {
        Discovery d = known().discovery();
        d.requireS256();
        Map<String, String> q = new LinkedHashMap<>();
        q.put("response_type", "code");
        q.put("client_id", client.clientId());
        q.put("redirect_uri", p.redirectUri().toString());
        q.put("scope", String.join(" ", client.scopes()));
        q.put("state", p.state());
        q.put("nonce", p.nonce());
        q.put("code_challenge", Randoms.challenge(p.verifier()));
        q.put("code_challenge_method", "S256");
        StringBuilder url = new StringBuilder(d.authorizationEndpoint().toString());
        char sep = d.authorizationEndpoint().getRawQuery() == null ? '?' : '&';
        for (var e : q.entrySet()) {
            url.append(sep).append(ProviderHttp.encode(e.getKey())).append('=').append(ProviderHttp.encode(e.getValue()));
            sep = '&';
        }
        return URI.create(url.toString());
    }

    /**
     * Exchanges an authorization code, with the sign-in's PKCE verifier, for the ID token's claims.
     *
     * @throws SsoException REFUSED when the provider refuses the code or the token is invalid,
     *                      PROVIDER_UNAVAILABLE when it cannot be reached
     */
    JWTClaimsSet redeem(String code, PendingLogins.Pending p) {
        Known k = known();
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", p.redirectUri().toString());
        form.put("code_verifier", p.verifier());
        Optional<String> basic = Optional.empty();
        if (k.discovery().basicAuth()) {
            basic = Optional.of(Base64.getEncoder().encodeToString((ProviderHttp.encode(client.clientId()) + ":"
                    + ProviderHttp.encode(client.clientSecret())).getBytes(StandardCharsets.UTF_8)));
        } else {
            form.put("client_id", client.clientId());
            form.put("client_secret", client.clientSecret());
        }
        ProviderHttp.Response r;
        try {
            r = http.postForm(k.discovery().tokenEndpoint(), form, basic);
        } catch (IOException e) {
            throw SsoException.unavailable("cannot reach the provider's token endpoint: " + e.getMessage());
        }
        return k.validator().validate(idToken(r), p.nonce());
    }

    private static String idToken(ProviderHttp.Response r) {
        JsonNode body = json(r.body());
        if (!r.ok()) {
            String why = Text.clean(body.path("error").asText("HTTP " + r.status()), 100);
            String detail = Text.clean(body.path("error_description").asText(""), 300);
            String message = "the provider refused the code exchange: " + why + (detail.isEmpty() ? "" : " (" + detail + ")");
            throw r.status() >= 500 ? SsoException.unavailable(message) : SsoException.refused(message);
        }
        JsonNode t = body.get("id_token");
        if (t == null || !t.isTextual()) {
            throw SsoException.refused("the provider's token response has no ID token (is 'openid' among the scopes?)");
        }
        return t.asText();
    }

    private static JsonNode json(byte[] body) {
        try {
            JsonNode n = JSON.readTree(body);
            return n == null ? JSON.createObjectNode() : n;
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    /** The discovery document and a validator for its keys, fetched when missing or older than an hour. */
    private synchronized Known known() {
        Instant now = clock.instant();
        if (known == null || !now.isBefore(known.fetchedAt().plus(DISCOVERY_TTL))) {
            Discovery d = fetchDiscovery();
            known = new Known(d, new IdTokenValidator(client.issuer(), client.clientId(), keys(d), clock), now);
        }
        return known;
    }

    private Discovery fetchDiscovery() {
        URI where = Discovery.location(client.issuer());
        ProviderHttp.Response r;
        try {
            r = http.get(where);
        } catch (IOException e) {
            throw SsoException.unavailable("cannot reach the provider at " + where + ": " + e.getMessage());
        }
        if (!r.ok()) {
            throw SsoException.unavailable("the provider's discovery document " + where + " answered HTTP " + r.status());
        }
        return Discovery.parse(r.body(), client.issuer());
    }

    private JWKSource<SecurityContext> keys(Discovery d) {
        try {
            // Cached five minutes, refreshed at most every 30 s when a token names an unknown key; no
            // refresh-ahead, which would keep a thread per key source alive.
            return JWKSourceBuilder.<SecurityContext>create(d.jwksUri().toURL(), http).refreshAheadCache(false).build();
        } catch (MalformedURLException e) {
            throw SsoException.unavailable("the provider's jwks_uri is not a URL: " + d.jwksUri());
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
