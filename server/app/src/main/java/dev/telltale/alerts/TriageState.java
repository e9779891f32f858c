package dev.telltale.alerts;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The triage state of one occurrence, and which changes a person may make. FIXED is set only by
 * the system (the Fixed sweep); reopening, expiry and carry-over are system transitions too.
 */
public enum TriageState {
    REPORTED, ACKNOWLEDGED, NOT_AN_ISSUE, RISK_ACCEPTED, FIXED;

    /** States a person may move an occurrence to from this one (RISK_ACCEPTED to itself extends the expiry). */
    public Set<TriageState> manualTargets() {
        return switch (this) {
            case REPORTED -> EnumSet.of(ACKNOWLEDGED, NOT_AN_ISSUE, RISK_ACCEPTED);
            case ACKNOWLEDGED -> EnumSet.of(REPORTED, NOT_AN_ISSUE, RISK_ACCEPTED);
            case NOT_AN_ISSUE -> EnumSet.of(REPORTED);
            case RISK_ACCEPTED -> EnumSet.of(REPORTED, ACKNOWLEDGED, RISK_ACCEPTED);
            case FIXED -> EnumSet.of(REPORTED);
        };
    }

    /** States a new occurrence inherits from the previous occurrence of its alert (see docs/alerts.md). */
    boolean carriesOver() {
        return this == ACKNOWLEDGED || this == NOT_AN_ISSUE || this == RISK_ACCEPTED;
    }

    /** States the Fixed sweep may close. */
    boolean open() {
        return this == REPORTED || this == ACKNOWLEDGED || this == RISK_ACCEPTED;
    }

    /** Parses a state name, case-insensitive, with '-' or ' ' accepted for '_'. */
    public static Optional<TriageState> parse(String s) {
        String n = s.trim().toUpperCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
        for (TriageState t : values()) {
            if (t.name().equals(n)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
