package dev.telltale.protocol.event;

import java.util.List;
import java.util.Objects;

/**
 * One telemetry event: the envelope (type, time offset from its batch's base time, process
 * and thread, stack) and the type-specific body. Mutable only by the appliance's sanitizer
 * before the event is stored.
 */
public final class Event {
    private final EventType type;
    private final long dtUs;
    private final long pid;
    private final long tid;
    private final List<Msg> stack;
    private final Msg body;

    public Event(EventType type, long dtUs, long pid, long tid, List<Msg> stack, Msg body) {
        this.type = Objects.requireNonNull(type);
        this.dtUs = dtUs;
        this.pid = pid;
        this.tid = tid;
        this.stack = stack == null ? List.of() : stack;
        this.body = Objects.requireNonNull(body);
        if (body.schema() != type.schema()) {
            throw new IllegalArgumentException("body schema " + body.schema().name() + " does not match " + type);
        }
    }

    /** A new event with an empty body of the type's schema, for producers. */
    public static Event of(EventType type, long dtUs, long pid, long tid) {
        return new Event(type, dtUs, pid, tid, new java.util.ArrayList<>(), new Msg(type.schema()));
    }

    public EventType type() {
        return type;
    }

    /** Microseconds relative to the batch's base time. */
    public long dtUs() {
        return dtUs;
    }

    public long pid() {
        return pid;
    }

    public long tid() {
        return tid;
    }

    public List<Msg> stack() {
        return stack;
    }

    public Msg body() {
        return body;
    }
}
