package dev.telltale.db;

/**
 * The relational store failed: it could not be opened or migrated, or a statement failed
 * for a reason the caller cannot fix by changing its input. Wraps the {@link java.sql.SQLException}.
 */
public class DatabaseException extends RuntimeException {

    public DatabaseException(String message, Throwable cause) {
        super(message, cause);
    }
}
