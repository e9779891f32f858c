package dev.telltale.rbac;

import dev.telltale.db.Database;

import java.util.List;
import java.util.Map;

/**
 * Team memberships ({@code team_members}): a user may belong to several teams with one role in
 * each. Changes are audited in their own transaction.
 */
public interface Memberships {

    static Memberships create(Database db, java.time.Clock clock) {
        return new DbMemberships(db, clock);
    }

    /** The user's role per team id. */
    Map<Long, TeamRole> of(long userId);

    /** The members of a team. */
    List<Member> members(long teamId);

    /**
     * Gives a user a role in a team (adding or changing the membership). A membership set here is
     * the Admin's: single sign-on no longer replaces it at the user's next sign-in.
     *
     * @throws RbacException NOT_FOUND for an unknown user or team
     */
    void set(long teamId, long userId, TeamRole role, String actor);

    /** Removes a membership; false when there was none. */
    boolean remove(long teamId, long userId, String actor);

    record Member(long userId, String username, TeamRole role) {
    }
}
