package dev.telltale.auth;

import dev.telltale.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemoryApiTokensTest {

    private static final User ALICE = new User(7, "alice", false, false);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-05-01T00:00:00Z"));
    private final ApiTokens tokens = ApiTokens.create(clock, Duration.ofMinutes(15));

    @Test
    void aTokenWorksUntilItsLifetimeEnds() {
        ApiTokens.IssuedToken issued = tokens.issue(ALICE);
        assertTrue(issued.accessToken().matches("tt_api_[A-Za-z0-9_-]{43}"), issued.accessToken());
        assertEquals(Duration.ofMinutes(15), issued.expiresIn());
        assertEquals(ALICE, tokens.verify(issued.accessToken()).orElseThrow());

        clock.advance(Duration.ofMinutes(15).minusSeconds(1));
        assertTrue(tokens.verify(issued.accessToken()).isPresent());
        clock.advance(Duration.ofSeconds(1));
        assertFalse(tokens.verify(issued.accessToken()).isPresent(), "expired exactly at the lifetime");
    }

    @Test
    void revokedUnknownAndMalformedTokensAreRefused() {
        ApiTokens.IssuedToken issued = tokens.issue(ALICE);
        assertFalse(tokens.verify(issued.accessToken() + "x").isPresent());
        assertFalse(tokens.verify("tt_run_" + issued.accessToken().substring(7)).isPresent());
        assertFalse(tokens.verify(null).isPresent());
        tokens.revoke(issued.accessToken());
        assertFalse(tokens.verify(issued.accessToken()).isPresent());
    }

    @Test
    void expiredTokensArePurgedFromMemory() {
        MemoryApiTokens memory = new MemoryApiTokens(clock, Duration.ofMinutes(1));
        memory.issue(ALICE);
        memory.issue(ALICE);
        clock.advance(Duration.ofMinutes(2));
        String fresh = memory.issue(ALICE).accessToken();
        assertEquals(1, memory.size(), "issuing sweeps out the expired ones");
        clock.advance(Duration.ofMinutes(2));
        memory.verify(fresh);
        assertEquals(0, memory.size(), "verifying an expired token drops it");
    }

    @Test
    void tokensAreDistinctAndNeverPrinted() {
        ApiTokens.IssuedToken a = tokens.issue(ALICE);
        assertNotEquals(a.accessToken(), tokens.issue(ALICE).accessToken());
        assertFalse(a.toString().contains(a.accessToken()));
    }

    @Test
    void aNonPositiveLifetimeIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> ApiTokens.create(clock, Duration.ZERO));
    }
}
