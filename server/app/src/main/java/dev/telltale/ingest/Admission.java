package dev.telltale.ingest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Who may open an agent session: everyone, or — while an upgrade is applied — only the holder
 * of one run token (the upgrade's health gate). Refused agents get SHUTTING_DOWN, keep their
 * events spooled and retry.
 */
public final class Admission {
    private static final Admission EVERYONE = new Admission(Optional.empty(), "");
    private final Optional<byte[]> only;
    private final String reason;

    private Admission(Optional<byte[]> only, String reason) {
        this.only = only;
        this.reason = reason;
    }

    public static Admission everyone() {
        return EVERYONE;
    }

    /** Only sessions presenting {@code runToken}; others are told {@code reason}. */
    public static Admission only(String runToken, String reason) {
        return new Admission(Optional.of(runToken.getBytes(StandardCharsets.UTF_8)), reason);
    }

    boolean admits(String runToken) {
        return only.map(t -> MessageDigest.isEqual(t, runToken.getBytes(StandardCharsets.UTF_8))).orElse(true);
    }

    boolean restricted() {
        return only.isPresent();
    }

    String reason() {
        return reason;
    }
}
