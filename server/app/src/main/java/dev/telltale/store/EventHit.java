package dev.telltale.store;

import dev.telltale.journal.AgentContext;
import dev.telltale.protocol.event.Event;

/** One search hit: a stored event with its context. */
public record EventHit(long uid, long seq, long tsUs, long receivedMs, AgentContext context, Event event) {

    /** The stable id of an event: agent id and sequence number. */
    public String id() {
        return context.agentId() + "-" + seq;
    }
}
