package dev.telltale.protocol.event;

/** What validation learns of an event's envelope without decoding it. Reusable. */
public final class EventMeta {
    public EventType type;
    public long dtUs;
    public long pid;
    public long tid;
}
