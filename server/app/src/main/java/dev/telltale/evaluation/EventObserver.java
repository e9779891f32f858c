package dev.telltale.evaluation;

import dev.telltale.journal.AgentContext;
import dev.telltale.protocol.event.Event;
import dev.telltale.protocol.event.EventType;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Something besides the policies that learns from the evaluated events and stores what it
 * learned in the engine's checkpoint transaction, so it sees every journal record exactly once
 * (the runtime inventory). Called on the engine's thread only; it buffers between checkpoints.
 */
public interface EventObserver {

    /** An observer that wants nothing. */
    EventObserver NONE = new EventObserver() {
        @Override
        public boolean wants(EventType type, String networkOp, byte[] encoded) {
            return false;
        }

        @Override
        public void observe(AgentContext ctx, Event event, long uid, long timeUs, String exe) {
        }

        @Override
        public boolean full() {
            return false;
        }

        @Override
        public Write drain() {
            return tx -> { };
        }
    };

    /**
     * Whether this event is for it, judged before decoding: by {@code type}, {@code networkOp}
     * (the operation of a network event, else null) and at most a cheap look at the {@code encoded}
     * bytes, which it must not keep or change.
     */
    boolean wants(EventType type, String networkOp, byte[] encoded);

    /**
     * One wanted event, after the engine applied it to its process's state; {@code exe} is the
     * executable of that process as the engine knows it ("" when unknown).
     */
    void observe(AgentContext ctx, Event event, long uid, long timeUs, String exe);

    /** True when the buffer has reached its bound: the engine then commits before evaluating further. */
    boolean full();

    /** Takes what was buffered since the last call, to be written with the next checkpoint. */
    Write drain();

    /** Writes buffered facts inside the checkpoint's transaction; may run again after a rollback. */
    @FunctionalInterface
    interface Write {
        void write(Connection tx) throws SQLException;
    }
}
