package dev.telltale.api;

import dev.telltale.auth.User;
import dev.telltale.store.Scope;

/**
 * Which teams' events and alerts a user may see, decided here only. Until team roles arrive an
 * organisation Admin sees every team and anyone else sees nothing.
 */
final class Visibility {
    private Visibility() {
    }

    static Scope of(User user) {
        return user.admin() ? Scope.everything() : Scope.teams(java.util.Set.of());
    }

    static boolean sees(Scope scope, long teamId) {
        return scope.all() || scope.teams().contains(teamId);
    }
}
