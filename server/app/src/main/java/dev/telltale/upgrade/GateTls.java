package dev.telltale.upgrade;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.stream.Stream;

/**
 * TLS for the health gate's loopback connections: it trusts the certificate authorities the
 * appliance keeps under {@code DATA/tls} (its own CA, and the CA certificates of an uploaded chain).
 * Host names are not checked (the gate connects to the loopback address, which an uploaded
 * certificate need not name); the chain must still lead to one of those authorities.
 */
final class GateTls {
    private GateTls() {
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return Long.MAX_VALUE;
        }
    }

    static SSLContext context(Path dataDir) {
        try {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            int n = 0;
            try (Stream<Path> files = Files.walk(dataDir.resolve("tls"), 2)) {
                // The server's files: regular ones only (no link followed, no FIFO to hang on), and small.
                for (Path f : files.filter(p -> p.toString().endsWith(".crt") || p.toString().endsWith(".pem"))
                        .filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                        .filter(p -> size(p) <= 1 << 20).toList()) {
                    try (InputStream in = Files.newInputStream(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        for (Certificate c : cf.generateCertificates(in)) {
                            if (c instanceof X509Certificate x && x.getBasicConstraints() >= 0) {
                                ks.setCertificateEntry("ca-" + n++, x);
                            }
                        }
                    } catch (IOException | java.security.cert.CertificateException e) {
                        // not a certificate file (keys live there too)
                    }
                }
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLSv1.3");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new UpgradeException("cannot set up TLS for the health gate: " + e.getMessage(), e);
        }
    }
}
