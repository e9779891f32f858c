package dev.telltale.policy.rules;

import dev.telltale.policy.Category;
import dev.telltale.policy.Firing;
import dev.telltale.policy.Observation;
import dev.telltale.policy.ParamSpec;
import dev.telltale.policy.Rule;
import dev.telltale.policy.RuleInfo;
import dev.telltale.policy.RuleParams;
import dev.telltale.policy.Severity;
import dev.telltale.protocol.event.EventType;
import dev.telltale.protocol.event.Msg;

import java.util.EnumSet;
import java.util.List;

/**
 * A program run from a writable directory. Seen as the exec event of the process that
 * replaces its image, the process_start of the new image (spawned children) or, for static
 * programs that no interceptor enters, the launcher's {@code telltale.coverage} api event.
 * Once per process, so the exec and the start of the same image count once; spawn events
 * are left to the child's own process_start.
 */
final class ExecFromWritableDir implements Rule {
    static final String ID = "files.exec-from-writable-dir";
    static final String COVERAGE_API = "telltale.coverage";

    private static final RuleInfo INFO = new RuleInfo(ID, "Exec from writable directories", Category.FILES,
            Severity.P2,
            List.of(ParamSpec.strings("writable-dirs", Names.WRITABLE_DIRS,
                            "Directories (or globs) any user can write to."),
                    ParamSpec.strings("allowed-paths", List.of("/tmp/go-build*/**"),
                            "Programs (paths or globs) that may run from there, e.g. `go run` builds.")),
            "Attackers drop payloads where they can write — /tmp, /var/tmp, /dev/shm — and run them from there. "
                    + "Legitimate software is installed in system or application directories and rarely runs "
                    + "from a temporary one.",
            "Install programs in root-owned directories, mount /tmp, /var/tmp and /dev/shm noexec, and if a tool "
                    + "must unpack and run helpers, give it its own private directory and allow it in the policy.",
            EnumSet.of(EventType.PROCESS, EventType.PROCESS_START, EventType.API), true);

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(Observation o, RuleParams params, Firing out) {
        if ((o.type() == EventType.API && !o.op().equals(COVERAGE_API))
                || (o.type() == EventType.PROCESS && !o.op().equals("exec"))) {
            return; // judged by the function or operation alone, without decoding the event
        }
        Msg b = o.event().body();
        String path;
        String how;
        switch (o.type()) {
            case PROCESS -> {
                if (!Fields.str(b, "op").equals("exec") || !FileOps.succeeded(b)) {
                    return;
                }
                path = Fields.str(b, "path");
                how = "exec";
            }
            case PROCESS_START -> {
                path = Fields.str(b, "exe");
                how = "started";
            }
            case API -> {
                List<String> args = Fields.strings(b, "args");
                if (!Fields.str(b, "api").equals(COVERAGE_API) || args.isEmpty()) {
                    return;
                }
                path = args.get(0);
                how = "static program";
            }
            default -> {
                return;
            }
        }
        String p = PathMatch.normalize(path);
        if (!p.startsWith("/") || !PathMatch.matchesAny(p, params.strings("writable-dirs"))
                || PathMatch.matchesAny(p, params.strings("allowed-paths")) || !o.markOnce()) {
            return;
        }
        String by = o.type() == EventType.PROCESS_START || o.process().exe.isEmpty() ? ""
                : " by " + o.process().exe;
        Text.fire(out, p, p + " ran from a writable directory (" + how + by + ")");
    }
}
