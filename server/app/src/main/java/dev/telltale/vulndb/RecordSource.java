package dev.telltale.vulndb;

import java.io.IOException;
import java.util.Optional;

/** Where an import's OSV records come from: an uploaded zip or a directory. */
interface RecordSource {

    /** One record: its name in the source, and its bytes or why they were not read. */
    record Entry(String name, byte[] json, Optional<String> problem) {
    }

    /** The whole source refused (too many entries, too large, not an archive); nothing is imported. */
    final class Refused extends Exception {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    @FunctionalInterface
    interface Sink {
        void accept(Entry e) throws IOException;
    }

    /**
     * Checks the source against the limits and counts its records; entries that can never be
     * records (unsafe names) go to {@code rejected} and are not counted.
     *
     * @throws Refused when a limit is exceeded
     */
    int scan(Sink rejected) throws IOException, Refused;

    /** Hands each record counted by {@link #scan} to {@code sink}, in order. */
    void forEach(Sink sink) throws IOException, Refused;
}
