package dev.telltale.auth;

import dev.telltale.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionsTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T10:00:00Z"));
    private final Sessions sessions = new Sessions(clock, Duration.ofMinutes(30), Duration.ofHours(12));
    private final User alice = new User(7, "alice", false, false);

    @Test
    void anIdleSessionEndsAndAnActiveOneLastsUntilTheAbsoluteLimit() {
        Sessions.Started s = sessions.start(alice);
        clock.advance(Duration.ofMinutes(29));
        assertTrue(sessions.touch(s.id()).isPresent(), "used within the idle time");
        clock.advance(Duration.ofMinutes(29));
        assertTrue(sessions.touch(s.id()).isPresent(), "the idle clock restarts at each use");
        clock.advance(Duration.ofMinutes(30));
        assertFalse(sessions.touch(s.id()).isPresent(), "30 minutes idle end it");

        Sessions.Started busy = sessions.start(alice);
        for (int i = 0; i < 12 * 4 - 1; i++) {
            clock.advance(Duration.ofMinutes(15));
            assertTrue(sessions.touch(busy.id()).isPresent(), "still within 12 h at step " + i);
        }
        clock.advance(Duration.ofMinutes(15));
        assertFalse(sessions.touch(busy.id()).isPresent(), "12 hours end even a busy session");
    }

    @Test
    void idsAreFreshUnguessableAndEndOnLogoutOrPasswordChange() {
        Sessions.Started a = sessions.start(alice);
        Sessions.Started b = sessions.start(alice);
        assertNotEquals(a.id(), b.id());
        assertNotEquals(a.session().csrfToken(), b.session().csrfToken());
        assertTrue(a.id().length() > 40);
        assertFalse(sessions.touch("tt_ses_chosen-by-an-attacker").isPresent(), "an id not issued here is worthless");
        assertFalse(a.toString().contains(a.id()) || a.session().toString().contains(a.session().csrfToken()),
                "secrets stay out of logs");
        sessions.end(a.id());
        assertFalse(sessions.touch(a.id()).isPresent());
        assertTrue(sessions.touch(b.id()).isPresent());
        sessions.endAll(alice.id());
        assertFalse(sessions.touch(b.id()).isPresent());
        assertEquals(false, sessions.touch(null).isPresent());
    }
}
