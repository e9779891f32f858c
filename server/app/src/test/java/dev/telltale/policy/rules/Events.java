package dev.telltale.policy.rules;

import dev.telltale.journal.AgentContext;
import dev.telltale.protocol.event.Event;
import dev.telltale.protocol.event.EventType;
import dev.telltale.protocol.event.Msg;
import dev.telltale.protocol.event.Schemas;

import java.util.ArrayList;
import java.util.List;

/**
 * Hand-built events (as the load generator builds them with Event.of) for what cannot be
 * recorded on the test machine; each test says why.
 */
final class Events {
    static final AgentContext CTX = new AgentContext(9, "agent-9", 1, "default", "shop", "api", "1.0", "host-a");
    private static long uid = 1_000_000;

    private Events() {
    }

    /** An event with body fields from name/value pairs (ints become longs, lists are repeated values). */
    static Fixtures.Recorded ev(EventType type, long pid, long timeUs, Object... kv) {
        Event e = Event.of(type, 0, pid, pid);
        for (int i = 0; i < kv.length; i += 2) {
            e.body().set((String) kv[i], norm(kv[i + 1]));
        }
        return new Fixtures.Recorded(CTX, e, uid++, timeUs);
    }

    static Fixtures.Recorded start(long pid, long ppid, String exe, long uid, long euid, Object... more) {
        List<Object> kv = new ArrayList<>(List.of("hostname", "host-a", "exe", exe, "ppid", ppid, "uid", uid, "euid", euid,
                "argv", List.of(exe)));
        kv.addAll(List.of(more));
        return ev(EventType.PROCESS_START, pid, 1_000_000, kv.toArray());
    }

    static Msg env(String name, String value, boolean masked) {
        Msg m = new Msg(Schemas.ENV_VAR).set("env.name", name).set("env.value", value);
        if (masked) {
            m.set("env.masked", true).set("env.hash", "00ff");
        }
        return m;
    }

    private static Object norm(Object v) {
        if (v instanceof Integer i) {
            return (long) i;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(x -> out.add(norm(x)));
            return out;
        }
        return v;
    }
}
