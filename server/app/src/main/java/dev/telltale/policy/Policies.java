package dev.telltale.policy;

import dev.telltale.db.Database;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Policies and their assignment to applications, stored in Derby. Built-in policies
 * ("Standard", "Max Alert") are read-only and derived from the rule catalogue; custom policies
 * are clones with changes. Every change is audited in its own transaction and published as a
 * new {@link #current()} snapshot at once.
 */
public interface Policies {
    String STANDARD = "Standard";
    String MAX_ALERT = "Max Alert";

    static Policies create(Database db, List<Rule> catalogue, Clock clock) {
        return new DbPolicies(db, catalogue, clock);
    }

    /** The rule catalogue, in its stable order. */
    List<Rule> catalogue();

    /** What the engine evaluates with now. */
    PolicySnapshot current();

    List<Policy> list();

    Optional<Policy> byId(long id);

    Optional<Policy> byName(String name);

    /**
     * Creates a custom policy from {@code draft.basedOn()} (Standard when absent) with the
     * draft's changes.
     *
     * @throws PolicyException INVALID for a bad name, unknown base, rule or parameter;
     *                         CONFLICT when the name is taken
     */
    default Policy create(PolicyDraft draft, String actor) {
        return create(draft, Optional.empty(), actor);
    }

    /**
     * As {@link #create(PolicyDraft, String)}, owned by {@code team} when given (only that team's
     * applications and agents can use it; it may start from built-in, organisation-wide or that
     * team's policies).
     *
     * @throws PolicyException INVALID also when the base belongs to another team
     */
    Policy create(PolicyDraft draft, Optional<Long> team, String actor);

    /**
     * Applies the draft's name, description and rule changes to a custom policy.
     *
     * @throws PolicyException NOT_FOUND, READ_ONLY for built-in policies, INVALID, CONFLICT
     */
    Policy update(long id, PolicyDraft draft, String actor);

    /**
     * Deletes a custom policy that is neither the default nor assigned.
     *
     * @throws PolicyException NOT_FOUND, READ_ONLY, CONFLICT (in use)
     */
    void delete(long id, String actor);

    /** Applications with their assigned policy (empty: the default applies). */
    List<Assignment> assignments();

    /**
     * Assigns a policy to an application, or clears the assignment when {@code policyId} is empty.
     *
     * @throws PolicyException NOT_FOUND for an unknown application or policy; INVALID when the
     *                         policy belongs to another team than the application
     */
    Assignment assign(long applicationId, Optional<Long> policyId, String actor);

    Policy defaultPolicy();

    /** @throws PolicyException NOT_FOUND */
    void setDefault(long policyId, String actor);

    record Assignment(long applicationId, long teamId, String teamName, String application, Optional<String> policy) {
    }
}
