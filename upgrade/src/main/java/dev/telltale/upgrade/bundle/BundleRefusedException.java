package dev.telltale.upgrade.bundle;

import java.util.Objects;

/**
 * An upgrade bundle was refused: its {@link #reason()} says which check failed and the message
 * says precisely what was wrong (a file, a key id, two versions). Thrown before anything is
 * written, except by extraction, which writes only files whose bytes matched the manifest.
 */
public final class BundleRefusedException extends RuntimeException {

    /** Why a bundle was refused. */
    public enum Reason {
        /** Not a zip, or a manifest or signature that does not parse. */
        MALFORMED,
        /** No manifest.sig. */
        UNSIGNED,
        /** Signed by a key this appliance does not trust. */
        UNKNOWN_KEY,
        /** The signature does not match the manifest. */
        BAD_SIGNATURE,
        /** An absolute path, "..", a backslash, NUL, an empty segment or a duplicate entry. */
        UNSAFE_PATH,
        /** A file's size or SHA-256 differs from the manifest. */
        TAMPERED,
        /** A file of the manifest is not in the bundle. */
        MISSING_FILE,
        /** A file of the bundle is not in the manifest. */
        UNLISTED_FILE,
        /** The bundle's version is the installed one. */
        SAME_VERSION,
        /** The bundle's version is older than the installed one. */
        DOWNGRADE,
        /** The installed version is older than the bundle's minimum. */
        UNSUPPORTED_PATH,
        /** Too many entries, too many bytes or a compression ratio no real file has. */
        TOO_LARGE
    }

    private final Reason reason;

    /** A refusal for {@code reason} with a message that says what was wrong. */
    public BundleRefusedException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    BundleRefusedException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** Which check refused the bundle. */
    public Reason reason() {
        return reason;
    }
}
