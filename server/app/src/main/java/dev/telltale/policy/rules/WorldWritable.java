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
 * Files created with, or changed to, a mode that lets every user write them (other-write bit
 * 0002). The native agent reports the mode the program asked for, before the umask: 0666 and
 * 0777 are what nearly every program passes to let the umask decide (Python's open(), shell
 * redirections, linkers), so by default only explicit world-writable modes count. Sticky
 * directories, /dev, /proc and /sys are not reported.
 */
final class WorldWritable implements Rule {
    static final String ID = "files.world-writable-created";
    private static final long OTHER_WRITE = 02;
    private static final long STICKY = 01000;
    private static final List<String> PSEUDO = List.of("/dev", "/proc", "/sys");

    private static final RuleInfo INFO = new RuleInfo(ID, "World-writable files created", Category.FILES, Severity.P3,
            List.of(ParamSpec.bool("ignore-default-modes", true,
                            "Do not report creations asking for 0666 or 0777, the modes programs pass to let the "
                                    + "umask decide (the agent reports the requested mode, not the umask)."),
                    ParamSpec.strings("allowed-paths", List.of(), "Paths or globs that may be world-writable.")),
            "A file every local user or process can write can be changed by anyone who gets a foothold on the "
                    + "host: configuration, scripts and data files become a way to inject code or tamper with "
                    + "results, and shared containers or hosts make that easy.",
            "Create files with explicit restrictive modes (0600/0640/0644), keep a sane umask (022 or 027) and "
                    + "never call umask(0) before creating files; if several users must share a file, use a group.",
            EnumSet.of(EventType.FILE), true);

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(Observation o, RuleParams params, Firing out) {
        if (!FileOps.chmod(o.op()) && !FileOps.open(o.op())) {
            return; // only opens (creat is one) and chmods create or change a mode
        }
        Msg b = o.event().body();
        String op = Fields.str(b, "op");
        boolean chmod = FileOps.chmod(op);
        if ((!chmod && !FileOps.creates(op, b)) || !FileOps.succeeded(b) || !Fields.has(b, "mode")) {
            return;
        }
        long mode = Fields.num(b, "mode", 0) & 07777;
        if ((mode & OTHER_WRITE) == 0 || (mode & STICKY) != 0) {
            return;
        }
        if (!chmod && params.bool("ignore-default-modes") && (mode == 0666 || mode == 0777)) {
            return;
        }
        String path = PathMatch.normalize(Fields.str(b, "path"));
        if (path.isEmpty() || PathMatch.matchesAny(path, PSEUDO) || PathMatch.matchesAny(path, params.strings("allowed-paths"))) {
            return;
        }
        String exe = o.process().exe.isEmpty() ? "pid " + o.event().pid() : o.process().exe;
        Text.fire(out, path, exe + (chmod ? " made " + path + " world-writable: " : " created " + path + " with mode ")
                + Text.octal(mode) + " (every user may write it)");
    }
}
