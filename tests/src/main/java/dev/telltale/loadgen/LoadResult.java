package dev.telltale.loadgen;

/** Totals of a finished load run. */
public record LoadResult(long eventsSent, long eventsAcked, long batches, long frameBytes, long elapsedNanos) {
    /** Acknowledged events per second over the whole run, ramp-up and drain included. */
    public double ackedPerSecond() {
        return eventsAcked / (elapsedNanos / 1e9);
    }

    /** BATCH frame bytes per event sent. */
    public double bytesPerEvent() {
        return eventsSent == 0 ? 0 : frameBytes / (double) eventsSent;
    }
}
