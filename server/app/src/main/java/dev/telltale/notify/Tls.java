package dev.telltale.notify;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Trust for outbound TLS: the JDK's CAs plus configured ones (an enterprise CA, a SIEM's own CA). */
final class Tls {
    static final int MAX_CERTIFICATES = 20;

    private Tls() {
    }

    /**
     * The certificates of a PEM text.
     *
     * @throws IllegalArgumentException when it holds none, too many, or something that is not X.509
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
            throw new IllegalArgumentException("is not valid PEM certificates");
        }
    }

    /** The PEM text of the configured file, read once at start. */
    static Optional<String> read(Optional<Path> file) {
        return file.map(f -> {
            try {
                String pem = Files.readString(f, StandardCharsets.US_ASCII);
                parse(pem);
                return pem;
            } catch (IOException | IllegalArgumentException e) {
                throw new dev.telltale.config.ConfigException("telltale.notify.trusted-ca-file",
                        "cannot read CA certificates from " + f + ": " + e.getMessage());
            }
        });
    }

    /** A TLS context trusting the JDK's CAs and every certificate of {@code pems}. */
    static SSLContext context(List<String> pems) {
        try {
            KeyStore anchors = KeyStore.getInstance("PKCS12");
            anchors.load(null, null);
            int n = 0;
            TrustManagerFactory jdk = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            jdk.init((KeyStore) null);
            for (var tm : jdk.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    for (X509Certificate ca : x.getAcceptedIssuers()) {
                        anchors.setCertificateEntry("jdk-" + n++, ca);
                    }
                }
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
            throw new IllegalStateException("cannot set up TLS for outbound notifications", e);
        }
    }
}
