package dev.telltale.policy.rules;

import dev.telltale.policy.ParamSpec;
import dev.telltale.policy.Rule;
import dev.telltale.policy.RuleInfo;
import dev.telltale.policy.RuleParams;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The built-in detection rules of the alert catalogue (docs/rules.md). */
public final class BuiltInRules {
    /**
     * Stable order: a rule's index is its mark bit in {@code ProcessState.marks}, so rules are
     * only ever appended, never reordered or removed (at most 64).
     */
    private static final List<Rule> ALL = List.of(
            new RootNoDrop(),
            new SetuidRoot(),
            new UnsafeMemory(),
            new EnvSecrets(),
            new BearerPlaintext(),
            new SystemWrite(),
            new CredentialRead(),
            new WorldWritable(),
            new ExecFromWritableDir(),
            new ListenAllInterfaces(),
            new DisallowedOutbound(),
            new DnsListedDomain(),
            new WebappWithoutTls(),
            new ShellFromNetwork(),
            new ToolsInContainer(),
            new UnusualLibraryPath(),
            ExternalRule.vulnerablePackage(),
            ExternalRule.licenceViolation());

    static {
        if (ALL.size() > 64) {
            throw new IllegalStateException("more rules than mark bits");
        }
    }

    private BuiltInRules() {
    }

    /** Every built-in rule, in the same order on every call and in every release (append only). */
    public static List<Rule> all() {
        return ALL;
    }

    /** A rule's parameters with every value at its default (what a policy that sets none gets). */
    public static RuleParams defaults(RuleInfo info) {
        return withOverrides(info, Map.of());
    }

    /**
     * A rule's defaults with some values replaced. Overrides must have their {@link ParamSpec}'s
     * type; names the rule does not declare are ignored.
     */
    public static RuleParams withOverrides(RuleInfo info, Map<String, Object> overrides) {
        Map<String, Object> values = new HashMap<>();
        for (ParamSpec p : info.params()) {
            values.put(p.name(), overrides.getOrDefault(p.name(), p.defaultValue()));
        }
        return new RuleParams(values);
    }
}
