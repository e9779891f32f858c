package dev.telltale.vulndb;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** One OSV advisory as stored and indexed (names already normalised, see {@link PackageNames}). */
record Advisory(String id, Instant modified, Optional<Instant> published, boolean withdrawn, List<String> aliases,
                String summary, String details, Optional<String> cvssVector, Optional<Double> cvssScore,
                String severity, List<Affected> affected) {

    record Affected(String ecosystem, String name, Optional<String> purl, List<Range> ranges, List<String> versions) {
    }

    enum RangeType { ECOSYSTEM, SEMVER, GIT }

    record Range(RangeType type, Optional<String> repo, List<Event> events) {
    }

    enum Kind {
        INTRODUCED("introduced"), FIXED("fixed"), LAST_AFFECTED("last_affected"), LIMIT("limit");

        final String field;

        Kind(String field) {
            this.field = field;
        }
    }

    record Event(Kind kind, String version) {
    }
}
