package dev.telltale.vulndb;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A running import's counters, updated by the import thread and read by status requests. */
final class JobProgress {
    static final int SAMPLES = 10;

    private final long id;
    private final String source;
    private final String actor;
    private final Instant created;
    private ImportJob.State state = ImportJob.State.QUEUED;
    private int total;
    private int processed;
    private int imported;
    private int skipped;
    private int removed;
    private int invalid;
    private final List<ImportJob.Invalid> samples = new ArrayList<>();
    private String error;
    private Instant finished;

    JobProgress(long id, String source, String actor, Instant created) {
        this.id = id;
        this.source = source;
        this.actor = actor;
        this.created = created;
    }

    long id() {
        return id;
    }

    synchronized void running(int total) {
        this.state = ImportJob.State.RUNNING;
        this.total = total;
    }

    synchronized void imported() {
        imported++;
        processed++;
    }

    synchronized void skipped() {
        skipped++;
        processed++;
    }

    synchronized void removed() {
        removed++;
        processed++;
    }

    /** An invalid record; {@code processed} counts it when it was one of the {@code total} records. */
    synchronized void invalid(String record, String reason, boolean counted) {
        invalid++;
        if (counted) {
            processed++;
        }
        if (samples.size() < SAMPLES) {
            samples.add(new ImportJob.Invalid(record, reason));
        }
    }

    /** Marks success unless the job already failed. */
    synchronized void succeeded(Instant at) {
        if (state != ImportJob.State.FAILED) {
            state = ImportJob.State.SUCCEEDED;
            finished = at;
        }
    }

    synchronized void failed(String why, Instant at) {
        state = ImportJob.State.FAILED;
        error = why;
        finished = at;
    }

    synchronized ImportJob snapshot() {
        return new ImportJob(id, source, actor, state, total, processed, imported, skipped, removed, invalid, samples,
                Optional.ofNullable(error), created, Optional.ofNullable(finished));
    }
}
