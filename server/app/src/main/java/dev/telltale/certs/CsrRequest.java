package dev.telltale.certs;

import java.util.List;
import java.util.Optional;

/**
 * What a certificate signing request asks for: a common name, optionally an organisation,
 * extra subject alternative names (DNS names or IP addresses; the common name is always one),
 * and the key type, {@code EC} (P-256) or {@code RSA} (3072 bits).
 */
public record CsrRequest(String commonName, Optional<String> organization, List<String> extraNames, String keyType) {
    public CsrRequest {
        extraNames = List.copyOf(extraNames);
    }
}
