package dev.telltale.sso;

import dev.telltale.certs.TrustAnchors;

import javax.net.ssl.SSLContext;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * What the appliance trusts when it calls the provider: the JDK's CA certificates, plus the ones
 * an Admin configured for a provider with a private CA. Host names are always verified.
 */
final class TrustedCas {
    private TrustedCas() {
    }

    /** @see TrustAnchors#parse */
    static List<X509Certificate> parse(String pem) {
        return TrustAnchors.parse(pem);
    }

    /** A TLS context trusting the JDK's CAs and {@code extraPem}'s certificates. */
    static SSLContext context(Optional<String> extraPem) {
        return TrustAnchors.context(extraPem.map(List::of).orElse(List.of()), "the identity provider");
    }
}
