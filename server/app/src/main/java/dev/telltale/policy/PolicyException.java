package dev.telltale.policy;

/** A policy request that cannot be done; {@link #kind()} says why (the API maps it to a status). */
public final class PolicyException extends RuntimeException {
    public enum Kind { INVALID, NOT_FOUND, CONFLICT, READ_ONLY }

    private final Kind kind;

    public PolicyException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    static PolicyException invalid(String message) {
        return new PolicyException(Kind.INVALID, message);
    }

    static PolicyException notFound(String message) {
        return new PolicyException(Kind.NOT_FOUND, message);
    }
}
