package dev.telltale.sso;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the appliance trusts when it calls the provider: the JDK's CA certificates, plus the ones
 * an Admin configured for a provider with a private CA. Host names are always verified.
 */
final class TrustedCas {
    static final int MAX_CERTIFICATES = 20;

    private TrustedCas() {
    }

    /**
     * The certificates of a PEM text.
     *
     * @throws IllegalArgumentException when it holds none, more than {@link #MAX_CERTIFICATES}, or
     *                                  something that is not an X.509 certificate
     */
    static List<X509Certificate> parse(String pem) {
        if (!pem.contains("-----BEGIN CERTIFICATE-----")) {
            throw new IllegalArgumentException("must hold PEM certificates (-----BEGIN CERTIFICATE-----)");
        }
        try {
            List<X509Certificate> out = new ArrayList<>();
            for (var c : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty() || out.size() > MAX_CERTIFICATES) {
                throw new IllegalArgumentException("must hold 1-" + MAX_CERTIFICATES + " certificates");
            }
            return out;
        } catch (CertificateException e) {
            throw new IllegalArgumentException("is not valid PEM: " + e.getMessage());
        }
    }

    /** A TLS context trusting the JDK's CAs and {@code extraPem}'s certificates. */
    static SSLContext context(Optional<String> extraPem) {
        try {
            KeyStore anchors = KeyStore.getInstance("PKCS12");
            anchors.load(null, null);
            int n = 0;
            for (X509Certificate ca : jdkAnchors()) {
                anchors.setCertificateEntry("jdk-" + n++, ca);
            }
            for (X509Certificate ca : extraPem.map(TrustedCas::parse).orElse(List.of())) {
                anchors.setCertificateEntry("configured-" + n++, ca);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(anchors);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot set up TLS for the identity provider", e);
        }
    }

    private static X509Certificate[] jdkAnchors() throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((KeyStore) null);
        for (var tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) {
                return x.getAcceptedIssuers();
            }
        }
        return new X509Certificate[0];
    }
}
