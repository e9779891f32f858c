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
 * Libraries (dependency events other than the main executable) loaded from a writable
 * directory, a home directory, or by a relative path.
 */
final class UnusualLibraryPath implements Rule {
    static final String ID = "libraries.unusual-path";

    private static final RuleInfo INFO = new RuleInfo(ID, "Library loaded from a writable or unusual path",
            Category.LIBRARIES, Severity.P3,
            List.of(ParamSpec.strings("writable-dirs", Names.WRITABLE_DIRS, "Directories (or globs) any user can write to."),
                    ParamSpec.strings("home-dirs", List.of("/home", "/root"), "Home directories (or globs)."),
                    ParamSpec.strings("allowed-paths", List.of("**/libtelltale.so", "**/.telltale/**"),
                            "Libraries (paths or globs) that may load from there, e.g. the Telltale agent itself.")),
            "Code loaded from a directory others can write, from a user's home or through a relative path can "
                    + "be replaced or planted (library hijacking, LD_PRELOAD or dlopen injection), and is not what "
                    + "the packaged, reviewed application ships.",
            "Install libraries in root-owned system or application directories, load them by absolute path, "
                    + "avoid relative entries in LD_LIBRARY_PATH and RPATH, and point extractors (JNA, Netty, "
                    + "SQLite JDBC) at a private directory instead of /tmp.",
            EnumSet.of(EventType.DEPENDENCY), false);

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(Observation o, RuleParams params, Firing out) {
        Msg b = o.event().body();
        String raw = Fields.str(b, "path");
        if (raw.isEmpty() || Fields.str(b, "load").equals("exe")) {
            return; // the main program is files.exec-from-writable-dir's business
        }
        String path = PathMatch.normalize(raw);
        String why;
        if (!path.startsWith("/")) {
            why = "by a relative path";
        } else if (PathMatch.matchesAny(path, params.strings("writable-dirs"))) {
            why = "from a writable directory";
        } else if (PathMatch.matchesAny(path, params.strings("home-dirs"))) {
            why = "from a home directory";
        } else {
            return;
        }
        if (PathMatch.matchesAny(path, params.strings("allowed-paths"))) {
            return;
        }
        String exe = o.process().exe.isEmpty() ? "pid " + o.event().pid() : o.process().exe;
        String load = Fields.str(b, "load");
        Text.fire(out, path, exe + " loaded " + path + (load.isEmpty() ? "" : " (" + load + ")") + " " + why);
    }
}
