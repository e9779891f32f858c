package dev.telltale.policy.rules;

import dev.telltale.policy.Category;
import dev.telltale.policy.Firing;
import dev.telltale.policy.Observation;
import dev.telltale.policy.ParamSpec;
import dev.telltale.policy.ProcessState;
import dev.telltale.policy.Rule;
import dev.telltale.policy.RuleInfo;
import dev.telltale.policy.RuleParams;
import dev.telltale.policy.Severity;
import dev.telltale.protocol.event.EventType;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;

/**
 * A network service that was root when it bound and is still root {@code grace} later (judged
 * on the process's next event: heartbeats keep coming), or that exits without ever dropping.
 * Stateful through {@link ProcessState}; reported once per process.
 */
final class RootNoDrop implements Rule {
    static final String ID = "privilege.root-no-drop";
    private static final Duration GRACE = Duration.ofSeconds(60);

    /** Any event of the process may be the first one past the grace; identity changes are how it drops. */
    private static final EnumSet<EventType> INPUTS = EnumSet.of(EventType.PROCESS_EXIT, EventType.HEARTBEAT,
            EventType.FILE, EventType.NETWORK, EventType.PROCESS, EventType.API, EventType.DEPENDENCY,
            EventType.WEBAPP, EventType.WEBAPP_URI, EventType.BEARER_TOKEN, EventType.MEMORY_WARNING,
            EventType.JAVA_METHOD);

    private static final RuleInfo INFO = new RuleInfo(ID, "Runs as root and never drops privilege after binding",
            Category.PRIVILEGE, Severity.P2,
            List.of(ParamSpec.duration("grace", GRACE,
                    "How long after its first bind, listen or accept a process may stay root before it is reported.")),
            "A network service running as root turns any remote code execution bug into full control of the "
                    + "host or container. Binding privileged ports is the usual reason to start as root; once the "
                    + "socket is open the process no longer needs it.",
            "Drop root right after binding (setgid/setgroups/setuid to a service account), run as a non-root "
                    + "user with CAP_NET_BIND_SERVICE or an unprivileged port behind a proxy, and set USER in the "
                    + "container image.",
            INPUTS, true);

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(Observation o, RuleParams params, Firing out) {
        ProcessState p = o.process();
        if (!p.networkFacing || !p.boundAsRoot || !p.root() || p.firstBindUs == ProcessState.UNKNOWN) {
            return;
        }
        boolean exit = o.type() == EventType.PROCESS_EXIT;
        long graceUs = params.duration("grace").toNanos() / 1000;
        long heldUs = o.timeUs() - p.firstBindUs;
        if (!exit && heldUs < graceUs) {
            return;
        }
        if (!o.markOnce()) {
            return;
        }
        String exe = p.exe.isEmpty() ? "pid " + p.pid : p.exe;
        String where = p.boundAddress.isEmpty() ? "(accepted connections)" : p.boundAddress;
        String when = exit ? "exited without dropping root" : "still runs as root " + (heldUs / 1_000_000) + " s later";
        Text.fire(out, exe + " " + where, exe + " was root when it bound " + where + " and " + when);
    }
}
