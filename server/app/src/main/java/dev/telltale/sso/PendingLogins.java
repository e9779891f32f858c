package dev.telltale.sso;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Sign-ins between {@code /sso/login} and {@code /sso/callback}, in memory: each state is usable
 * once, for ten minutes. Used states are kept until they expire so that a replay is recognised as
 * one (and audited) rather than looking like a stranger's guess. At most {@link #MAX} are held;
 * beyond that the oldest goes, so a flood of started sign-ins costs bounded memory.
 */
final class PendingLogins {
    static final Duration LIFETIME = Duration.ofMinutes(10);
    static final int MAX = 10_000;

    /** One started sign-in. {@code generation} ties it to the settings it began under. */
    record Pending(String state, String nonce, String verifier, String browserBinding, URI redirectUri,
                   long generation, Instant startedAt) {
        @Override
        public String toString() {
            return "Pending[generation=" + generation + ", startedAt=" + startedAt + "]";
        }
    }

    /** What a callback's state turned out to be. */
    enum Outcome { FRESH, REPLAYED, EXPIRED }

    record Taken(Pending pending, Outcome outcome) {
    }

    private final Clock clock;
    private final Map<String, Entry> byState = new LinkedHashMap<>();

    private record Entry(Pending pending, boolean used) {
    }

    PendingLogins(Clock clock) {
        this.clock = clock;
    }

    /** Starts a sign-in with a fresh state, nonce, PKCE verifier and browser binding. */
    synchronized Pending open(URI redirectUri, long generation) {
        Instant now = clock.instant();
        prune(now);
        Pending p = new Pending(Randoms.token(), Randoms.token(), Randoms.token(), Randoms.token(), redirectUri,
                generation, now);
        byState.put(p.state(), new Entry(p, false));
        return p;
    }

    /**
     * Takes a state for a callback, marking it used whatever happens next. Empty for a state this
     * appliance never issued or has forgotten.
     */
    synchronized Optional<Taken> take(String state) {
        Entry e = byState.get(state);
        if (e == null) {
            return Optional.empty();
        }
        if (e.used()) {
            return Optional.of(new Taken(e.pending(), Outcome.REPLAYED));
        }
        byState.put(state, new Entry(e.pending(), true));
        boolean expired = !clock.instant().isBefore(e.pending().startedAt().plus(LIFETIME));
        return Optional.of(new Taken(e.pending(), expired ? Outcome.EXPIRED : Outcome.FRESH));
    }

    synchronized int size() {
        return byState.size();
    }

    /** Drops expired entries (the oldest come first), then the oldest beyond the bound. */
    private void prune(Instant now) {
        Iterator<Entry> it = byState.values().iterator();
        while (it.hasNext()) {
            Entry e = it.next();
            if (now.isBefore(e.pending().startedAt().plus(LIFETIME)) && byState.size() < MAX) {
                break;
            }
            it.remove();
        }
    }
}
