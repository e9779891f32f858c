package dev.telltale.policy;

/** Where a rule reports that an event matched. */
public interface Firing {

    /**
     * Reports a match. {@code key} says what makes occurrences "the same" within the rule
     * (a path, a port, a variable name: never a secret value); {@code summary} is one line a
     * person reads in the alert's evidence (secrets masked).
     */
    void fire(String key, String summary);

    /** As {@link #fire(String, String)} with a severity chosen by the finding (e.g. from CVSS). */
    void fire(String key, String summary, Severity severity);
}
