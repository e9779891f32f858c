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
 * Changes under system directories: write-opens (O_WRONLY, O_RDWR, O_CREAT, O_TRUNC), creat,
 * rename (either end), unlink, truncate and, from agents that report them, chmod/chown-like
 * ops. Successful ones only unless {@code include-failed}.
 */
final class SystemWrite implements Rule {
    static final String ID = "files.system-write";
    static final List<String> SYSTEM = List.of("/etc", "/bin", "/sbin", "/usr", "/lib", "/lib32", "/lib64", "/libx32",
            "/boot", "/var/lib/dpkg", "/var/lib/rpm", "/var/lib/apt", "/var/spool/cron", "/root/.ssh");

    private static final RuleInfo INFO = new RuleInfo(ID, "Writes under system paths", Category.FILES, Severity.P2,
            List.of(ParamSpec.strings("system-paths", SYSTEM, "Directories (or globs) whose contents count as system files."),
                    ParamSpec.strings("allowed-paths", List.of("**/__pycache__/**"),
                            "Paths or globs under the system paths that may be written (exceptions)."),
                    ParamSpec.bool("include-failed", false,
                            "Also report attempts that failed (e.g. EACCES as a non-root user).")),
            "Applications have no business changing the operating system's programs, libraries or configuration "
                    + "at run time. Such writes are how attackers persist (cron, ld.so.preload, authorized_keys, "
                    + "replaced binaries) and they make a host or image drift from what was reviewed.",
            "Keep application state in its own data directory or volume, make the root file system read-only "
                    + "(readOnlyRootFilesystem in Kubernetes, --read-only in Docker), install packages at build "
                    + "time, and investigate the evidence event's stack and process if the write was not expected.",
            EnumSet.of(EventType.FILE), true);

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(Observation o, RuleParams params, Firing out) {
        if (!FileOps.mayModify(o.op())) {
            return;
        }
        Msg b = o.event().body();
        String op = Fields.str(b, "op");
        if (!FileOps.modifies(op, b) || (!FileOps.succeeded(b) && !params.bool("include-failed"))) {
            return;
        }
        String path = PathMatch.normalize(Fields.str(b, "path"));
        String path2 = PathMatch.normalize(Fields.str(b, "path2"));
        List<String> system = params.strings("system-paths");
        List<String> allowed = params.strings("allowed-paths");
        // A rename is judged by where the file lands first, then by where it came from.
        String hit = "";
        for (String p : FileOps.rename(op) ? List.of(path2, path) : List.of(path)) {
            if (p.startsWith("/") && PathMatch.matchesAny(p, system) && !PathMatch.matchesAny(p, allowed)) {
                hit = p;
                break;
            }
        }
        if (hit.isEmpty()) {
            return;
        }
        String exe = o.process().exe.isEmpty() ? "pid " + o.event().pid() : o.process().exe;
        String what = FileOps.rename(op) ? op + " " + path + " to " + path2 : op + " " + path + FileOps.flagsText(b);
        String failed = FileOps.succeeded(b) ? "" : " (failed, errno " + Fields.num(b, "errno", 0) + ")";
        Text.fire(out, hit, exe + " changed a system path: " + what + failed);
    }
}
