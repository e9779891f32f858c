package dev.telltale.api;

import dev.telltale.rbac.Access;
import dev.telltale.rbac.Permission;
import dev.telltale.store.Scope;

/** Which teams' events, alerts and applications a user may see, decided here only. */
final class Visibility {
    private Visibility() {
    }

    static Scope of(Access access, Permission p) {
        return access.scope(p);
    }

    static boolean sees(Scope scope, long teamId) {
        return scope.all() || scope.teams().contains(teamId);
    }
}
