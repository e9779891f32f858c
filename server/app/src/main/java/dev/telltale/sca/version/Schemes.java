package dev.telltale.sca.version;

import java.util.Map;
import java.util.Optional;

/** The ecosystem → scheme table. */
final class Schemes {
    // OSV ecosystem names before any ':' (Debian:12, Ubuntu:22.04:LTS, Alpine:v3.19,
    // Red Hat:enterprise_linux:9::appstream, Maven:<registry>): the release or registry after
    // it does not change how versions are ordered
    private static final Map<String, VersionScheme> BY_ECOSYSTEM = Map.ofEntries(
            Map.entry("Debian", Dpkg.INSTANCE),
            Map.entry("Ubuntu", Dpkg.INSTANCE),
            Map.entry("Alpine", Apk.INSTANCE),
            Map.entry("Wolfi", Apk.INSTANCE),
            Map.entry("Chainguard", Apk.INSTANCE),
            Map.entry("Red Hat", Rpm.INSTANCE),
            Map.entry("Rocky Linux", Rpm.INSTANCE),
            Map.entry("AlmaLinux", Rpm.INSTANCE),
            Map.entry("SUSE", Rpm.INSTANCE),
            Map.entry("openSUSE", Rpm.INSTANCE),
            Map.entry("Mageia", Rpm.INSTANCE),
            Map.entry("Maven", Maven.INSTANCE),
            Map.entry("PyPI", Pep440.INSTANCE),
            Map.entry("npm", Semver.INSTANCE),
            Map.entry("Go", Semver.INSTANCE),
            Map.entry("crates.io", Semver.INSTANCE));

    private Schemes() {
    }

    static Optional<VersionScheme> forEcosystem(String osvEcosystem) {
        if (osvEcosystem == null) {
            return Optional.empty();
        }
        int colon = osvEcosystem.indexOf(':');
        String base = colon >= 0 ? osvEcosystem.substring(0, colon) : osvEcosystem;
        return Optional.ofNullable(BY_ECOSYSTEM.get(base));
    }
}
