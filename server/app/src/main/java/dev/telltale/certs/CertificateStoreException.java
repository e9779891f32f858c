package dev.telltale.certs;

/**
 * The TLS material under {@code DATA/tls} cannot be created, read or trusted, for example
 * because the CA key is missing or does not match the CA certificate. The message says which
 * file and what an operator can do about it.
 */
public class CertificateStoreException extends RuntimeException {

    public CertificateStoreException(String message) {
        super(message);
    }

    public CertificateStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
