package dev.telltale.agent.core;

import java.util.List;

/**
 * One place classes come from, and the classes loaded from it not yet reported. Used under the
 * worker's lock only (its polls, its flushes and its exit flush).
 */
final class Dep {
    /** Class names kept per dependency between two batches; more are left out. */
    static final int PENDING_MAX = 20_000;

    final String url;
    final String firstClass;
    private final NameSet pending = new NameSet();
    /** Set by the worker once the dependency event went out (or could not be built). */
    volatile Location location;
    volatile String purl;

    Dep(String url, String firstClass) {
        this.url = url;
        this.firstClass = firstClass;
    }

    /** Records a loaded class. */
    void used(String className) {
        if (pending.size() < PENDING_MAX) {
            pending.add(className);
        }
    }

    /** Takes the class names recorded since the last call. */
    List<String> drain() {
        return pending.drain();
    }
}
