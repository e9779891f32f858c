package dev.telltale.protocol;

/**
 * Raised when bytes received from a peer violate docs/protocol.md. Carries the error code
 * the receiver answers with; the message is safe to send back to the peer.
 */
public class ProtocolException extends RuntimeException {
    private final ErrorCode code;

    public ProtocolException(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
