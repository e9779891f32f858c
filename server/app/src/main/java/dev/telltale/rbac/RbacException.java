package dev.telltale.rbac;

/** An access-control request that cannot be done; {@link #kind()} says why. */
public final class RbacException extends RuntimeException {
    public enum Kind { NOT_FOUND, INVALID, CONFLICT }

    private final Kind kind;

    public RbacException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
