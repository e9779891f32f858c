package dev.telltale.sbom;

/**
 * The bounds of the inventory, so one noisy agent cannot fill memory or the database: per
 * component version at most {@link #PACKAGES} OS packages, {@link #FILES_PER_PACKAGE} loadable
 * files per package, {@link #LOADED_FILES} distinct loaded files, {@link #LOADERS_PER_FILE}
 * loading executables per file and {@link #RUNTIME_FACTS} runtime facts; the recorder commits
 * early once it buffers {@link #BUFFERED_FACTS} facts.
 */
final class Limits {
    static final int PACKAGES = 20_000;
    static final int FILES_PER_PACKAGE = 256;
    static final int LOADED_FILES = 10_000;
    static final int LOADERS_PER_FILE = 16;
    static final int RUNTIME_FACTS = 2_000;
    static final int BUFFERED_FACTS = 50_000;

    private Limits() {
    }
}
