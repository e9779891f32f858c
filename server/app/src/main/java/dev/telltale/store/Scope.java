package dev.telltale.store;

import java.util.Set;

/** Which teams' events a reader may see. */
public record Scope(boolean all, Set<Long> teams) {
    public Scope {
        teams = Set.copyOf(teams);
    }

    public static Scope everything() {
        return new Scope(true, Set.of());
    }

    public static Scope teams(Set<Long> teamIds) {
        return new Scope(false, teamIds);
    }
}
