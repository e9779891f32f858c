package dev.telltale.store;

import dev.telltale.journal.AgentContext;
import dev.telltale.protocol.event.EventType;
import org.apache.lucene.util.BytesRef;

/**
 * An agent context's keyword terms as UTF-8 bytes. Every document of a batch carries the same
 * context; converting its strings once per batch instead of once per document (and again inside
 * Lucene's token stream for string-valued fields) was 3 % of the appliance's samples. Lucene
 * copies term and doc-value bytes as it indexes, so documents may share these.
 */
record ContextTerms(AgentContext context, BytesRef team, BytesRef app, BytesRef component, BytesRef version,
                    BytesRef host, BytesRef agent) {
    private static final BytesRef[] TYPES = types();

    static ContextTerms of(AgentContext c) {
        return new ContextTerms(c, new BytesRef(Long.toString(c.teamId())), new BytesRef(c.application()),
                new BytesRef(c.component()), new BytesRef(c.version()), new BytesRef(c.hostname()),
                new BytesRef(Long.toString(c.agentId())));
    }

    /** The type's id as bytes; shared by every document of that type. */
    static BytesRef type(EventType t) {
        return TYPES[t.ordinal()];
    }

    private static BytesRef[] types() {
        EventType[] all = EventType.values();
        BytesRef[] out = new BytesRef[all.length];
        for (EventType t : all) {
            out[t.ordinal()] = new BytesRef(t.id());
        }
        return out;
    }
}
