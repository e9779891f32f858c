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

import java.util.EnumSet;
import java.util.List;

/**
 * Network tools or package managers run inside a container (container_runtime of the new
 * image's process_start, or of the process that exec's). Once per process: the exec and the
 * start of the same image count once.
 */
final class ToolsInContainer implements Rule {
    static final String ID = "process.tools-in-container";

    private static final RuleInfo INFO = new RuleInfo(ID, "Network tools or package managers run inside containers",
            Category.PROCESS, Severity.P3,
            List.of(ParamSpec.strings("network-tools", Names.NETWORK_TOOLS, "Program names of network tools (basename)."),
                    ParamSpec.strings("package-managers", Names.PACKAGE_MANAGERS,
                            "Program names of package managers (basename).")),
            "Containers are built once and run unchanged: a package manager at run time means the image drifts "
                    + "from what was scanned, and curl, wget, nc or ssh inside a running container are how "
                    + "attackers fetch tools and move laterally.",
            "Install everything at image build time, use minimal or distroless base images without these tools, "
                    + "and make the root file system read-only. If a health check or entry script needs curl, "
                    + "remove it from the parameter list.",
            EnumSet.of(EventType.PROCESS, EventType.PROCESS_START), true);

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(Observation o, RuleParams params, Firing out) {
        var spawned = Spawned.of(o);
        if (spawned.isEmpty()) {
            return;
        }
        String runtime = spawned.get().exec() ? o.process().containerRuntime
                : Fields.str(o.event().body(), "container_runtime");
        if (runtime.isEmpty()) {
            return;
        }
        String tool = spawned.get().nameIn(params.strings("network-tools"));
        String kind = "network tool";
        if (tool.isEmpty()) {
            tool = spawned.get().nameIn(params.strings("package-managers"));
            kind = "package manager";
        }
        if (tool.isEmpty() || !o.markOnce()) {
            return;
        }
        Text.fire(out, tool, kind + " " + tool + " ran inside a " + runtime + " container: "
                + Text.command(spawned.get().argv().isEmpty() ? List.of(spawned.get().path()) : spawned.get().argv()));
    }
}
