package dev.telltale.rbac;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RouteTableTest {
    private final RouteTable t = new RouteTable()
            .add("GET", "/api/v1/policies/{id}", Permission.POLICIES_VIEW)
            .add("PUT", "/api/v1/policies/default", Permission.POLICIES_MANAGE)
            .add("PUT", "/api/v1/policies/{id}", Permission.POLICIES_EDIT)
            .add("GET", "/api/health", Permission.PUBLIC);

    @Test
    void literalSegmentsWinAndParametersMatchOneSegment() {
        assertEquals(Permission.POLICIES_MANAGE, t.match("PUT", "/api/v1/policies/default").orElseThrow().permission());
        assertEquals(Permission.POLICIES_EDIT, t.match("PUT", "/api/v1/policies/12").orElseThrow().permission());
        assertEquals(Permission.POLICIES_VIEW, t.match("GET", "/api/v1/policies/12/").orElseThrow().permission());
        assertEquals(Permission.PUBLIC, t.match("HEAD", "/api/health").orElseThrow().permission());
        for (String[] no : new String[][]{{"GET", "/api/v1/policies"}, {"GET", "/api/v1/policies/1/2"},
                {"DELETE", "/api/v1/policies/1"}, {"GET", "/api/v1/policies//"}, {"GET", "/api/healthz"}}) {
            assertFalse(t.match(no[0], no[1]).isPresent(), no[0] + " " + no[1]);
        }
    }

    @Test
    void accessFollowsOrganisationAndTeamRoles() {
        Access viewer = new Access(1, "v", false, Map.of(10L, TeamRole.VIEWER));
        assertTrue(viewer.can(Permission.EVENTS_VIEW));
        assertTrue(viewer.can(Permission.EVENTS_VIEW, 10));
        assertFalse(viewer.can(Permission.EVENTS_VIEW, 11), "not in another team");
        assertFalse(viewer.can(Permission.ALERTS_TRIAGE, 10));
        assertFalse(viewer.can(Permission.USERS_MANAGE));
        assertEquals(java.util.Set.of(10L), viewer.scope(Permission.EVENTS_VIEW).teams());
        assertTrue(viewer.scope(Permission.RUN_TOKENS_MANAGE).teams().isEmpty());
        Access admin = new Access(2, "a", true, Map.of());
        assertTrue(admin.can(Permission.ALERTS_TRIAGE, 99) && admin.can(Permission.AUDIT_VIEW));
        assertTrue(admin.scope(Permission.EVENTS_VIEW).all());
        assertTrue(new Access(3, "d", false, Map.of(10L, TeamRole.DEVELOPER)).can(Permission.ALERTS_TRIAGE, 10));
        assertFalse(new Access(3, "d", false, Map.of(10L, TeamRole.DEVELOPER)).can(Permission.POLICIES_EDIT, 10));
        assertTrue(new Access(4, "t", false, Map.of(10L, TeamRole.TEAM_ADMIN)).can(Permission.MEMBERS_MANAGE, 10));
    }
}
