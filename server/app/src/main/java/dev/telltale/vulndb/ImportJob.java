package dev.telltale.vulndb;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One import, as of when it was read: its source ({@code upload} or {@code directory}), state,
 * how many records it found ({@code total}) and has processed, how many it imported (new or with
 * a newer {@code modified}), skipped (unchanged, or withdrawn and not stored), removed (withdrawn)
 * and found invalid, the first few invalid records with reasons, and why it failed if it did.
 */
public record ImportJob(long id, String source, String actor, State state, int total, int processed, int imported,
                        int skipped, int removed, int invalid, List<Invalid> invalidSamples, Optional<String> error,
                        Instant created, Optional<Instant> finished) {
    public ImportJob {
        invalidSamples = List.copyOf(invalidSamples);
    }

    public enum State { QUEUED, RUNNING, SUCCEEDED, FAILED }

    /** A record that was not imported: its file name (and advisory id when it had one) and why. */
    public record Invalid(String record, String reason) {
    }
}
