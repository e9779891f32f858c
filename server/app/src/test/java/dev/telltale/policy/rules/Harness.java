package dev.telltale.policy.rules;

import dev.telltale.journal.AgentContext;
import dev.telltale.policy.Firing;
import dev.telltale.policy.Observation;
import dev.telltale.policy.ProcessState;
import dev.telltale.policy.Rule;
import dev.telltale.policy.RuleParams;
import dev.telltale.policy.Severity;
import dev.telltale.protocol.event.Event;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs rules over events in time order the way the engine does: one {@link ProcessState}
 * per (agent, pid), created on its first event; the parent is the state of its ppid in the
 * same agent; each rule whose inputs hold the event's type gets its index and evaluates with
 * its parameters, then the state folds the event in.
 */
public final class Harness {
    /** What a rule reported. */
    public record Fired(String ruleId, String key, String summary, Severity severity, long uid, long pid) {
    }

    private final List<Rule> rules;
    private final Map<String, RuleParams> params = new HashMap<>();
    private final Map<List<Long>, ProcessState> states = new HashMap<>();
    private final Observation o = new Observation();
    private final List<Fired> fired = new ArrayList<>();

    public Harness() {
        this(BuiltInRules.all());
    }

    Harness(List<Rule> rules) {
        this.rules = rules;
        for (Rule r : rules) {
            params.put(r.info().id(), BuiltInRules.defaults(r.info()));
        }
    }

    /** Replaces some parameters of one rule (others keep their defaults). */
    Harness with(String ruleId, Map<String, Object> overrides) {
        Rule r = rules.stream().filter(x -> x.info().id().equals(ruleId)).findFirst().orElseThrow();
        params.put(ruleId, BuiltInRules.withOverrides(r.info(), overrides));
        return this;
    }

    public Harness run(List<Fixtures.Recorded> events) {
        for (Fixtures.Recorded r : events) {
            observe(r.context(), r.event(), r.uid(), r.timeUs());
        }
        return this;
    }

    void observe(AgentContext ctx, Event e, long uid, long timeUs) {
        ProcessState state = states.computeIfAbsent(List.of(ctx.agentId(), e.pid()),
                k -> new ProcessState(ctx.agentId(), e.pid()));
        Optional<ProcessState> parent = Optional.ofNullable(state.ppid == ProcessState.UNKNOWN ? null
                : states.get(List.of(ctx.agentId(), state.ppid)));
        if (e.type() == dev.telltale.protocol.event.EventType.PROCESS_START) {
            // The start event names its parent itself; the state learns it only after the rules ran.
            long ppid = Fields.num(e.body(), "ppid", ProcessState.UNKNOWN);
            parent = Optional.ofNullable(states.get(List.of(ctx.agentId(), ppid)));
        }
        o.reset(ctx, e, uid, timeUs, state, parent);
        for (int i = 0; i < rules.size(); i++) {
            Rule rule = rules.get(i);
            if (!rule.info().inputs().contains(e.type())) {
                continue;
            }
            o.ruleIndex(i);
            String id = rule.info().id();
            Severity dflt = rule.info().severity();
            rule.evaluate(o, params.get(id), new Firing() {
                @Override
                public void fire(String key, String summary) {
                    fire(key, summary, dflt);
                }

                @Override
                public void fire(String key, String summary, Severity severity) {
                    fired.add(new Fired(id, key, summary, severity, uid, e.pid()));
                }
            });
        }
        state.apply(e, timeUs);
    }

    public List<Fired> fired() {
        return fired;
    }

    List<Fired> fired(String ruleId) {
        return fired.stream().filter(f -> f.ruleId().equals(ruleId)).toList();
    }

    static List<Fired> fired(String ruleId, String... scenarios) {
        Harness h = new Harness();
        for (String s : scenarios) {
            h.run(Fixtures.load(s));
        }
        return h.fired(ruleId);
    }
}
