package dev.telltale.protocol.event;

/** How the event store makes a field searchable. */
public enum Index {
    /** Kept in the stored event only. */
    NONE,
    /** Exact-match term (paths, names, addresses). */
    KEYWORD,
    /** Numeric point: exact and range queries. */
    NUMBER,
    /** Tokenized into the free-text field only. */
    TEXT,
    /** Exact-match term and also tokenized into the free-text field. */
    KEYWORD_TEXT
}
