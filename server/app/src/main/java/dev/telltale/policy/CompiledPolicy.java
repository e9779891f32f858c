package dev.telltale.policy;

import dev.telltale.protocol.event.EventType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A policy ready for the engine: for each event type, the enabled rules that examine it with
 * their parameters and severity, so evaluating an event costs one array lookup and the rules.
 */
public final class CompiledPolicy {
    /** One enabled rule: its catalogue index (its mark bit), parameters and severity. */
    public record Entry(int index, Rule rule, RuleParams params, Severity severity) {
    }

    private static final Entry[] NONE = new Entry[0];
    private final String name;
    private final Entry[][] byType = new Entry[EventType.values().length][];
    private final java.util.Map<String, Entry> byId = new java.util.HashMap<>();

    CompiledPolicy(String name, List<Rule> catalogue, Map<String, RuleSetting> settings) {
        this.name = name;
        List<List<Entry>> lists = new ArrayList<>();
        for (int t = 0; t < byType.length; t++) {
            lists.add(new ArrayList<>());
        }
        for (int i = 0; i < catalogue.size(); i++) {
            Rule r = catalogue.get(i);
            RuleSetting s = settings.get(r.info().id());
            if (s == null || !s.enabled()) {
                continue;
            }
            Entry e = new Entry(i, r, new RuleParams(s.params()), s.severity());
            byId.put(r.info().id(), e);
            for (EventType t : r.info().inputs()) {
                lists.get(t.ordinal()).add(e);
            }
        }
        for (int t = 0; t < byType.length; t++) {
            byType[t] = lists.get(t).isEmpty() ? NONE : lists.get(t).toArray(NONE);
        }
    }

    public String name() {
        return name;
    }

    /** The rule with this id when this policy enables it (rules fed by other modules have no event types). */
    public java.util.Optional<Entry> rule(String id) {
        return java.util.Optional.ofNullable(byId.get(id));
    }

    /** The enabled rules examining {@code type}, in catalogue order; empty when none. */
    public Entry[] rulesFor(EventType type) {
        return byType[type.ordinal()];
    }
}
