package dev.telltale.journal;

/**
 * How the journal answers a submission. Called on the journal thread: implementations only
 * hand the answer to their connection and never block.
 */
public interface SessionCallback {
    /** Every sequence number up to {@code seq} of this agent is durable. */
    void acked(long seq);

    /** The submission started after the next expected sequence number and was not stored. */
    void outOfOrder(long expected, long firstSeq);

    /** The journal cannot store anything any more; nothing of the submission was acknowledged. */
    void failed(String message);
}
