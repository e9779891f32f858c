package dev.telltale.rbac;

import dev.telltale.store.Scope;

import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What one signed-in user may do: organisation Admin or not, and a role per team. Every
 * decision about a user's rights is made through this type.
 */
public record Access(long userId, String username, boolean orgAdmin, Map<Long, TeamRole> teams) {
    public Access {
        teams = Map.copyOf(teams);
    }

    /** Whether the user holds {@code p} somewhere (in some team, or organisation-wide). */
    public boolean can(Permission p) {
        return switch (p.level()) {
            case NONE -> true;
            case ORG -> orgAdmin;
            case TEAM -> orgAdmin || teams.values().stream().anyMatch(r -> r.grants(p));
        };
    }

    /** Whether the user holds {@code p} for the things of team {@code teamId}. */
    public boolean can(Permission p, long teamId) {
        if (p.level() != Permission.Level.TEAM) {
            return can(p);
        }
        if (orgAdmin) {
            return true;
        }
        TeamRole r = teams.get(teamId);
        return r != null && r.grants(p);
    }

    /** The teams in which the user holds {@code p}, as a read scope (everything for Admins). */
    public Scope scope(Permission p) {
        if (orgAdmin) {
            return Scope.everything();
        }
        Set<Long> ids = teams.entrySet().stream().filter(e -> e.getValue().grants(p)).map(Map.Entry::getKey)
                .collect(Collectors.toSet());
        return Scope.teams(ids);
    }
}
