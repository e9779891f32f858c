package dev.telltale.certs;

import java.util.Arrays;
import java.util.Optional;

/**
 * A certificate an Admin hands in: either a PEM chain (server certificate first or in any
 * order the validation explains) with a PEM private key (PKCS#8, PKCS#1/SEC1, or encrypted with
 * {@code passphrase}), or a PEM chain alone to pair with the key of the pending signing
 * request, or a PKCS#12 file (with {@code passphrase}).
 */
public record Upload(Optional<String> chainPem, Optional<String> keyPem, Optional<String> passphrase,
                     Optional<byte[]> pkcs12) {
    public Upload {
        pkcs12 = pkcs12.map(b -> Arrays.copyOf(b, b.length));
    }

    public static Upload pem(String chainPem, Optional<String> keyPem, Optional<String> passphrase) {
        return new Upload(Optional.of(chainPem), keyPem, passphrase, Optional.empty());
    }

    public static Upload pkcs12(byte[] file, Optional<String> passphrase) {
        return new Upload(Optional.empty(), Optional.empty(), passphrase, Optional.of(file));
    }

    @Override
    public String toString() {
        return "Upload[chain=" + chainPem.isPresent() + ", key=" + keyPem.isPresent() + ", pkcs12=" + pkcs12.isPresent()
                + "]"; // never the key or passphrase
    }
}
