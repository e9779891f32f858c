package dev.telltale.sso;

import dev.telltale.rbac.TeamRole;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AccessRulesTest {
    static final AccessRules.Grant RED_DEV = new AccessRules.Grant(2, "red", TeamRole.DEVELOPER);
    static final AccessRules.Grant RED_ADMIN = new AccessRules.Grant(2, "red", TeamRole.TEAM_ADMIN);
    static final AccessRules.Grant BLUE_VIEWER = new AccessRules.Grant(3, "blue", TeamRole.VIEWER);
    static final AccessRules RULES = new AccessRules(Optional.of(new AccessRules.Grant(1, "default", TeamRole.VIEWER)),
            List.of(new AccessRules.Mapping("red-devs", RED_DEV), new AccessRules.Mapping("red-leads", RED_ADMIN),
                    new AccessRules.Mapping("blue", BLUE_VIEWER)), Set.of("admins"));

    static Map<String, TeamRole> roles(AccessRules.Plan p) {
        return p.teams().values().stream().collect(Collectors.toMap(AccessRules.Grant::teamName, AccessRules.Grant::role));
    }

    @Test
    void mappedGroupsGrantTheirRolesTheStrongestWinning() {
        AccessRules.Plan p = RULES.plan(Set.of("red-devs", "red-leads", "blue", "unmapped"));
        assertEquals(Map.of("red", TeamRole.TEAM_ADMIN, "blue", TeamRole.VIEWER), roles(p));
        assertFalse(p.admin());
        assertEquals("blue=VIEWER, red=TEAM_ADMIN", p.describe());
        assertEquals(Map.of("red", TeamRole.TEAM_ADMIN), roles(RULES.plan(Set.of("red-leads", "red-devs"))),
                "whatever the order");
    }

    @Test
    void theDefaultAppliesOnlyWhenNoGroupIsMapped() {
        assertEquals(Map.of("default", TeamRole.VIEWER), roles(RULES.plan(Set.of("Everyone"))));
        assertEquals(Map.of(), roles(new AccessRules(Optional.empty(), RULES.mappings(), Set.of()).plan(Set.of("x"))),
                "no default: no access until mapped");
    }

    @Test
    void adminGroupsMakeOrganisationAdminsAndNamesMatchExactly() {
        assertTrue(RULES.plan(Set.of("admins")).admin());
        assertFalse(RULES.plan(Set.of("Admins", "RED-DEVS")).admin());
        assertEquals("default=VIEWER; organisation Admin", RULES.plan(Set.of("admins")).describe());
    }
}
