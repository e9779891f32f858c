package dev.telltale.vulndb;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An advisory that affects a queried package: its id, aliases (CVE ids among them), summary, CVSS
 * v3 base score with its vector (or a v4 vector without a score), severity ({@code CRITICAL},
 * {@code HIGH}, {@code MEDIUM}, {@code LOW}, {@code NONE} or {@code UNKNOWN}) and the versions that
 * fix it (empty when no fix is known).
 */
public record VulnMatch(PackageQuery query, String advisoryId, List<String> aliases, String summary,
                        Optional<Double> cvssScore, Optional<String> cvssVector, String severity,
                        List<String> fixedVersions, Instant modified) {
    public VulnMatch {
        aliases = List.copyOf(aliases);
        fixedVersions = List.copyOf(fixedVersions);
    }

    /** The CVE ids among the advisory's id and aliases. */
    public List<String> cves() {
        java.util.List<String> out = new java.util.ArrayList<>();
        if (advisoryId.startsWith("CVE-")) {
            out.add(advisoryId);
        }
        aliases.stream().filter(a -> a.startsWith("CVE-") && !out.contains(a)).forEach(out::add);
        return out;
    }
}
