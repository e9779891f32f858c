package dev.telltale.policy;

import dev.telltale.protocol.event.EventType;

import java.util.List;
import java.util.Set;

/** Two small rules for engine and policy tests: one per event, one stateful per process. */
public final class TestRules {
    private TestRules() {
    }

    /** Fires for file events on a listed path; key = the path. In Standard. */
    public static final Rule SHADOW = new Rule() {
        private final RuleInfo info = new RuleInfo("test.shadow-open", "Opens a listed file", Category.FILES, Severity.P2,
                List.of(ParamSpec.strings("paths", List.of("/etc/shadow"), "paths that fire")),
                "test rationale", "test remediation", Set.of(EventType.FILE), true);

        @Override
        public RuleInfo info() {
            return info;
        }

        @Override
        public void evaluate(Observation o, RuleParams params, Firing out) {
            String path = o.event().body().string("path").orElse("");
            if (params.strings("paths").contains(path)) {
                out.fire(path, "opened " + path);
            }
        }
    };

    /** Fires once per process that is root and has bound a socket; key = exe. Max Alert only. */
    public static final Rule ROOT_BOUND = new Rule() {
        private final RuleInfo info = new RuleInfo("test.root-bound", "Root process bound a socket", Category.PRIVILEGE,
                Severity.P1, List.of(), "test rationale", "test remediation",
                Set.of(EventType.NETWORK, EventType.HEARTBEAT), false);

        @Override
        public RuleInfo info() {
            return info;
        }

        @Override
        public void evaluate(Observation o, RuleParams params, Firing out) {
            if (o.process().root() && o.process().networkFacing && o.markOnce()) {
                out.fire(o.process().exe, o.process().exe + " is root and bound " + o.process().boundAddress);
            }
        }
    };

    public static List<Rule> all() {
        return List.of(SHADOW, ROOT_BOUND);
    }
}
