package dev.telltale.policy;

import dev.telltale.journal.AgentContext;
import dev.telltale.protocol.event.Event;
import dev.telltale.protocol.event.EventCodec;
import dev.telltale.protocol.event.EventType;

import java.util.Optional;

/**
 * One event as a rule sees it: the event, where it came from, its store-wide id and time,
 * and the state of its process (and parent) from before the event. The engine reuses one
 * instance; rules must not keep it.
 */
public final class Observation {
    private AgentContext context;
    private Event event;
    private byte[] encoded;
    /** The types whose body field 1 is their operation (for api events, the function called). */
    private static final java.util.Set<EventType> WITH_OP = java.util.EnumSet.of(EventType.FILE, EventType.NETWORK,
            EventType.IDENTITY, EventType.PROCESS, EventType.API);
    private EventType type;
    private String op;
    private long uid;
    private long timeUs;
    private ProcessState process;
    private ProcessState parent;
    private int ruleIndex;

    /** The engine's (and tests') way to point the observation at the next event. */
    public Observation reset(AgentContext context, Event event, long uid, long timeUs, ProcessState process,
                             Optional<ProcessState> parent) {
        this.context = context;
        this.event = event;
        this.encoded = null;
        this.type = event == null ? null : event.type();
        this.op = null;
        this.uid = uid;
        this.timeUs = timeUs;
        this.process = process;
        this.parent = parent.orElse(null);
        return this;
    }

    /**
     * As {@link #reset(AgentContext, Event, long, long, ProcessState, Optional)} for an event
     * still in its stored form: it is decoded only if a rule asks for it.
     */
    public Observation resetEncoded(AgentContext context, EventType type, byte[] encoded, long uid, long timeUs,
                                    ProcessState process, Optional<ProcessState> parent) {
        reset(context, null, uid, timeUs, process, parent);
        this.type = type;
        this.encoded = encoded;
        return this;
    }

    /** Tells the observation the operation the engine already read from the encoded event. */
    public void knownOp(String op) {
        this.op = op;
    }

    /** The event's type, without decoding it. */
    public EventType type() {
        return type;
    }

    /**
     * The operation of file, network, identity and process events, the function of api events
     * ("" for other types), without
     * decoding the event: a rule that wants one operation checks this first.
     */
    public String op() {
        if (op == null) {
            op = !WITH_OP.contains(type) ? ""
                    : event != null ? event.body().string(type == EventType.API ? "api" : "op").orElse("")
                    : EventCodec.peekOp(encoded, 0, encoded.length);
        }
        return op;
    }

    /** Set by the engine before each rule runs; selects the rule's mark bit. */
    public void ruleIndex(int index) {
        if (index < 0 || index >= 64) {
            throw new IllegalArgumentException("rule index " + index);
        }
        this.ruleIndex = index;
    }

    public AgentContext context() {
        return context;
    }

    /**
     * The event's envelope and body, without stack frames (rules judge what happened, not
     * where in the code: the evidence in the store keeps the frames); decoded on first use
     * when the engine passed it encoded.
     */
    public Event event() {
        if (event == null) {
            event = EventCodec.decodeWithoutStack(encoded, 0, encoded.length);
        }
        return event;
    }

    public long uid() {
        return uid;
    }

    /** Event time, microseconds since the epoch. */
    public long timeUs() {
        return timeUs;
    }

    public ProcessState process() {
        return process;
    }

    /** The parent process's state when the engine knows it (same agent, ppid seen). */
    public Optional<ProcessState> parent() {
        return Optional.ofNullable(parent);
    }

    /** True the first time the current rule asks for this process, false afterwards. */
    public boolean markOnce() {
        long bit = 1L << ruleIndex;
        if ((process.marks & bit) != 0) {
            return false;
        }
        process.marks |= bit;
        return true;
    }
}
