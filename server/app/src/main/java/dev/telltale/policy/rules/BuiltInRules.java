package dev.telltale.policy.rules;

import dev.telltale.policy.Rule;

import java.util.List;

/** The built-in rule catalogue in its stable order (placeholder until the rules land). */
public final class BuiltInRules {
    private BuiltInRules() {
    }

    public static List<Rule> all() {
        return List.of();
    }
}
