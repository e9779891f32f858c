package dev.telltale.policy.rules;

import dev.telltale.policy.Observation;
import dev.telltale.protocol.event.EventType;
import dev.telltale.protocol.event.Msg;

import java.util.List;
import java.util.Optional;

/**
 * The program a process event starts, for rules about what runs: the exec event of a process
 * replacing its image (before the call; a failed exec adds one with a negative result) or the
 * process_start of the new image. Spawn events are not used: the child's own process_start
 * reports the same program, and counting both would double every spawn.
 */
record Spawned(String path, List<String> argv, boolean exec) {

    static Optional<Spawned> of(Observation o) {
        Msg b = o.event().body();
        if (o.type() == EventType.PROCESS_START) {
            String exe = Fields.str(b, "exe");
            return exe.isEmpty() ? Optional.empty() : Optional.of(new Spawned(exe, Fields.strings(b, "argv"), false));
        }
        if (o.type() == EventType.PROCESS && Fields.str(b, "op").equals("exec") && FileOps.succeeded(b)) {
            String path = Fields.str(b, "path");
            return path.isEmpty() ? Optional.empty() : Optional.of(new Spawned(path, Fields.strings(b, "argv"), true));
        }
        return Optional.empty();
    }

    /**
     * The name under which the program is in {@code names}: argv[0]'s basename first (sh for
     * /usr/bin/dash started as sh), then the file's own (busybox: the applet); "" when neither is.
     */
    String nameIn(List<String> names) {
        if (!argv.isEmpty()) {
            String a0 = Text.basename(argv.get(0));
            if (Text.named(a0, names) && !a0.startsWith("busybox")) {
                return a0;
            }
        }
        String prog = Text.program(path, argv);
        return Text.named(prog, names) ? prog : "";
    }
}
