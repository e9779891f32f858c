package dev.telltale.backup;

/** A backup, export or restore that cannot be done; the message says why in an operator's words. */
public final class BackupException extends RuntimeException {
    /** What kind of refusal: the API maps each to a status. */
    public enum Reason { NOT_FOUND, INVALID, CONFLICT, FAILED }

    private final Reason reason;

    BackupException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    BackupException(String message, Throwable cause) {
        super(message + (cause.getMessage() == null ? "" : ": " + cause.getMessage()), cause);
        this.reason = Reason.FAILED;
    }

    public Reason reason() {
        return reason;
    }
}
