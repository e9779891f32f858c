package dev.telltale.policy.rules;

import dev.telltale.protocol.event.Event;
import dev.telltale.protocol.event.EventType;
import dev.telltale.protocol.event.FieldDef;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ProcessRulesTest {
    private static final String SHELL = "process.shell-from-network";
    private static final String TOOLS = "process.tools-in-container";

    private static List<String> keys(List<Harness.Fired> f) {
        return f.stream().map(Harness.Fired::key).toList();
    }

    @Test
    void eachShellSpawnedByANetworkServerIsReportedOnce() {
        // python3 server after accept(): subprocess.run(["sh", "-c", "id > /dev/null"]) and os.system("true").
        // system() also leaves a spawn event in the server: the shell's own process_start is what counts.
        // id, started by the first shell, is no shell.
        var f = Harness.fired(SHELL, "shell-from-network");
        assertEquals(List.of("/usr/bin/python3.11 -> sh", "/usr/bin/python3.11 -> sh"), keys(f));
        assertEquals("sh -c id > /dev/null", f.get(0).summary().substring(f.get(0).summary().indexOf("shell: ") + 7));
        assertEquals(true, f.get(0).summary().startsWith("/usr/bin/python3.11 (listening on 0.0.0.0:"));
        assertEquals(true, f.get(1).summary().endsWith("started a shell: sh -c true"));
    }

    @Test
    void shellsOfProcessesThatServeNothingAreNotReported() {
        // bash -c 'sh -c true', curl/dpkg from bash, and a web server that runs no shell.
        assertEquals(List.of(), Harness.fired(SHELL, "benign-shell", "container-tools", "exec-tmp", "bearer-plain"));
    }

    @Test
    void aServerExecingAShellInPlaceCountsOnceAndAllowedParentsApply() {
        // Hand-built: the in-place exec (what an exploit's execve("/bin/sh") does) was not among the recorded
        // programs; its exec event and the shell image's process_start share the pid.
        var events = List.of(
                Events.start(30, 1, "/srv/app/server", 1000, 1000),
                Events.ev(EventType.NETWORK, 30, 2, "op", "listen", "family", "inet", "laddr", "0.0.0.0", "lport", 8080, "result", 0),
                Events.ev(EventType.PROCESS, 30, 3, "op", "exec", "path", "/bin/sh", "argv", List.of("/bin/sh", "-i")),
                Events.start(30, 1, "/usr/bin/busybox", 1000, 1000, "argv", List.of("sh", "-i")));
        var f = new Harness().run(events).fired(SHELL);
        assertEquals(List.of("/srv/app/server -> sh"), keys(f));
        var allowed = new Harness().with(SHELL, Map.of("allowed-parents", List.of("/srv/app/*"))).run(events);
        assertEquals(List.of(), allowed.fired(SHELL));
    }

    @Test
    void networkToolsAndPackageManagersInAContainerAreReportedOncePerProcess() {
        // bash in this docker container: curl, dpkg --version, ls. Each tool's exec in the forked child and its
        // process_start count once.
        var f = Harness.fired(TOOLS, "container-tools");
        assertEquals(List.of("curl", "dpkg"), keys(f));
        assertEquals("network tool curl ran inside a docker container: curl -s -m 1 http://127.0.0.1:9/", f.get(0).summary());
        assertEquals("package manager dpkg ran inside a docker container: dpkg --version", f.get(1).summary());
    }

    @Test
    void outsideContainersOrForOtherProgramsNothingIsReported() {
        // The recording machine is itself a docker container, so every recorded process_start names docker:
        // the same real events without container_runtime stand for a host.
        var host = Fixtures.load("container-tools").stream().peek(r -> strip(r.event())).toList();
        assertEquals(List.of(), new Harness().run(host).fired(TOOLS));
        assertEquals(List.of(), Harness.fired(TOOLS, "benign-files", "exec-tmp", "shell-from-network"));
    }

    @Test
    void toolListsAreParameters() {
        var h = new Harness().with(TOOLS, Map.of("network-tools", List.of())).run(Fixtures.load("container-tools"));
        assertEquals(List.of("dpkg"), keys(h.fired(TOOLS)));
        h = new Harness().with(TOOLS, Map.of("package-managers", List.of("ls"))).run(Fixtures.load("container-tools"));
        assertEquals(List.of("curl", "ls"), keys(h.fired(TOOLS)));
    }

    private static void strip(Event e) {
        if (e.type() == EventType.PROCESS_START) {
            FieldDef f = e.body().schema().field("container_runtime");
            e.body().replace(f, null);
        }
    }
}
