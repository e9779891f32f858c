package dev.telltale.ingest;

import java.util.List;

/**
 * The packages whose methods Java agents of a component version should trace: what a HELLO
 * with {@code trace_request} gets in its WELCOME (docs/protocol.md §4, docs/java-agent.md).
 */
@FunctionalInterface
public interface TraceTargets {
    /**
     * Package URLs, at most {@link dev.telltale.protocol.Welcome#MAX_TRACE}. Called on the
     * listener's control executor, never on an event loop.
     *
     * @throws RuntimeException when they cannot be read (the session then gets an empty list)
     */
    List<String> packages(long teamId, String application, String component, String version);
}
