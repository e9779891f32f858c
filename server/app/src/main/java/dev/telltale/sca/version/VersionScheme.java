package dev.telltale.sca.version;

import java.util.Comparator;
import java.util.Optional;

/**
 * How one ecosystem orders its version strings: dpkg (Debian, Ubuntu), apk (Alpine), rpm (Red
 * Hat, Rocky, Alma), Maven, PEP 440 (PyPI), semver (npm, Go). {@link #compare} is a total order on
 * the strings {@link #valid} accepts; it never throws for valid input.
 */
public interface VersionScheme extends Comparator<String> {

    /**
     * The scheme of an ecosystem as OSV names it ({@code Debian}, {@code Debian:12},
     * {@code Ubuntu:22.04:LTS}, {@code Alpine:v3.19}, {@code Red Hat}, {@code Rocky Linux},
     * {@code AlmaLinux}, {@code Maven}, {@code PyPI}, {@code npm}, {@code Go}); empty for an
     * ecosystem Telltale cannot order.
     */
    static Optional<VersionScheme> forEcosystem(String osvEcosystem) {
        return Schemes.forEcosystem(osvEcosystem);
    }

    /** The scheme's name: {@code dpkg}, {@code apk}, {@code rpm}, {@code maven}, {@code pep440}, {@code semver}. */
    String name();

    /** Whether {@code version} is a version this scheme can order. */
    boolean valid(String version);
}
