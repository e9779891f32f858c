package dev.telltale.upgrade;

/** An upgrade cannot be staged, started or applied; the message says why in an operator's words. */
public class UpgradeException extends RuntimeException {
    /** What kind of refusal, for the HTTP status it maps to. */
    public enum Kind { BAD_REQUEST, NOT_FOUND, CONFLICT, TOO_LARGE, FAILED }

    private final Kind kind;

    public UpgradeException(String message) {
        this(Kind.FAILED, message);
    }

    public UpgradeException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public UpgradeException(String message, Throwable cause) {
        super(message, cause);
        this.kind = Kind.FAILED;
    }

    public Kind kind() {
        return kind;
    }
}
