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

import java.util.EnumSet;
import java.util.List;

/**
 * A shell started by a network-facing process: the process itself exec'ing a shell, or a
 * shell whose parent (fork + exec, posix_spawn, system, popen) faces the network. One finding
 * per shell process: its exec event and the process_start of the shell image share the pid,
 * so {@link Observation#markOnce()} keeps the second from counting again.
 */
final class ShellFromNetwork implements Rule {
    static final String ID = "process.shell-from-network";

    private static final RuleInfo INFO = new RuleInfo(ID, "Shell spawned by a network-facing process",
            Category.PROCESS, Severity.P1,
            List.of(ParamSpec.strings("shells", Names.SHELLS, "Program names that count as shells (basename)."),
                    ParamSpec.strings("allowed-parents", List.of(),
                            "Network-facing programs (paths or globs) allowed to start shells.")),
            "A shell started by a process that accepts network connections is the classic outcome of command "
                    + "injection, deserialisation and remote code execution bugs: the attacker's commands run with "
                    + "the service's privileges.",
            "Do not build shell command lines from request data; run programs directly with an argument vector "
                    + "(execve, ProcessBuilder, subprocess without shell=True). If the service legitimately runs "
                    + "shell scripts, allow it with allowed-parents; otherwise treat the host as compromised.",
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
        String shell = spawned.get().nameIn(params.strings("shells"));
        if (shell.isEmpty()) {
            return;
        }
        // The process itself (an exec in place, or a shell image started in a pid that served)
        // or its parent faces the network.
        ProcessState source = o.process().networkFacing ? o.process()
                : o.parent().filter(p -> p.networkFacing).orElse(null);
        if (source == null) {
            return;
        }
        String parentExe = source.exe.isEmpty() ? "pid " + source.pid : source.exe;
        // Marked before the allowed-parents check: the image an allowed exec-in-place starts must
        // not be judged again with the shell as its own "network-facing parent".
        if (!o.markOnce() || PathMatch.matchesAny(parentExe, params.strings("allowed-parents"))) {
            return;
        }
        String where = source.boundAddress.isEmpty() ? "" : " (listening on " + source.boundAddress + ")";
        Text.fire(out, parentExe + " -> " + shell, parentExe + where + " started a shell: "
                + Text.command(spawned.get().argv().isEmpty() ? List.of(spawned.get().path()) : spawned.get().argv()));
    }
}
