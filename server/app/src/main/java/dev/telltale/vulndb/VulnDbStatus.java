package dev.telltale.vulndb;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The database at a glance: advisories stored, advisories per ecosystem (by family: {@code Debian},
 * {@code Maven}, …), its age (the newest {@code modified} among its advisories), when an import
 * last succeeded, and the latest import job.
 */
public record VulnDbStatus(long advisories, Map<String, Long> perEcosystem, Optional<Instant> newestModified,
                           Optional<Instant> lastImport, Optional<ImportJob> latestJob) {
    public VulnDbStatus {
        perEcosystem = Map.copyOf(perEcosystem);
    }
}
