package dev.telltale.sca.version;

import java.util.Optional;

/** The ecosystem → scheme table (filled in by the version-ordering work). */
final class Schemes {
    private Schemes() {
    }

    static Optional<VersionScheme> forEcosystem(String osvEcosystem) {
        return Optional.empty();
    }
}
