package dev.telltale.policy.rules;

import dev.telltale.protocol.event.EventType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrivilegeRulesTest {
    private static final String NO_DROP = "privilege.root-no-drop";
    private static final String SETUID = "privilege.setuid-root";

    @Test
    void rootServerThatNeverDropsIsReportedOnceAtExit() {
        // python3 bound 0.0.0.0 as root, served one request, exited 1.4 s later: under the 60 s grace.
        var f = Harness.fired(NO_DROP, "shell-from-network");
        assertEquals(1, f.size(), f.toString());
        assertTrue(f.get(0).key().matches("/usr/bin/python3\\.11 0\\.0\\.0\\.0:\\d+"), f.get(0).key());
        assertTrue(f.get(0).summary().endsWith("and exited without dropping root"), f.get(0).summary());
    }

    @Test
    void aShortGraceReportsOnTheFirstHeartbeatPastIt() {
        var h = new Harness().with(NO_DROP, Map.of("grace", Duration.ofSeconds(1))).run(Fixtures.load("shell-from-network"));
        var f = h.fired(NO_DROP);
        assertEquals(1, f.size(), "once per process, not again at exit: " + f);
        assertTrue(f.get(0).summary().contains("still runs as root 1 s later"), f.get(0).summary());
    }

    @Test
    void serversThatDropRootOrNeverHadItAreNotReported() {
        // Both drop (or never had root) within milliseconds of binding, then serve and beat for over a second.
        var h = new Harness().with(NO_DROP, Map.of("grace", Duration.ofMillis(500)))
                .run(Fixtures.load("server-drops-root")).run(Fixtures.load("server-nonroot"));
        assertEquals(List.of(), h.fired(NO_DROP));
    }

    @Test
    void unixSocketsDoNotMakeARootProcessANetworkService() {
        // Hand-built: a root daemon binding only a unix socket (like a tmux server or dockerd's API socket).
        var h = new Harness().run(List.of(
                Events.start(50, 1, "/usr/sbin/daemon", 0, 0),
                Events.ev(EventType.NETWORK, 50, 2_000_000, "op", "bind", "family", "unix", "laddr", "/run/d.sock", "result", 0),
                Events.ev(EventType.PROCESS_EXIT, 50, 900_000_000, "exit_code", 0)));
        assertEquals(List.of(), h.fired(NO_DROP));
    }

    @Test
    void regainingRootThroughASavedUidIsAGain() {
        // python3: setresuid(1000, 1000, 0) then seteuid(0).
        var f = Harness.fired(SETUID, "setuid-gain");
        assertEquals(1, f.size(), f.toString());
        assertEquals("/usr/bin/python3.11", f.get(0).key());
        assertEquals("/usr/bin/python3.11 gained root: seteuid [0] took the effective uid from 1000 to 0 (real uid 1000)",
                f.get(0).summary());
    }

    @Test
    void rootRestoringItsOwnEffectiveUidOrDroppingIsNoGain() {
        // t_id (real uid 0 throughout: seteuid/setreuid/setresuid drop and restore, a refused setuid(0) in a child)
        // and python3 dropping to nobody.
        assertEquals(List.of(), Harness.fired(SETUID, "identity-restore", "setuid-drop"));
    }

    @Test
    void setUserIdRootProgramsAreReportedAtStart() {
        // Hand-built: ld.so ignores LD_PRELOAD in secure-execution mode, so the interceptor never
        // enters a set-user-ID program and its process_start cannot be recorded.
        var h = new Harness().run(List.of(
                Events.start(60, 1, "/tmp/suid-shell", 1000, 0),
                Events.start(61, 1, "/usr/bin/id", 0, 0),
                Events.start(62, 1, "/usr/bin/id", 1000, 1000)));
        var f = h.fired(SETUID);
        assertEquals(1, f.size(), f.toString());
        assertEquals("/tmp/suid-shell", f.get(0).key());
        assertTrue(f.get(0).summary().contains("effective uid 0 and real uid 1000"));
    }
}
