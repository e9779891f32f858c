package dev.telltale.downloads;

/** Agent bundles cannot be read. */
public class DownloadException extends RuntimeException {
    public DownloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
