package dev.telltale.vulndb;

import java.util.Objects;

/**
 * One package to match: its OSV ecosystem ({@code Debian:12}, {@code Alpine:v3.19}, {@code Maven},
 * {@code PyPI}, {@code npm}, {@code Go}, …; a release-less {@code Debian} matches every release),
 * its name as the ecosystem spells it (Maven {@code group:artifact}; Debian and Alpine source
 * package names) and its version.
 */
public record PackageQuery(String ecosystem, String name, String version) {
    /** @throws IllegalArgumentException when a part is blank */
    public PackageQuery {
        for (String s : new String[]{ecosystem, name, version}) {
            if (Objects.requireNonNull(s, "ecosystem, name and version are required").isBlank()) {
                throw new IllegalArgumentException("ecosystem, name and version must not be blank");
            }
        }
    }
}
