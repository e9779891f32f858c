package dev.telltale.sso;

import java.util.Optional;

/**
 * Why single sign-on could not do what was asked. The message is safe to show to the user: it
 * never holds a secret, a token or a code.
 */
public final class SsoException extends RuntimeException {
    /** What went wrong, for the HTTP status. */
    public enum Kind {
        /** A setting is invalid; {@link #field()} names it. */
        INVALID_SETTING,
        /** Single sign-on is not enabled. */
        DISABLED,
        /** The callback request is malformed (no state, no code). */
        BAD_CALLBACK,
        /** The sign-in was refused: replayed or unknown state, invalid ID token, provider denial, name taken. */
        REFUSED,
        /** The provider could not be reached or answered something unusable. */
        PROVIDER_UNAVAILABLE
    }

    private final Kind kind;
    private final Optional<String> field;

    SsoException(Kind kind, String message) {
        this(kind, Optional.empty(), message);
    }

    private SsoException(Kind kind, Optional<String> field, String message) {
        super(message, null, false, false);
        this.kind = kind;
        this.field = field;
    }

    static SsoException invalid(String field, String problem) {
        return new SsoException(Kind.INVALID_SETTING, Optional.of(field), "'" + field + "' " + problem);
    }

    static SsoException refused(String message) {
        return new SsoException(Kind.REFUSED, message);
    }

    static SsoException unavailable(String message) {
        return new SsoException(Kind.PROVIDER_UNAVAILABLE, message);
    }

    public Kind kind() {
        return kind;
    }

    /** The setting at fault, for {@link Kind#INVALID_SETTING}. */
    public Optional<String> field() {
        return field;
    }
}
