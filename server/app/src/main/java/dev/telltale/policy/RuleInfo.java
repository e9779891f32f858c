package dev.telltale.policy;

import dev.telltale.protocol.event.EventType;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a rule is, for policies, the API and docs/rules.md: a stable id (lower-case, dotted,
 * e.g. {@code files.credential-read}), title, category, default severity, parameters,
 * rationale and remediation, the event types it examines, and whether the built-in
 * "Standard" policy enables it ("Max Alert" enables every rule).
 * A rule with no input types is fed by another component (supply chain: the SBOM module).
 */
public record RuleInfo(String id, String title, Category category, Severity severity, List<ParamSpec> params,
                       String rationale, String remediation, Set<EventType> inputs, boolean inStandard) {
    private static final Pattern ID = Pattern.compile("[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)+");

    public RuleInfo {
        Objects.requireNonNull(title);
        Objects.requireNonNull(category);
        Objects.requireNonNull(severity);
        Objects.requireNonNull(rationale);
        Objects.requireNonNull(remediation);
        if (!ID.matcher(id).matches() || id.length() > 64) {
            throw new IllegalArgumentException("bad rule id " + id);
        }
        params = List.copyOf(params);
        inputs = Set.copyOf(inputs);
    }

    public boolean external() {
        return inputs.isEmpty();
    }
}
