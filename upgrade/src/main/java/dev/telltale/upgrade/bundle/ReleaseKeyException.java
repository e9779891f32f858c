package dev.telltale.upgrade.bundle;

/** A release key file is missing, unreadable, not Ed25519 or not protected; the message names the file. */
public final class ReleaseKeyException extends RuntimeException {

    ReleaseKeyException(String message) {
        super(message);
    }

    ReleaseKeyException(String message, Throwable cause) {
        super(message, cause);
    }
}
