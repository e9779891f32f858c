package dev.telltale.store;

import java.util.List;
import java.util.Optional;

/**
 * A page of hits, newest first. {@code total} counts matches exactly up to
 * {@code totalExact == true}, otherwise it is a lower bound. {@code next} is present when
 * more hits may follow.
 */
public record SearchPage(List<EventHit> hits, long total, boolean totalExact, Optional<Cursor> next, long tookMs) {
}
