package dev.telltale.protocol;

import java.util.Optional;

/** Frame types (docs/protocol.md, "Frames"). The direction is part of the contract. */
public enum FrameType {
    /** agent → appliance: first frame of a connection. */
    HELLO(1),
    /** appliance → agent: answer to HELLO. */
    WELCOME(2),
    /** agent → appliance: events with sequence numbers. */
    BATCH(3),
    /** appliance → agent: every sequence number up to the one carried is durable. */
    ACK(4),
    /** agent → appliance: declares sequence numbers whose events are lost. */
    GAP(5),
    /** either direction. */
    ERROR(6),
    /** either direction: liveness probe. */
    PING(7),
    /** either direction: answer to PING. */
    PONG(8),
    /** either direction: orderly close. */
    BYE(9);

    private final int code;

    FrameType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static Optional<FrameType> of(int code) {
        for (FrameType t : values()) {
            if (t.code == code) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
