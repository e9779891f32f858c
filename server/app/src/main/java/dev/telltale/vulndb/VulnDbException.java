package dev.telltale.vulndb;

/** A request to the vulnerability database that cannot be served; {@link #kind()} says why. */
public final class VulnDbException extends RuntimeException {
    private final Kind kind;

    public enum Kind {
        /** The archive exceeds {@code max-archive-bytes}. */
        TOO_LARGE,
        /** The upload is not a zip archive. */
        NOT_ZIP,
        /** No {@code import-dir} is configured. */
        NOT_CONFIGURED,
        /** An import runs and the queue of waiting ones is full. */
        BUSY
    }

    VulnDbException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
