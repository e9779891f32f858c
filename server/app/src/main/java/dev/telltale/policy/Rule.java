package dev.telltale.policy;

/**
 * A detection rule. Implementations are stateless and thread-safe: per-process memory lives
 * in {@link ProcessState}, parameters arrive per call. {@link #evaluate} runs once per event
 * whose type is among {@link RuleInfo#inputs()}, must not block and must not throw on odd
 * values (agents are untrusted; a missing field means "does not match").
 */
public interface Rule {
    RuleInfo info();

    void evaluate(Observation o, RuleParams params, Firing out);
}
