package dev.telltale.certs;

/**
 * An uploaded certificate, key or request was refused; nothing changed. {@link #field()} names
 * the input at fault ({@code chain}, {@code key}, {@code passphrase}, {@code pkcs12} or
 * {@code csr}) and the message says precisely what is wrong, never quoting key material.
 */
public final class CertificateRejectedException extends RuntimeException {
    private final String field;

    public CertificateRejectedException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
