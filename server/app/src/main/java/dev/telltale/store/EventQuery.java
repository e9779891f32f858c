package dev.telltale.store;

import java.util.Optional;

/**
 * A search: Lucene query syntax over the store's fields ({@code q}, empty for all events),
 * an event-time range in microseconds (inclusive), a page size and the cursor of the last
 * hit of the previous page.
 */
public record EventQuery(String q, long fromUs, long toUs, int limit, Optional<Cursor> after, Scope scope) {
    public static final int MAX_LIMIT = 1000;

    public EventQuery {
        if (q == null) {
            q = "";
        }
        if (q.length() > 4096) {
            throw new BadQueryException("query longer than 4096 characters");
        }
        if (fromUs > toUs) {
            throw new BadQueryException("'from' is after 'to'");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new BadQueryException("limit must be between 1 and " + MAX_LIMIT);
        }
    }
}
