package dev.telltale.loadgen;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/** Live totals of one load run, readable while it runs. */
public final class LoadCounters {
    final LongAdder eventsSent = new LongAdder();
    final LongAdder eventsAcked = new LongAdder();
    final LongAdder batchesSent = new LongAdder();
    final LongAdder frameBytes = new LongAdder();
    final AtomicReference<Throwable> failure = new AtomicReference<>();

    /** Events written to the appliance. */
    public long eventsSent() {
        return eventsSent.sum();
    }

    /** Events the appliance acknowledged as durable. */
    public long eventsAcked() {
        return eventsAcked.sum();
    }

    public long batchesSent() {
        return batchesSent.sum();
    }

    /** Bytes of BATCH frames written (what travels inside TLS), headers included. */
    public long frameBytes() {
        return frameBytes.sum();
    }

    /** The first failure of any agent, or null. */
    public Throwable failure() {
        return failure.get();
    }

    void fail(Throwable t) {
        failure.compareAndSet(null, t);
    }
}
