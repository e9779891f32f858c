package dev.telltale.sso;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * What the provider's discovery document ({@code {issuer}/.well-known/openid-configuration})
 * says, the parts this appliance uses. Every endpoint must be https.
 */
record Discovery(String issuer, URI authorizationEndpoint, URI tokenEndpoint, URI jwksUri,
                 List<String> tokenAuthMethods, List<String> codeChallengeMethods) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The URL of the discovery document of {@code issuer} (OpenID Connect Discovery 1.0 §4). */
    static URI location(String issuer) {
        String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        return URI.create(base + "/.well-known/openid-configuration");
    }

    /**
     * Reads a discovery document, which must name exactly {@code expectedIssuer} (a provider that
     * answers for another issuer is misconfigured or an impostor).
     *
     * @throws SsoException {@link SsoException.Kind#PROVIDER_UNAVAILABLE} saying what is wrong
     */
    static Discovery parse(byte[] body, String expectedIssuer) {
        JsonNode doc;
        try {
            doc = JSON.readTree(body);
        } catch (IOException e) {
            throw SsoException.unavailable("the provider's discovery document is not JSON");
        }
        if (doc == null || !doc.isObject()) {
            throw SsoException.unavailable("the provider's discovery document is not a JSON object");
        }
        String issuer = text(doc, "issuer");
        if (!issuer.equals(expectedIssuer)) {
            throw SsoException.unavailable("the provider's discovery document names the issuer '" + issuer
                    + "', not the configured '" + expectedIssuer + "'");
        }
        return new Discovery(issuer, https(doc, "authorization_endpoint"), https(doc, "token_endpoint"),
                https(doc, "jwks_uri"), list(doc, "token_endpoint_auth_methods_supported"),
                list(doc, "code_challenge_methods_supported"));
    }

    /**
     * How to authenticate at the token endpoint: {@code client_secret_basic} unless the provider
     * lists only {@code client_secret_post} (no list means basic, the specification's default).
     *
     * @throws SsoException {@link SsoException.Kind#PROVIDER_UNAVAILABLE} when it supports neither
     */
    boolean basicAuth() {
        if (tokenAuthMethods.isEmpty() || tokenAuthMethods.contains("client_secret_basic")) {
            return true;
        }
        if (tokenAuthMethods.contains("client_secret_post")) {
            return false;
        }
        throw SsoException.unavailable("the provider's token endpoint takes neither client_secret_basic nor"
                + " client_secret_post (it lists " + tokenAuthMethods + ")");
    }

    /** A provider that lists its PKCE methods must list S256; one that lists none is trusted to take it. */
    void requireS256() {
        if (!codeChallengeMethods.isEmpty() && !codeChallengeMethods.contains("S256")) {
            throw SsoException.unavailable("the provider does not support PKCE with S256 (it lists "
                    + codeChallengeMethods + ")");
        }
    }

    private static String text(JsonNode doc, String field) {
        JsonNode n = doc.get(field);
        if (n == null || !n.isTextual() || n.asText().isEmpty()) {
            throw SsoException.unavailable("the provider's discovery document lacks '" + field + "'");
        }
        return n.asText();
    }

    private static URI https(JsonNode doc, String field) {
        String s = text(doc, field);
        try {
            URI u = new URI(s);
            if ("https".equalsIgnoreCase(u.getScheme()) && u.getHost() != null && u.getFragment() == null) {
                return u;
            }
        } catch (java.net.URISyntaxException e) {
            // reported below
        }
        throw SsoException.unavailable("the provider's '" + field + "' is not an https URL: " + s);
    }

    private static List<String> list(JsonNode doc, String field) {
        List<String> out = new ArrayList<>();
        JsonNode n = doc.get(field);
        if (n != null && n.isArray()) {
            n.forEach(v -> {
                if (v.isTextual()) {
                    out.add(v.asText());
                }
            });
        }
        return List.copyOf(out);
    }
}
