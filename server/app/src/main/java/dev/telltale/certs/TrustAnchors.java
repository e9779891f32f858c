package dev.telltale.certs;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * Trust for the appliance's outbound TLS (identity providers, webhooks, SIEMs): the JDK's CA
 * certificates plus ones an Admin configured, as PEM. Host names are verified by the callers' clients.
 */
public final class TrustAnchors {
    /** The most certificates one configured PEM text may hold. */
    public static final int MAX_CERTIFICATES = 20;

    private TrustAnchors() {
    }

    /**
     * The certificates of a PEM text.
     *
     * @throws IllegalArgumentException when it holds none, more than {@link #MAX_CERTIFICATES}, or
     *                                  something that is not an X.509 certificate; the message
     *                                  completes a sentence naming the setting ("… must hold …")
     */
    public static List<X509Certificate> parse(String pem) {
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

    /**
     * A TLS context trusting the JDK's CAs and every certificate of {@code pems}.
     *
     * @throws IllegalArgumentException when a PEM text is invalid (see {@link #parse})
     * @throws IllegalStateException    when the JDK cannot build the context ({@code what} names its use)
     */
    public static SSLContext context(List<String> pems, String what) {
        try {
            KeyStore anchors = KeyStore.getInstance("PKCS12");
            anchors.load(null, null);
            int n = 0;
            for (X509Certificate ca : jdkAnchors()) {
                anchors.setCertificateEntry("jdk-" + n++, ca);
            }
            for (String pem : pems) {
                for (X509Certificate ca : parse(pem)) {
                    anchors.setCertificateEntry("configured-" + n++, ca);
                }
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(anchors);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot set up TLS for " + what, e);
        }
    }

    private static List<X509Certificate> jdkAnchors() throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((KeyStore) null);
        List<X509Certificate> out = new ArrayList<>();
        for (var tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) {
                out.addAll(List.of(x.getAcceptedIssuers()));
            }
        }
        return out;
    }
}
