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
 * Unsafe memory operations: every memory_warning (the interceptor raises one only when the
 * destination's size is known and the copy may overflow it), and api events of agents that
 * report calls of inherently unsafe functions by name.
 */
final class UnsafeMemory implements Rule {
    static final String ID = "memory.unsafe-operation";
    static final List<String> UNSAFE = List.of("gets", "strcpy", "strcat", "sprintf", "vsprintf", "stpcpy", "wcscpy",
            "wcscat", "scanf", "sscanf", "fscanf", "realpath", "getwd");

    private static final RuleInfo INFO = new RuleInfo(ID, "Unsafe memory operation (buffer overflow risk)",
            Category.MEMORY, Severity.P2,
            List.of(ParamSpec.strings("unsafe-functions", UNSAFE,
                    "Function names that count as unsafe when an agent reports a call of them as an api event.")),
            "A string copy or format into a buffer that is too small overwrites neighbouring memory: crashes, "
                    + "corrupted data and, when an attacker controls the input, code execution.",
            "Use bounded functions (snprintf, strlcpy/strlcat or memcpy with checked lengths, fgets instead of "
                    + "gets), size buffers from the input, and build with -D_FORTIFY_SOURCE=3 and sanitizers in "
                    + "testing. The stack trace of the evidence event shows the call site.",
            EnumSet.of(EventType.MEMORY_WARNING, EventType.API), true);

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(Observation o, RuleParams params, Firing out) {
        if (o.type() == EventType.API && !params.strings("unsafe-functions").contains(o.op())) {
            return; // most api events are other functions: judged without decoding them
        }
        Msg b = o.event().body();
        String exe = o.process().exe.isEmpty() ? "pid " + o.event().pid() : o.process().exe;
        if (o.event().type() == EventType.API) {
            String api = Fields.str(b, "api");
            if (!api.isEmpty() && params.strings("unsafe-functions").contains(api)) {
                Text.fire(out, api + ":call", exe + " called " + api + ", which cannot bound what it writes");
            }
            return;
        }
        String kind = Fields.str(b, "kind");
        String function = Fields.str(b, "function");
        if (kind.isEmpty() && function.isEmpty()) {
            return;
        }
        StringBuilder s = new StringBuilder(exe).append(": ").append(function.isEmpty() ? "?" : function)
                .append(" may overflow its destination (").append(kind.isEmpty() ? "?" : kind);
        String detail = Fields.str(b, "detail");
        if (!detail.isEmpty()) {
            s.append(", ").append(detail);
        }
        long dest = Fields.num(b, "dest_size", -1);
        long src = Fields.num(b, "src_size", -1);
        if (detail.isEmpty() && dest >= 0 && src >= 0) {
            s.append(", ").append(src).append(" bytes into ").append(dest);
        }
        s.append(")");
        long suppressed = Fields.num(b, "suppressed", 0);
        if (suppressed > 0) {
            s.append("; ").append(suppressed).append(" more since the last warning");
        }
        Text.fire(out, (function.isEmpty() ? "?" : function) + ":" + kind, s.toString());
    }
}
