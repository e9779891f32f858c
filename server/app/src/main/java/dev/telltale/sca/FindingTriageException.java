package dev.telltale.sca;

/**
 * A finding triage request refused: the finding's state (or its alert) does not allow the change
 * ({@link #conflict()}), or the request is malformed (expiry, comment). The message is safe to show.
 */
public class FindingTriageException extends RuntimeException {
    private final boolean conflict;

    FindingTriageException(String message, boolean conflict) {
        super(message, null, false, false);
        this.conflict = conflict;
    }

    /** True when the current state is the reason (HTTP 409); false when the request itself is invalid (400). */
    public boolean conflict() {
        return conflict;
    }
}
