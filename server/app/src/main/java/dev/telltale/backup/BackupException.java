package dev.telltale.backup;

/** A backup, export or restore that cannot be done; the message says why in an operator's words. */
public final class BackupException extends RuntimeException {
    /** What kind of refusal: the API maps each to a status. */
    public enum Reason { NOT_FOUND, INVALID, CONFLICT, FAILED }

    private final Reason reason;
    private final java.util.Map<String, String> fieldErrors;

    BackupException(Reason reason, String message) {
        super(message);
        this.reason = reason;
        this.fieldErrors = java.util.Map.of();
    }

    /** Settings refused: one message per bad field, keyed by the API's field name. */
    BackupException(java.util.Map<String, String> fieldErrors) {
        super("invalid backup settings: " + String.join("; ", fieldErrors.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).toList()));
        this.reason = Reason.INVALID;
        this.fieldErrors = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fieldErrors));
    }

    BackupException(String message, Throwable cause) {
        super(message + (cause.getMessage() == null ? "" : ": " + cause.getMessage()), cause);
        this.reason = Reason.FAILED;
        this.fieldErrors = java.util.Map.of();
    }

    /** For refused settings, the message for each bad field (API names such as {@code target.host}); else empty. */
    public java.util.Map<String, String> fieldErrors() {
        return fieldErrors;
    }

    public Reason reason() {
        return reason;
    }
}
