package dev.telltale.alerts;

/**
 * A triage request refused: the state machine does not allow the change (a {@link #conflict()},
 * e.g. FIXED by hand or ACKNOWLEDGED twice), or the request itself is malformed (missing or
 * out-of-range expiry, comment length). The message is safe to show to the user.
 */
public class InvalidTransitionException extends RuntimeException {
    private final boolean conflict;

    private InvalidTransitionException(String message, boolean conflict) {
        super(message, null, false, false);
        this.conflict = conflict;
    }

    /** The occurrence's current state does not allow the change (HTTP 409). */
    static InvalidTransitionException conflict(String message) {
        return new InvalidTransitionException(message, true);
    }

    /** The request is invalid whatever the state (HTTP 400). */
    static InvalidTransitionException invalid(String message) {
        return new InvalidTransitionException(message, false);
    }

    /** True when the current state is the reason; false when the request itself is invalid. */
    public boolean conflict() {
        return conflict;
    }
}
