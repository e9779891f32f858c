package dev.telltale.journal;

import dev.telltale.protocol.event.EventType;

/**
 * What a connection hands to the journal: a batch of events with consecutive sequence
 * numbers (already validated and sanitized), or a declared gap.
 */
public sealed interface Submission {
    AgentContext context();

    long firstSeq();

    long count();

    long receivedMs();

    SessionCallback callback();

    /** Approximate memory held while queued, for backpressure. */
    long weight();

    /**
     * Events {@code firstSeq .. firstSeq + encoded.length - 1} in their stored form, with their
     * types and times ({@code dts[i]} microseconds after {@code baseTimeUs}).
     */
    record Batch(AgentContext context, long firstSeq, long baseTimeUs, EventType[] types, long[] dts,
                 byte[][] encoded, long receivedMs, SessionCallback callback, long weight) implements Submission {
        public long count() {
            return encoded.length;
        }
    }

    /** The agent declares sequence numbers {@code firstSeq .. firstSeq + count - 1} lost. */
    record Gap(AgentContext context, long firstSeq, long count, String reason, String detail, long receivedMs,
               SessionCallback callback) implements Submission {
        public long weight() {
            return 256;
        }
    }
}
