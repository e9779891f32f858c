package dev.telltale.sso;

import dev.telltale.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PendingLoginsTest {
    static final URI CALLBACK = URI.create("https://appliance.example.com/sso/callback");

    @Test
    void aStateIsUsableOnceAndAReplayIsRecognised() {
        PendingLogins p = new PendingLogins(new MutableClock(Instant.parse("2026-01-01T00:00:00Z")));
        PendingLogins.Pending a = p.open(CALLBACK, 7);
        assertEquals(PendingLogins.Outcome.FRESH, p.take(a.state()).orElseThrow().outcome());
        assertEquals(PendingLogins.Outcome.REPLAYED, p.take(a.state()).orElseThrow().outcome());
        assertTrue(p.take("never-issued").isEmpty());
        assertEquals(7, a.generation());
    }

    @Test
    void everyValueIsFreshAndTheVerifierFitsPkce() {
        PendingLogins p = new PendingLogins(new MutableClock(Instant.EPOCH));
        PendingLogins.Pending a = p.open(CALLBACK, 0);
        PendingLogins.Pending b = p.open(CALLBACK, 0);
        assertNotEquals(a.state(), b.state());
        assertNotEquals(a.nonce(), b.nonce());
        assertNotEquals(a.verifier(), b.verifier());
        assertNotEquals(a.state(), a.nonce());
        assertTrue(a.verifier().matches("[A-Za-z0-9._~-]{43,128}"), "RFC 7636 §4.1: " + a.verifier());
        // RFC 7636 appendix B's example.
        assertEquals("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
                Randoms.challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
    }

    @Test
    void aStateExpiresAfterTenMinutes() {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        PendingLogins p = new PendingLogins(clock);
        PendingLogins.Pending a = p.open(CALLBACK, 0);
        PendingLogins.Pending b = p.open(CALLBACK, 0);
        clock.advance(Duration.ofMinutes(9));
        assertEquals(PendingLogins.Outcome.FRESH, p.take(a.state()).orElseThrow().outcome());
        clock.advance(Duration.ofMinutes(1));
        assertEquals(PendingLogins.Outcome.EXPIRED, p.take(b.state()).orElseThrow().outcome());
        p.open(CALLBACK, 0); // starting another sign-in sweeps the expired ones
        assertTrue(p.take(b.state()).isEmpty());
        assertEquals(1, p.size());
    }

    @Test
    void aFloodOfStartedSignInsIsBounded() {
        PendingLogins p = new PendingLogins(new MutableClock(Instant.EPOCH));
        PendingLogins.Pending first = p.open(CALLBACK, 0);
        for (int i = 0; i < PendingLogins.MAX + 10; i++) {
            p.open(CALLBACK, 0);
        }
        assertEquals(PendingLogins.MAX, p.size());
        assertTrue(p.take(first.state()).isEmpty(), "the oldest went first");
    }
}
