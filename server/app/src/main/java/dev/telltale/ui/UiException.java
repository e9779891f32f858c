package dev.telltale.ui;

/** A request a page cannot serve, shown to the user as a friendly error page with this status and message. */
public final class UiException extends RuntimeException {
    private final int status;

    public UiException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
