package dev.telltale.policy;

/** The type of a rule parameter's value, as JSON carries it. */
public enum ParamKind {
    /** A JSON array of strings (paths, globs, names, domains). */
    STRINGS,
    /** A JSON array of integers 0..65535 (ports). */
    PORTS,
    /** A non-negative JSON integer. */
    INTEGER,
    /** An ISO-8601 duration string such as "PT60S". */
    DURATION,
    /** A JSON boolean. */
    BOOLEAN
}
