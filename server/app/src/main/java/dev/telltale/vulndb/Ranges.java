package dev.telltale.vulndb;

import dev.telltale.sca.version.VersionScheme;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Whether a version lies in an OSV range, as the OSV schema's evaluation algorithm says: the
 * events sorted by version ({@code introduced: "0"} first), then walked — an {@code introduced}
 * at or below the version makes it affected, a {@code fixed} at or below it unaffected, a
 * {@code last_affected} below it unaffected; a version at or above a {@code limit} is never
 * affected by the range.
 */
final class Ranges {
    private Ranges() {
    }

    /**
     * @throws IllegalArgumentException when {@code scheme} cannot order an event's version
     */
    static boolean affects(Advisory.Range range, String version, VersionScheme scheme) {
        try {
            return evaluate(range, version, scheme);
        } catch (RuntimeException e) {
            // Validity is checked only when an order fails: checking every event of every
            // candidate first would double the cost of a match.
            for (Advisory.Event ev : range.events()) {
                if (!isZero(ev) && !scheme.valid(ev.version())) {
                    throw new IllegalArgumentException("event version '" + ev.version() + "' is not a " + scheme.name()
                            + " version");
                }
            }
            throw new IllegalArgumentException("the " + scheme.name() + " order failed: " + e.getMessage());
        }
    }

    private static boolean evaluate(Advisory.Range range, String version, VersionScheme scheme) {
        for (Advisory.Event e : range.events()) {
            if (e.kind() == Advisory.Kind.LIMIT && scheme.compare(version, e.version()) >= 0) {
                return false;
            }
        }
        List<Advisory.Event> sorted = sorted(range.events(), order(scheme));
        boolean affected = false;
        for (Advisory.Event e : sorted) {
            switch (e.kind()) {
                case INTRODUCED -> {
                    if (isZero(e) || scheme.compare(version, e.version()) >= 0) {
                        affected = true;
                    }
                }
                case FIXED -> {
                    if (scheme.compare(version, e.version()) >= 0) {
                        affected = false;
                    }
                }
                case LAST_AFFECTED -> {
                    if (scheme.compare(version, e.version()) > 0) {
                        affected = false;
                    }
                }
                case LIMIT -> {
                    // handled above: a cap on the whole range
                }
            }
        }
        return affected;
    }

    /** Records list their events in order nearly always: check that before copying and sorting. */
    private static List<Advisory.Event> sorted(List<Advisory.Event> events, Comparator<Advisory.Event> order) {
        for (int i = 1; i < events.size(); i++) {
            if (order.compare(events.get(i - 1), events.get(i)) > 0) {
                List<Advisory.Event> copy = new ArrayList<>(events);
                copy.sort(order);
                return copy;
            }
        }
        return events;
    }

    private static boolean isZero(Advisory.Event e) {
        return e.kind() == Advisory.Kind.INTRODUCED && e.version().equals("0");
    }

    /** By version, "0" lowest; at one version an introduced before the fix that closes it. */
    private static Comparator<Advisory.Event> order(VersionScheme scheme) {
        return (a, b) -> {
            if (isZero(a) || isZero(b)) {
                return Boolean.compare(!isZero(a), !isZero(b));
            }
            int c = scheme.compare(a.version(), b.version());
            return c != 0 ? c : Integer.compare(a.kind().ordinal(), b.kind().ordinal());
        };
    }

    /** The {@code fixed} versions of the ranges (in record order, without repeats). */
    static List<String> fixedVersions(List<Advisory.Range> ranges) {
        List<String> out = new ArrayList<>();
        for (Advisory.Range r : ranges) {
            if (r.type() == Advisory.RangeType.GIT) {
                continue;
            }
            for (Advisory.Event e : r.events()) {
                if (e.kind() == Advisory.Kind.FIXED && !out.contains(e.version())) {
                    out.add(e.version());
                }
            }
        }
        return out;
    }
}
