package dev.telltale.sso;

import dev.telltale.rbac.TeamRole;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The access provider groups grant, with teams resolved to ids: group mappings, the default for
 * users none of whose groups is mapped, and the groups of organisation Admins. Group names match
 * exactly (case-sensitive), as providers send them.
 */
record AccessRules(Optional<Grant> defaultGrant, List<Mapping> mappings, Set<String> adminGroups) {
    AccessRules {
        mappings = List.copyOf(mappings);
        adminGroups = Set.copyOf(adminGroups);
    }

    static AccessRules none() {
        return new AccessRules(Optional.empty(), List.of(), Set.of());
    }

    /** A role in a team. */
    record Grant(long teamId, String teamName, TeamRole role) {
    }

    /** Members of {@code group} get {@code grant}. */
    record Mapping(String group, Grant grant) {
    }

    /** What one sign-in grants: a role per team id, and whether the user is an organisation Admin. */
    record Plan(Map<Long, Grant> teams, boolean admin) {
        Plan {
            teams = Map.copyOf(teams);
        }

        /** For the audit row: "red=DEVELOPER, blue=VIEWER; organisation Admin". */
        String describe() {
            String t = teams.values().stream().map(g -> g.teamName() + "=" + g.role()).sorted()
                    .collect(Collectors.joining(", "));
            return (t.isEmpty() ? "no team" : t) + (admin ? "; organisation Admin" : "");
        }
    }

    /**
     * The access of a user in {@code groups}: every mapped group's role, the strongest where several
     * name one team; the default grant only when no group is mapped.
     */
    Plan plan(Set<String> groups) {
        Map<Long, Grant> teams = new LinkedHashMap<>();
        for (Mapping m : mappings) {
            if (groups.contains(m.group())) {
                teams.merge(m.grant().teamId(), m.grant(), AccessRules::stronger);
            }
        }
        if (teams.isEmpty()) {
            defaultGrant.ifPresent(g -> teams.put(g.teamId(), g));
        }
        return new Plan(teams, groups.stream().anyMatch(adminGroups::contains));
    }

    private static Grant stronger(Grant a, Grant b) {
        return a.role().permissions().containsAll(b.role().permissions()) ? a : b;
    }
}
