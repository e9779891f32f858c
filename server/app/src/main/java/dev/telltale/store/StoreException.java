package dev.telltale.store;

/** The event store cannot read or write its indexes. */
public class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
