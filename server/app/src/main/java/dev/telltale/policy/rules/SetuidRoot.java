package dev.telltale.policy.rules;

import dev.telltale.policy.Category;
import dev.telltale.policy.Firing;
import dev.telltale.policy.Observation;
import dev.telltale.policy.ProcessState;
import dev.telltale.policy.Rule;
import dev.telltale.policy.RuleInfo;
import dev.telltale.policy.RuleParams;
import dev.telltale.policy.Severity;
import dev.telltale.protocol.event.EventType;
import dev.telltale.protocol.event.Msg;

import java.util.EnumSet;
import java.util.List;

/**
 * A process gains root: a successful setuid/seteuid/setreuid/setresuid that makes the
 * effective uid 0 from a non-root one while the real uid stays non-root (a root process
 * restoring its own temporarily dropped euid is not a gain), or a process that starts with
 * effective uid 0 and another real uid (a set-user-ID root program).
 */
final class SetuidRoot implements Rule {
    static final String ID = "privilege.setuid-root";

    private static final RuleInfo INFO = new RuleInfo(ID, "Gains root via setuid", Category.PRIVILEGE, Severity.P1,
            List.of(),
            "A non-root process that becomes root either runs a set-user-ID root program or holds a saved root "
                    + "uid it can return to. Either way a bug in it is a path to root, and an unexpected gain "
                    + "is a typical sign of privilege escalation.",
            "Remove the set-user-ID bit from programs that do not need it (chmod u-s), drop privileges with "
                    + "setresuid so that no saved uid stays 0, and run the container with no-new-privileges.",
            EnumSet.of(EventType.IDENTITY, EventType.PROCESS_START), true);

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(Observation o, RuleParams params, Firing out) {
        Msg b = o.event().body();
        if (o.type() == EventType.PROCESS_START) {
            long uid = Fields.num(b, "uid", ProcessState.UNKNOWN);
            if (Fields.num(b, "euid", ProcessState.UNKNOWN) == 0 && uid > 0) {
                String exe = Fields.str(b, "exe");
                Text.fire(out, exe, exe + " started with effective uid 0 and real uid " + uid
                        + " (a set-user-ID root program)");
            }
            return;
        }
        identity(o, b, out);
    }

    private static void identity(Observation o, Msg b, Firing out) {
        if (Fields.num(b, "result", 0) != 0) {
            return;
        }
        ProcessState p = o.process();
        String op = Fields.str(b, "op");
        List<Long> to = Fields.numbers(b, "to_id");
        List<Long> from = Fields.numbers(b, "from_id");
        long newEuid;
        long fromEuid;
        long realAfter;
        switch (op) {
            case "setuid", "seteuid" -> {
                if (to.isEmpty()) {
                    return;
                }
                newEuid = to.get(0);
                fromEuid = from.isEmpty() ? p.euid : from.get(0);
                // setuid from euid 0 sets every uid; from another euid only the effective one.
                realAfter = op.equals("setuid") && fromEuid == 0 ? newEuid : p.uid;
            }
            case "setreuid", "setresuid" -> {
                if (to.size() < 2) {
                    return;
                }
                newEuid = to.get(1);
                fromEuid = from.size() >= 2 ? from.get(1) : p.euid;
                realAfter = to.get(0);
            }
            default -> {
                return;
            }
        }
        if (newEuid != 0 || fromEuid == 0 || fromEuid == ProcessState.UNKNOWN || realAfter == 0) {
            return;
        }
        String exe = p.exe.isEmpty() ? "pid " + o.event().pid() : p.exe;
        Text.fire(out, exe, exe + " gained root: " + op + " " + to + " took the effective uid from " + fromEuid
                + " to 0 (real uid " + (realAfter == ProcessState.UNKNOWN ? "unknown" : realAfter) + ")");
    }
}
