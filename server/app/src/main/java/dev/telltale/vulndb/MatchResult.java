package dev.telltale.vulndb;

import java.util.List;

/**
 * What {@link VulnDb#match} found: the matches, the packages it could not evaluate (unknown
 * ecosystem, unreadable version) and notes (advisories whose GIT ranges were ignored, since commit
 * ranges cannot be compared with package versions).
 */
public record MatchResult(List<VulnMatch> matches, List<NotEvaluated> notEvaluated, List<String> notes) {
    public MatchResult {
        matches = List.copyOf(matches);
        notEvaluated = List.copyOf(notEvaluated);
        notes = List.copyOf(notes);
    }

    /** A package that was not compared with any advisory, and why. */
    public record NotEvaluated(PackageQuery query, String reason) {
    }
}
