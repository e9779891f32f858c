package dev.telltale.sbom;

import dev.telltale.store.Scope;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one component version is made of and what it did at run time, as the agents reported it:
 * OS packages (host environment), shared libraries mapped to the package that owns them, language
 * dependencies (jars, Python and Node packages), each with its package URL and whether, when and
 * by which processes it was loaded; and the runtime facts an SBOM's dynamic section describes
 * (processes, listening ports, outbound connections).
 */
public interface Inventory {

    /** The inventory of a component version the scope may see; empty when the version is unknown or hidden. */
    Optional<VersionInventory> of(VersionRef ref, Scope scope);

    /** The component versions with an inventory, in the teams of {@code scope}. */
    List<VersionRef> versions(Scope scope);

    /** A component version of an application of a team. */
    record VersionRef(long teamId, String application, String component, String version) {
    }

    /** Everything known about one component version. */
    record VersionInventory(VersionRef ref, List<Package> packages, List<RuntimeFact> runtime, Instant updatedAt) {
        public VersionInventory {
            packages = List.copyOf(packages);
            runtime = List.copyOf(runtime);
        }
    }

    /**
     * One package. {@code type} is {@code os} (a dpkg/apk/rpm package), {@code library} (a shared
     * library no package owns), {@code maven}, {@code pypi} or {@code npm}; {@code ecosystem} is
     * the OSV ecosystem name ({@code Debian:12}, {@code Alpine:v3.19}, {@code Maven}, …) when known;
     * {@code hashes} maps an algorithm ({@code SHA-256}) to lower-case hex; {@code files} are the
     * paths of it that were loaded; {@code loadedBy} the executables of the processes that loaded it.
     */
    record Package(String purl, String type, String name, String version, Optional<String> ecosystem,
                   Optional<String> licence, Optional<String> sourcePackage, Map<String, String> hashes,
                   boolean loaded, Optional<Instant> firstLoaded, Optional<Instant> lastLoaded, List<String> files,
                   List<String> loadedBy, String origin) {
        public Package {
            hashes = Map.copyOf(hashes);
            files = List.copyOf(files);
            loadedBy = List.copyOf(loadedBy);
        }
    }

    /**
     * A runtime fact for the SBOM's dynamic section: {@code kind} is {@code process} (detail: the
     * executable and arguments' first word), {@code listen} (detail: {@code address:port}) or
     * {@code connect} (detail: {@code host-or-address:port}), with how often and when it was seen.
     */
    record RuntimeFact(String kind, String detail, long count, Instant firstSeen, Instant lastSeen) {
    }
}
