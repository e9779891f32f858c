package dev.telltale.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.telltale.certs.CertificateStore;
import dev.telltale.certs.CertsConfig;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A real OpenID Connect provider in the test's JVM, Okta-shaped (issuer
 * {@code https://localhost:PORT/oauth2/default}, endpoints under {@code /v1}), over HTTPS with a
 * certificate from its own BouncyCastle CA: discovery, JWKS, an authorization endpoint that signs
 * in the configured user without asking, and a token endpoint that checks the client secret
 * (HTTP Basic), the single-use code, the redirect URI and the PKCE verifier against the S256
 * challenge, and returns an RS256 ID token signed with nimbus. Knobs make it misbehave the way
 * tests need (another audience, an expired or foreign-signed token, a wrong nonce, a denial).
 */
public final class OidcProvider implements AutoCloseable {
    public static final String CLIENT_ID = "0oa-telltale-test";
    public static final String CLIENT_SECRET = "provider-issued secret: 7f3c9a1e5b";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Who the provider signs in. */
    public record Person(String subject, String username, String email, List<String> groups) {
    }

    /** How the next ID tokens go wrong. */
    public enum Tamper { NONE, WRONG_AUDIENCE, EXPIRED, FOREIGN_KEY, WRONG_NONCE, WRONG_ISSUER_IN_DISCOVERY }

    /** What the token endpoint last received. */
    public record TokenCall(Map<String, String> form, Optional<String> basicAuthorization) {
    }

    private record Grant(String redirectUri, String challenge, String nonce, Person person) {
    }

    private final HttpsServer server;
    private final String caPem;
    private final RSAKey key;
    private final RSAKey foreignKey;
    private final Map<String, Grant> codes = new ConcurrentHashMap<>();
    private volatile Person person = new Person("00u-nobody", "nobody", "nobody@example.com", List.of());
    private volatile Tamper tamper = Tamper.NONE;
    private volatile boolean deny;
    private volatile boolean interactive;
    private volatile TokenCall lastTokenCall;

    private OidcProvider(Path dir) throws Exception {
        CertificateStore certs = CertificateStore.loadOrCreate(dir, new CertsConfig(List.of(), 30));
        this.caPem = certs.caPem();
        this.key = new RSAKeyGenerator(2048).keyID("test-key-1").generate();
        // Same key id, another key: what an attacker signs with.
        this.foreignKey = new RSAKeyGenerator(2048).keyID("test-key-1").generate();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", certs.serverKey(), new char[0], certs.serverChain().toArray(new Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/oauth2/default/", this::handle);
        server.start();
    }

    /** Starts a provider whose CA and certificate live under {@code dir}. */
    public static OidcProvider start(Path dir) throws Exception {
        return new OidcProvider(dir);
    }

    public String issuer() {
        return "https://localhost:" + server.getAddress().getPort() + "/oauth2/default";
    }

    /** The provider's CA certificate (PEM), for the appliance's trusted CA setting. */
    public String caPem() {
        return caPem;
    }

    public void signIn(Person p) {
        person = p;
    }

    public void tamper(Tamper t) {
        tamper = t;
    }

    /**
     * Whether {@code /authorize} shows a page the person clicks through (as a real provider's
     * sign-in page) instead of redirecting at once: the way back is then a navigation the
     * provider's site starts.
     */
    public void interactive(boolean clickThrough) {
        interactive = clickThrough;
    }

    public void deny(boolean refuse) {
        deny = refuse;
    }

    public Optional<TokenCall> lastTokenCall() {
        return Optional.ofNullable(lastTokenCall);
    }

    /** Back to a well-behaved provider. */
    public void reset() {
        interactive = false;
        tamper = Tamper.NONE;
        deny = false;
        lastTokenCall = null;
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String path = x.getRequestURI().getPath().substring("/oauth2/default".length());
            switch (x.getRequestMethod() + " " + path) {
                case "GET /.well-known/openid-configuration" -> json(x, 200, discovery());
                case "GET /v1/keys" -> json(x, 200, new JWKSet(key.toPublicJWK()).toString());
                case "GET /v1/authorize" -> authorize(x);
                case "POST /v1/token" -> token(x);
                default -> json(x, 404, "{\"error\":\"not_found\"}");
            }
        } catch (JOSEException e) {
            throw new IOException(e);
        }
    }

    private String discovery() throws IOException {
        String issuer = tamper == Tamper.WRONG_ISSUER_IN_DISCOVERY ? "https://impostor.example.com" : issuer();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("issuer", issuer);
        d.put("authorization_endpoint", issuer() + "/v1/authorize");
        d.put("token_endpoint", issuer() + "/v1/token");
        d.put("jwks_uri", issuer() + "/v1/keys");
        d.put("response_types_supported", List.of("code"));
        d.put("subject_types_supported", List.of("public"));
        d.put("id_token_signing_alg_values_supported", List.of("RS256"));
        d.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post"));
        d.put("code_challenge_methods_supported", List.of("S256"));
        return JSON.writeValueAsString(d);
    }

    private void authorize(HttpExchange x) throws IOException {
        Map<String, String> q = form(Optional.ofNullable(x.getRequestURI().getRawQuery()).orElse(""));
        for (String required : List.of("client_id", "redirect_uri", "state", "nonce", "code_challenge")) {
            if (!q.containsKey(required)) {
                json(x, 400, "{\"error\":\"invalid_request\",\"error_description\":\"no " + required + "\"}");
                return;
            }
        }
        if (!CLIENT_ID.equals(q.get("client_id")) || !"code".equals(q.get("response_type"))
                || !"S256".equals(q.get("code_challenge_method")) || !q.getOrDefault("scope", "").contains("openid")) {
            json(x, 400, "{\"error\":\"invalid_request\"}");
            return;
        }
        String back = q.get("redirect_uri") + "?state=" + enc(q.get("state"));
        if (deny) {
            back += "&error=access_denied&error_description=" + enc("User is not assigned to the <client> application.");
        } else {
            String code = UUID.randomUUID().toString();
            codes.put(code, new Grant(q.get("redirect_uri"), q.get("code_challenge"), q.get("nonce"), person));
            back += "&code=" + enc(code);
        }
        if (interactive) {
            byte[] page = ("<!doctype html><html><head><title>Provider sign-in</title></head><body>"
                    + "<a id=\"approve\" href=\"" + back.replace("&", "&amp;").replace("\"", "&quot;")
                    + "\">Continue to the application</a></body></html>").getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            x.sendResponseHeaders(200, page.length);
            x.getResponseBody().write(page);
            return;
        }
        x.getResponseHeaders().add("Location", back);
        x.sendResponseHeaders(302, -1);
    }

    private void token(HttpExchange x) throws IOException, JOSEException {
        Map<String, String> f = form(new String(x.getRequestBody().readNBytes(16384), StandardCharsets.US_ASCII));
        Optional<String> basic = Optional.ofNullable(x.getRequestHeaders().getFirst("Authorization"));
        lastTokenCall = new TokenCall(f, basic);
        if (!clientAuthenticated(basic, f)) {
            json(x, 401, "{\"error\":\"invalid_client\",\"error_description\":\"client authentication failed\"}");
            return;
        }
        Grant g = codes.remove(f.getOrDefault("code", ""));
        if (!"authorization_code".equals(f.get("grant_type")) || g == null) {
            json(x, 400, "{\"error\":\"invalid_grant\",\"error_description\":\"the authorization code is invalid or used\"}");
            return;
        }
        if (!g.redirectUri().equals(f.get("redirect_uri"))) {
            json(x, 400, "{\"error\":\"invalid_grant\",\"error_description\":\"redirect_uri mismatch\"}");
            return;
        }
        if (!f.containsKey("code_verifier")) {
            json(x, 400, "{\"error\":\"invalid_request\",\"error_description\":\"PKCE code_verifier is required\"}");
            return;
        }
        if (!s256(f.get("code_verifier")).equals(g.challenge())) {
            json(x, 400, "{\"error\":\"invalid_grant\",\"error_description\":\"PKCE verification failed\"}");
            return;
        }
        json(x, 200, JSON.writeValueAsString(Map.of("access_token", UUID.randomUUID().toString(),
                "token_type", "Bearer", "expires_in", 3600, "scope", "openid profile email groups",
                "id_token", idToken(g))));
    }

    private static boolean clientAuthenticated(Optional<String> basic, Map<String, String> form) {
        if (basic.isEmpty() || !basic.get().startsWith("Basic ")) {
            return false; // this provider, like Okta's default, takes client_secret_basic
        }
        String pair = new String(Base64.getDecoder().decode(basic.get().substring(6)), StandardCharsets.UTF_8);
        int colon = pair.indexOf(':');
        return colon > 0 && !form.containsKey("client_secret")
                && CLIENT_ID.equals(URLDecoder.decode(pair.substring(0, colon), StandardCharsets.UTF_8))
                && CLIENT_SECRET.equals(URLDecoder.decode(pair.substring(colon + 1), StandardCharsets.UTF_8));
    }

    /** An ID token for the grant, signed RS256 — or spoiled the way the current tamper says. */
    private String idToken(Grant g) throws JOSEException {
        Instant now = Instant.now();
        Instant issued = tamper == Tamper.EXPIRED ? now.minus(Duration.ofHours(1)) : now;
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer())
                .subject(g.person().subject())
                .audience(tamper == Tamper.WRONG_AUDIENCE ? "0oa-some-other-application" : CLIENT_ID)
                .issueTime(Date.from(issued))
                .expirationTime(Date.from(issued.plus(Duration.ofMinutes(tamper == Tamper.EXPIRED ? 55 : 60))))
                .claim("nonce", tamper == Tamper.WRONG_NONCE ? "a-nonce-from-another-sign-in" : g.nonce())
                .claim("preferred_username", g.person().username())
                .claim("email", g.person().email())
                .claim("groups", g.person().groups());
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                .type(JOSEObjectType.JWT).build(), claims.build());
        jwt.sign(new RSASSASigner(tamper == Tamper.FOREIGN_KEY ? foreignKey : key));
        return jwt.serialize();
    }

    /** base64url(SHA-256(verifier)), computed here independently of the appliance's code. */
    public static String s256(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> form(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : raw.split("&")) {
            if (!pair.isEmpty()) {
                int eq = pair.indexOf('=');
                out.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                        eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static void json(HttpExchange x, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.getResponseHeaders().add("Cache-Control", "no-store");
        x.sendResponseHeaders(status, b.length);
        x.getResponseBody().write(b);
    }

    /** Where the provider would send the browser next (the Location of a redirect), parsed. */
    public static URI location(java.net.http.HttpResponse<?> r) {
        return URI.create(r.headers().firstValue("location").orElseThrow(() ->
                new AssertionError("no Location in " + r.statusCode() + " " + r.body())));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
