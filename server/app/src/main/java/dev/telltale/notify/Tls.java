package dev.telltale.notify;

import dev.telltale.certs.TrustAnchors;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/** Trust for outbound notifications: the JDK's CAs plus configured ones (an enterprise CA, a SIEM's own CA). */
final class Tls {
    private Tls() {
    }

    /** @see TrustAnchors#parse */
    static List<X509Certificate> parse(String pem) {
        return TrustAnchors.parse(pem);
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
        return TrustAnchors.context(pems, "outbound notifications");
    }
}
