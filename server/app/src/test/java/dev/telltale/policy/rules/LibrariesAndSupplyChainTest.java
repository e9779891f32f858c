package dev.telltale.policy.rules;

import dev.telltale.policy.Observation;
import dev.telltale.policy.ProcessState;
import dev.telltale.policy.Rule;
import dev.telltale.protocol.event.EventType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LibrariesAndSupplyChainTest {
    private static final String LIB = "libraries.unusual-path";

    @Test
    void aLibraryDlopenedFromTmpIsReported() {
        // python3 ctypes: CDLL("libm.so.6") and CDLL("/tmp/tt-fx/lib/libdemo.so").
        var f = Harness.fired(LIB, "lib-tmp");
        assertEquals(List.of("/tmp/tt-fx/lib/libdemo.so"), f.stream().map(Harness.Fired::key).toList());
        assertEquals("/usr/bin/python3.11 loaded /tmp/tt-fx/lib/libdemo.so (dlopen) from a writable directory",
                f.get(0).summary());
    }

    @Test
    void systemLibrariesAndTheAgentItselfAreNotReported() {
        // Every recorded program loads libtelltale.so through LD_PRELOAD, and its libraries from /lib and /usr/lib;
        // a program run from /tmp is the exec rule's business, not this one's.
        assertEquals(List.of(), Harness.fired(LIB, "benign-files", "shell-from-network", "exec-tmp", "container-tools"));
    }

    @Test
    void relativeAndHomeDirectoryPathsCount() {
        // Hand-built: no program here loads libraries by relative path or from a home directory.
        var events = List.of(
                Events.ev(EventType.DEPENDENCY, 40, 1, "path", "libevil.so", "load", "dlopen"),
                Events.ev(EventType.DEPENDENCY, 40, 2, "path", "/home/dev/.telltale/lib/libtelltale.so", "load", "preload"),
                Events.ev(EventType.DEPENDENCY, 40, 3, "path", "/root/.local/lib/libx.so", "load", "initial"),
                Events.ev(EventType.DEPENDENCY, 40, 4, "path", "/tmp/app", "load", "exe"));
        var f = new Harness().run(events).fired(LIB);
        assertEquals(List.of("libevil.so", "/root/.local/lib/libx.so"), f.stream().map(Harness.Fired::key).toList());
        assertTrue(f.get(0).summary().endsWith("by a relative path"));
        assertTrue(f.get(1).summary().endsWith("from a home directory"));
        var noHomes = new Harness().with(LIB, java.util.Map.of("home-dirs", List.of())).run(events);
        assertEquals(List.of("libevil.so"), noHomes.fired(LIB).stream().map(Harness.Fired::key).toList());
    }

    @Test
    void supplyChainRulesAreExternalWithTheirParameters() {
        Rule vuln = rule("supply-chain.vulnerable-package");
        Rule lic = rule("supply-chain.licence-violation");
        assertTrue(vuln.info().external() && lic.info().external());
        assertEquals(List.of("min-cvss:INTEGER", "only-loaded:BOOLEAN"), specs(vuln));
        assertEquals(List.of("denied-licences:STRINGS"), specs(lic));
        // evaluate does nothing, whatever it is given
        var o = new Observation().reset(Events.CTX, Events.ev(EventType.FILE, 1, 1, "op", "open", "path", "/x").event(),
                1, 1, new ProcessState(9, 1), Optional.empty());
        vuln.evaluate(o, BuiltInRules.defaults(vuln.info()), RobustnessTest.NEVER);
        lic.evaluate(o, BuiltInRules.defaults(lic.info()), RobustnessTest.NEVER);
    }

    private static List<String> specs(Rule r) {
        return r.info().params().stream().map(p -> p.name() + ":" + p.kind()).toList();
    }

    static Rule rule(String id) {
        return BuiltInRules.all().stream().filter(r -> r.info().id().equals(id)).findFirst().orElseThrow();
    }
}
