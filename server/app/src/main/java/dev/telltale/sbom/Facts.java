package dev.telltale.sbom;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the recorder learned about one component version since the last checkpoint, coalesced:
 * the newest host environment, each loaded file once (with counts and times), each runtime fact
 * once. Bounded by {@link Limits}; what does not fit is counted in {@code dropped}.
 */
final class Facts {
    /** A component version of an application of a team, as the agent context names it. */
    record Key(long teamId, String application, String component, String version) {
    }

    /** An OS package of a host_env event; {@code files} are its loadable files. */
    record OsPackage(String manager, String name, String version, String arch, String source, String licence,
                     List<String> files) {
    }

    record HostEnv(Distro distro, String hostname, List<OsPackage> packages) {
    }

    /** A loaded file, coalesced over its loads in this checkpoint. */
    static final class Load {
        final String path;
        Optional<String> sha256 = Optional.empty();
        Optional<String> language = Optional.empty();
        Optional<String> name = Optional.empty();
        Optional<String> version = Optional.empty();
        Optional<String> purl = Optional.empty();
        Optional<String> kind = Optional.empty();
        long count;
        Instant first;
        Instant last;
        final Set<String> exes = new LinkedHashSet<>();

        Load(String path) {
            this.path = path;
        }
    }

    /** A runtime fact, coalesced. */
    static final class Seen {
        final String kind;
        final String detail;
        long count;
        Instant first;
        Instant last;

        Seen(String kind, String detail) {
            this.kind = kind;
            this.detail = detail;
        }
    }

    final Key key;
    HostEnv hostEnv;
    long hostEnvUid;
    final Map<String, Load> loads = new LinkedHashMap<>();
    final Map<String, Seen> runtime = new LinkedHashMap<>();
    long maxUid;
    Instant lastTime = Instant.EPOCH;
    long dropped;

    Facts(Key key) {
        this.key = key;
    }

    /** How many distinct facts this holds, for the recorder's memory bound. */
    int size() {
        return loads.size() + runtime.size() + (hostEnv == null ? 0 : hostEnv.packages().size());
    }
}
