package dev.telltale.protocol;

import java.util.Optional;

/**
 * Error codes carried by ERROR frames (docs/protocol.md, "Errors").
 * A fatal code means the sender closes the connection after the frame.
 */
public enum ErrorCode {
    UNSUPPORTED_VERSION(1, true),
    HELLO_REQUIRED(2, true),
    AUTH_FAILED(3, true),
    FRAME_TOO_LARGE(4, true),
    MALFORMED_FRAME(5, true),
    UNKNOWN_FRAME_TYPE(6, true),
    DECOMPRESSION_FAILED(7, true),
    PAYLOAD_TOO_LARGE(8, true),
    OUT_OF_ORDER(9, false),
    EVENT_REJECTED(10, false),
    TOKEN_REVOKED(11, true),
    INTERNAL(13, true),
    SUPERSEDED(14, true),
    IDLE_TIMEOUT(15, true),
    BAD_HELLO(16, true),
    SHUTTING_DOWN(17, true);

    private final int code;
    private final boolean fatal;

    ErrorCode(int code, boolean fatal) {
        this.code = code;
        this.fatal = fatal;
    }

    public int code() {
        return code;
    }

    /** Whether the connection is closed after an error of this code. */
    public boolean fatal() {
        return fatal;
    }

    public static Optional<ErrorCode> of(long code) {
        for (ErrorCode c : values()) {
            if (c.code == code) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
