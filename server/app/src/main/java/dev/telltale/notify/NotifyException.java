package dev.telltale.notify;

/** An integration request the notifications refuse; {@link #reason()} decides the API's status. */
public final class NotifyException extends RuntimeException {
    /** Why: no such integration (in the caller's teams), an invalid value, or a state conflict. */
    public enum Reason { NOT_FOUND, INVALID, CONFLICT }

    private final Reason reason;

    NotifyException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    static NotifyException notFound(long id) {
        return new NotifyException(Reason.NOT_FOUND, "no integration " + id);
    }

    static NotifyException invalid(String message) {
        return new NotifyException(Reason.INVALID, message);
    }

    static NotifyException conflict(String message) {
        return new NotifyException(Reason.CONFLICT, message);
    }

    public Reason reason() {
        return reason;
    }
}
