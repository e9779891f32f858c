package dev.telltale.teams;

import dev.telltale.db.Database;

import java.util.List;
import java.util.Optional;

/** Teams of the organisation. A team named {@code default} always exists. */
public interface Teams {

    static Teams create(Database db) {
        return new DbTeams(db);
    }

    Optional<Team> byName(String name);

    Optional<Team> byId(long id);

    List<Team> list();

    /** The team that always exists. */
    /**
     * Creates a team (names 1-100 letters, digits, spaces or . _ - :), audited.
     *
     * @throws IllegalArgumentException when the name is invalid or taken
     */
    Team create(String name, String actor);

    default Team defaultTeam() {
        return byName("default").orElseThrow(() -> new IllegalStateException("the default team is missing"));
    }

    record Team(long id, String name) {
    }
}
