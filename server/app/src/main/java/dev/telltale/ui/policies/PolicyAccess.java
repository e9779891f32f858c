package dev.telltale.ui.policies;

import dev.telltale.policy.Policies;
import dev.telltale.policy.Policy;
import dev.telltale.rbac.Access;
import dev.telltale.rbac.Permission;
import dev.telltale.teams.Teams;
import dev.telltale.ui.UiException;
import io.helidon.webserver.http.ServerRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Who may see and change which policy, as the policies API decides it: organisation-wide
 * policies (built-ins too) are everyone's to read and Admins' to change; a team's policy is its
 * members' to read and its Team Admins' to change.
 */
final class PolicyAccess {
    /** Where a clone may go: organisation-wide (no team) or one team. */
    record Owner(String value, String label) {
    }

    static final String ORG = "org";

    private PolicyAccess() {
    }

    static Access access(ServerRequest req) {
        return req.context().get(Access.class).orElseThrow(() -> new UiException(401, "Sign in first."));
    }

    static String actor(ServerRequest req) {
        return access(req).username();
    }

    static boolean visible(Access a, Policy p) {
        return p.teamId().map(t -> a.can(Permission.POLICIES_VIEW, t)).orElse(true);
    }

    /** Built-ins are read-only for everyone; the rest by owner. */
    static boolean mayEdit(Access a, Policy p) {
        return !p.builtIn() && p.teamId().map(t -> a.can(Permission.POLICIES_EDIT, t))
                .orElse(a.can(Permission.POLICIES_MANAGE));
    }

    /**
     * The policy named by the path parameter {@code id}, if this user may see it.
     *
     * @throws UiException 404 for a malformed, unknown or invisible id (invisible looks unknown)
     */
    static Policy policy(ServerRequest req, Policies policies) {
        String text = req.path().pathParameters().first("id").asOptional().orElse("");
        long id;
        try {
            id = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new UiException(404, "There is no such policy.");
        }
        Access a = access(req);
        return policies.byId(id).filter(p -> visible(a, p))
                .orElseThrow(() -> new UiException(404, "There is no such policy."));
    }

    /**
     * Where this user may put a clone of {@code base}: organisation-wide for Admins (unless the
     * base is a team's), and every team in which they edit policies (only the owning team for a
     * team's policy).
     */
    static List<Owner> cloneTargets(Access a, Policy base, Teams teams) {
        List<Owner> out = new ArrayList<>();
        if (base.teamId().isEmpty() && a.can(Permission.POLICIES_MANAGE)) {
            out.add(new Owner(ORG, "Organisation-wide"));
        }
        for (Teams.Team t : teams.list()) {
            if (a.can(Permission.POLICIES_EDIT, t.id()) && base.teamId().map(o -> o == t.id()).orElse(true)) {
                out.add(new Owner(String.valueOf(t.id()), "Team " + t.name()));
            }
        }
        return out;
    }

    /** The owner's label for lists: the team's name, or organisation-wide. */
    static String ownerLabel(Policy p, Teams teams) {
        if (p.builtIn()) {
            return "Built in";
        }
        return p.teamId().map(t -> "Team " + teams.byId(t).map(Teams.Team::name).orElse("?")).orElse("Organisation");
    }

    /** Parses a clone target chosen in a form, if it is one of {@code allowed}. */
    static Optional<Optional<Long>> target(String value, List<Owner> allowed) {
        if (allowed.stream().noneMatch(o -> o.value().equals(value))) {
            return Optional.empty();
        }
        return Optional.of(value.equals(ORG) ? Optional.empty() : Optional.of(Long.parseLong(value)));
    }
}
