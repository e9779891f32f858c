package dev.telltale.store;

/** A search query does not parse or names an impossible range; the message says why. */
public class BadQueryException extends RuntimeException {
    public BadQueryException(String message) {
        super(message);
    }
}
