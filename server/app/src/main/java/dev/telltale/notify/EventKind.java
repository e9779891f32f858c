package dev.telltale.notify;

import java.util.Locale;
import java.util.Optional;

/** What a notification is about; {@link #wire()} is its name in payloads, the API and the database. */
public enum EventKind {
    /** An alert occurrence was created: a new alert, or an alert seen in a new version. */
    NEW_ALERT,
    /** An alert occurrence changed triage state (by a person, Jira or the appliance). */
    STATE_CHANGE,
    /** A vulnerability scan found a vulnerable package in a component version for the first time. */
    NEW_VULNERABILITY,
    /** An agent has not been seen for the configured time. */
    AGENT_GAP,
    /** Something about the appliance itself, e.g. a certificate about to expire. */
    SYSTEM,
    /** A test delivery someone asked for; never subscribed to. */
    TEST;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether an integration may subscribe to it ({@link #TEST} goes to the one integration tested). */
    public boolean subscribable() {
        return this != TEST;
    }

    public static Optional<EventKind> parse(String s) {
        for (EventKind k : values()) {
            if (k.wire().equals(s)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }
}
