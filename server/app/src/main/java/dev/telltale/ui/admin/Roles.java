package dev.telltale.ui.admin;

import dev.telltale.rbac.TeamRole;

import java.util.Arrays;
import java.util.List;

/** Team roles as pages name them and offer them. */
final class Roles {
    /** A choice of a role select. */
    record Choice(String value, String label) {
    }

    static final List<Choice> CHOICES = Arrays.stream(TeamRole.values()).map(r -> new Choice(r.name(), label(r))).toList();

    private Roles() {
    }

    static String label(TeamRole r) {
        return switch (r) {
            case TEAM_ADMIN -> "Team Admin";
            case DEVELOPER -> "Developer";
            case VIEWER -> "Viewer";
        };
    }
}
