package dev.telltale.ingest;

/** The ingestion listener cannot start. */
public class IngestException extends RuntimeException {
    public IngestException(String message, Throwable cause) {
        super(message, cause);
    }
}
