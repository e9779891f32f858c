package dev.telltale.protocol;

import java.util.Optional;

/** Batch payload compression negotiated in HELLO. */
public enum Compression {
    /** Events travel as they are. */
    NONE("none"),
    /**
     * One zstd stream per connection, flushed at the end of every batch, window at most
     * 2^{@value #ZSTD_MAX_WINDOW_LOG} bytes; each batch's compressed bytes decode only after
     * all earlier batches of the same connection.
     */
    ZSTD("zstd");

    public static final int ZSTD_MAX_WINDOW_LOG = 18;

    private final String wireName;

    Compression(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<Compression> of(String name) {
        for (Compression c : values()) {
            if (c.wireName.equals(name)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
