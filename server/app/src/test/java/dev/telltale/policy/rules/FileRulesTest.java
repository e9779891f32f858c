package dev.telltale.policy.rules;

import dev.telltale.protocol.event.EventType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileRulesTest {
    private static final String SYS = "files.system-write";
    private static final String CRED = "files.credential-read";
    private static final String WW = "files.world-writable-created";
    private static final String EXEC = "files.exec-from-writable-dir";

    private static List<String> keys(List<Harness.Fired> f) {
        return f.stream().map(Harness.Fired::key).toList();
    }

    @Test
    void writesRenamesAndRemovalsUnderEtcAreReported() {
        // bash: echo x > /etc/telltale-fixture.conf && mv … .old && rm … .old
        var f = Harness.fired(SYS, "etc-write");
        assertEquals(List.of("/etc/telltale-fixture.conf", "/etc/telltale-fixture.old", "/etc/telltale-fixture.old"), keys(f));
        assertEquals("/usr/bin/bash changed a system path: open /etc/telltale-fixture.conf (O_WRONLY O_CREAT O_TRUNC write)",
                f.get(0).summary());
        assertEquals("/usr/bin/mv changed a system path: renameat2 /etc/telltale-fixture.conf to /etc/telltale-fixture.old",
                f.get(1).summary());
    }

    @Test
    void readingSystemFilesAndWritingElsewhereIsNotASystemWrite() {
        // cat /etc/hostname, ls /etc, > /dev/null, a file under /tmp; python, curl and dpkg reading their libraries.
        assertEquals(List.of(), Harness.fired(SYS, "benign-files", "container-tools", "lib-tmp", "shadow-read"));
    }

    @Test
    void systemWriteParameters() {
        var allowed = new Harness().with(SYS, Map.of("allowed-paths", List.of("/etc/telltale-fixture.*")))
                .run(Fixtures.load("etc-write"));
        assertEquals(List.of(), allowed.fired(SYS));
        // Hand-built: a non-root process refused a write to /etc/passwd; and a path that climbs out of /tmp.
        var events = List.of(
                Events.start(10, 1, "/usr/bin/app", 1000, 1000),
                Events.ev(EventType.FILE, 10, 2, "op", "open", "path", "/etc/passwd", "flags", 1, "result", -1, "errno", 13),
                Events.ev(EventType.FILE, 10, 3, "op", "creat", "path", "/tmp/../etc/cron.d/x", "mode", 0644, "result", 3));
        assertEquals(List.of("/etc/cron.d/x"), keys(new Harness().run(events).fired(SYS)));
        assertEquals(List.of("/etc/passwd", "/etc/cron.d/x"),
                keys(new Harness().with(SYS, Map.of("include-failed", true)).run(events).fired(SYS)));
    }

    @Test
    void readingShadowIsACredentialRead() {
        var f = Harness.fired(CRED, "shadow-read");
        assertEquals(List.of("/etc/shadow"), keys(f));
        assertEquals("/usr/bin/cat read /etc/shadow (O_RDONLY)", f.get(0).summary());
    }

    @Test
    void ordinaryReadsAreNotCredentialReads() {
        // cat /etc/hostname, ls /etc, bash and python reading /etc/passwd-like files, their libraries and modules.
        assertEquals(List.of(), Harness.fired(CRED, "benign-files", "etc-write", "lib-tmp", "container-tools", "dns"));
    }

    @Test
    void deniedOpensCountMissingFilesDoNotAndGlobsWork() {
        // Hand-built: refusals and absent files need a non-root user and other home directories than this machine has.
        var events = List.of(
                Events.ev(EventType.FILE, 11, 1, "op", "open", "path", "/etc/shadow", "result", -1, "errno", 13),
                Events.ev(EventType.FILE, 11, 2, "op", "openat", "path", "/home/alice/.aws/credentials", "result", -1, "errno", 2),
                Events.ev(EventType.FILE, 11, 3, "op", "fopen", "path", "/home/alice/.ssh/id_ed25519", "result", 4),
                Events.ev(EventType.FILE, 11, 4, "op", "fopen", "path", "/home/alice/.ssh/known_hosts", "result", 4),
                Events.ev(EventType.FILE, 11, 5, "op", "open", "path", "/srv/app/.kube/config", "result", 5));
        var f = new Harness().run(events).fired(CRED);
        assertEquals(List.of("/etc/shadow", "/home/alice/.ssh/id_ed25519", "/srv/app/.kube/config"), keys(f));
        assertTrue(f.get(0).summary().endsWith("tried to open /etc/shadow: permission denied"), f.get(0).summary());
        var narrowed = new Harness().with(CRED, Map.of("credential-paths", List.of("**/.kube/config"))).run(events);
        assertEquals(List.of("/srv/app/.kube/config"), keys(narrowed.fired(CRED)));
    }

    @Test
    void explicitWorldWritableModesAreReported() {
        // python3 with umask 0: os.open(…, 0o666) and os.open(…, 0o766); then open() (0666 under umask 022) and 0o600.
        var f = Harness.fired(WW, "world-writable");
        assertEquals(List.of("/tmp/tt-fx/ww-explicit.sh"), keys(f));
        assertEquals("/usr/bin/python3.11 created /tmp/tt-fx/ww-explicit.sh with mode 0766 (every user may write it)",
                f.get(0).summary());
    }

    @Test
    void defaultModesAreLeftToTheUmaskUnlessAskedOtherwise() {
        // The agent reports the requested mode: the 0666 of the umask-0 creation and of Python's open()
        // under umask 022 look the same, which is why the default ignores them.
        var h = new Harness().with(WW, Map.of("ignore-default-modes", false)).run(Fixtures.load("world-writable"));
        assertEquals(List.of("/tmp/tt-fx/ww-default.txt", "/tmp/tt-fx/ww-explicit.sh", "/tmp/tt-fx/normal.txt"),
                keys(h.fired(WW)));
        assertEquals(List.of(), Harness.fired(WW, "benign-files", "etc-write", "exec-tmp", "container-tools"));
    }

    @Test
    void chmodToWorldWritableCountsButStickyDirectoriesDoNot() {
        // Hand-built: the native agent does not hook chmod; agents that report it use these ops.
        var events = List.of(
                Events.ev(EventType.FILE, 12, 1, "op", "chmod", "path", "/srv/data/report.csv", "mode", 0666, "result", 0),
                Events.ev(EventType.FILE, 12, 2, "op", "chmod", "path", "/srv/shared", "mode", 01777, "result", 0),
                Events.ev(EventType.FILE, 12, 3, "op", "open", "path", "/dev/null", "flags", 0101, "mode", 0646, "result", 3));
        assertEquals(List.of("/srv/data/report.csv"), keys(new Harness().run(events).fired(WW)));
    }

    @Test
    void programsRunFromTmpAreReportedOncePerProcess() {
        // bash: cp /usr/bin/id /tmp/tt-fx/bin/id && /tmp/tt-fx/bin/id -u: the exec in the forked child and the
        // process_start of the copied id share a pid and count once.
        var f = Harness.fired(EXEC, "exec-tmp");
        assertEquals(List.of("/tmp/tt-fx/bin/id"), keys(f));
        assertEquals("/tmp/tt-fx/bin/id ran from a writable directory (exec)", f.get(0).summary());
    }

    @Test
    void installedProgramsAreNotReported() {
        assertEquals(List.of(), Harness.fired(EXEC, "benign-files", "container-tools", "memory", "identity-restore",
                "shell-from-network"));
    }

    @Test
    void staticProgramsAreSeenThroughTheCoverageEventAndAllowedPathsApply() {
        // Hand-built: a static binary copied to /dev/shm is never entered by the interceptor; the launcher's
        // coverage api event is the only trace of it.
        var events = List.of(
                Events.ev(EventType.PROCESS, 13, 1, "op", "spawn", "path", "/dev/shm/miner", "child_pid", 14, "result", 0),
                Events.ev(EventType.API, 13, 2, "api", "telltale.coverage", "args", List.of("/dev/shm/miner", "static")),
                Events.ev(EventType.PROCESS, 15, 3, "op", "exec", "path", "/tmp/go-build123/b001/exe/main"));
        assertEquals(List.of("/dev/shm/miner"), keys(new Harness().run(events).fired(EXEC)));
        assertEquals(List.of("/dev/shm/miner", "/tmp/go-build123/b001/exe/main"),
                keys(new Harness().with(EXEC, Map.of("allowed-paths", List.of())).run(events).fired(EXEC)));
    }
}
