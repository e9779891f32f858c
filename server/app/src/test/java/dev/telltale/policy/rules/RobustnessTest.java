package dev.telltale.policy.rules;

import dev.telltale.policy.Finding;
import dev.telltale.policy.Firing;
import dev.telltale.policy.Observation;
import dev.telltale.policy.ProcessState;
import dev.telltale.policy.Rule;
import dev.telltale.policy.Severity;
import dev.telltale.protocol.event.Event;
import dev.telltale.protocol.event.EventType;
import dev.telltale.protocol.event.FieldDef;
import dev.telltale.protocol.event.FieldKind;
import dev.telltale.protocol.event.Msg;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rules never throw on what untrusted agents may send, and keys and summaries stay within limits. */
class RobustnessTest {
    static final Firing NEVER = new Firing() {
        @Override
        public void fire(String key, String summary) {
            throw new AssertionError("fired " + key);
        }

        @Override
        public void fire(String key, String summary, Severity severity) {
            throw new AssertionError("fired " + key);
        }
    };

    private static final Firing BOUNDED = new Firing() {
        @Override
        public void fire(String key, String summary) {
            assertTrue(key.length() <= Finding.KEY_MAX && summary.length() <= Finding.SUMMARY_MAX, key);
        }

        @Override
        public void fire(String key, String summary, Severity severity) {
            fire(key, summary);
        }
    };

    /** Process states a rule may meet: fresh, and a root, network-facing, containerised one that dropped nothing. */
    private static List<ProcessState> states() {
        ProcessState fresh = new ProcessState(1, 100);
        ProcessState busy = new ProcessState(1, 101);
        busy.euid = 0;
        busy.uid = 0;
        busy.networkFacing = true;
        busy.boundAsRoot = true;
        busy.firstBindUs = 0;
        busy.containerRuntime = "docker";
        busy.lastDnsResolved = "  ";
        return List.of(fresh, busy);
    }

    @Test
    void emptyBodiesWithOnlyRequiredFields() {
        for (EventType t : EventType.values()) {
            for (Object filler : new Object[]{null, "", 0L}) {
                Event e = Event.of(t, 0, 100, 100);
                for (FieldDef f : t.schema().fields()) {
                    if (f.isRequired()) {
                        e.body().set(f, requiredValue(f, filler));
                    }
                }
                runAll(e);
            }
        }
    }

    @Test
    void mutatedRecordedEvents() {
        Random r = new Random(42);
        File dir = new File("src/test/resources/policy-fixtures");
        String[] names = dir.list((d, n) -> n.endsWith(".json"));
        assertTrue(names != null && names.length >= 20, "fixtures present");
        for (String n : names) {
            List<Fixtures.Recorded> events = Fixtures.load(n.replace(".json", ""));
            for (int round = 0; round < 3; round++) {
                List<Fixtures.Recorded> mutated = new ArrayList<>();
                for (Fixtures.Recorded rec : events) {
                    Event copy = new Event(rec.event().type(), 0, r.nextInt(4) == 0 ? 100 : rec.event().pid(),
                            rec.event().tid(), List.of(), mutate(rec.event().body(), r));
                    mutated.add(new Fixtures.Recorded(rec.context(), copy, rec.uid(), rec.timeUs()
                            + (r.nextInt(10) == 0 ? -r.nextInt(1_000_000_000) : 0)));
                }
                Harness h = new Harness().run(mutated);
                for (Harness.Fired f : h.fired()) {
                    assertTrue(f.key().length() <= Finding.KEY_MAX && f.summary().length() <= Finding.SUMMARY_MAX);
                    assertTrue(!f.key().contains("\n") && !f.summary().contains("\n"), f.toString());
                }
            }
        }
    }

    @Test
    void hugeValuesAreClipped() {
        String deep = "/etc/" + "x".repeat(5000) + "\nforged line";
        var events = List.of(Events.ev(EventType.FILE, 1, 1, "op", "creat", "path", deep, "mode", 0646, "result", 3),
                Events.ev(EventType.NETWORK, 1, 2, "op", "dns", "fqdn", List.of("a".repeat(3000) + ".ngrok.io")));
        Harness h = new Harness().run(events);
        assertTrue(h.fired().size() >= 3, h.fired().toString());
        for (Harness.Fired f : h.fired()) {
            assertTrue(f.key().length() <= Finding.KEY_MAX && f.summary().length() <= Finding.SUMMARY_MAX);
            assertTrue(!f.key().contains("\n") && !f.summary().contains("\n"));
        }
    }

    private static void runAll(Event e) {
        for (ProcessState s : states()) {
            for (Optional<ProcessState> parent : List.of(Optional.<ProcessState>empty(), Optional.of(states().get(1)))) {
                Observation o = new Observation().reset(Events.CTX, e, 1, 120_000_000, s, parent);
                List<Rule> rules = BuiltInRules.all();
                for (int i = 0; i < rules.size(); i++) {
                    o.ruleIndex(i);
                    rules.get(i).evaluate(o, BuiltInRules.defaults(rules.get(i).info()), BOUNDED);
                }
                s.apply(e, 120_000_000);
            }
        }
    }

    private static Object requiredValue(FieldDef f, Object filler) {
        Object v = switch (f.kind()) {
            case STRING -> filler instanceof String s ? s : "x";
            case UINT, SINT -> 0L;
            case BOOL -> false;
            case BYTES -> new byte[0];
            case MESSAGE -> new Msg(f.messageSchema());
        };
        return f.repeated() ? List.of(v) : v;
    }

    /** A copy of a body with fields dropped, emptied or replaced by odd values of the same kind. */
    private static Msg mutate(Msg m, Random r) {
        Msg out = new Msg(m.schema());
        for (FieldDef f : m.schema().fields()) {
            Object v = m.raw(f);
            if (v == null || r.nextInt(5) == 0) {
                continue;
            }
            if (r.nextInt(3) == 0) {
                v = f.repeated() ? (r.nextBoolean() ? List.of() : List.of(odd(f, r))) : odd(f, r);
            } else if (v instanceof Msg nested) {
                v = mutate(nested, r);
            } else if (f.repeated() && f.kind() == FieldKind.MESSAGE) {
                List<Object> items = new ArrayList<>();
                for (Object item : (List<?>) v) {
                    items.add(mutate((Msg) item, r));
                }
                v = items;
            }
            out.replace(f, v);
        }
        return out;
    }

    private static Object odd(FieldDef f, Random r) {
        return switch (f.kind()) {
            case STRING -> List.of("", "/", "..", "/../../etc/shadow", "a".repeat(9000), "\u0000\n\t", "::", "0.0.0.0",
                    "é/…/\uD83D\uDE00", "*", "busybox").get(r.nextInt(11));
            case UINT, SINT -> List.of(0L, -1L, Long.MAX_VALUE, Long.MIN_VALUE, 65536L, 2L).get(r.nextInt(6));
            case BOOL -> r.nextBoolean();
            case BYTES -> new byte[r.nextInt(3)];
            case MESSAGE -> new Msg(f.messageSchema());
        };
    }
}
