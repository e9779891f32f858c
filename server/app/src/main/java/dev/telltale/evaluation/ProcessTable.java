package dev.telltale.evaluation;

import dev.telltale.policy.ProcessState;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Per-process state by (agent, pid), bounded: beyond {@code max} entries the least recently
 * used goes. Processes normally leave at their exit event; the bound covers processes whose
 * exit was never seen (killed, or their agent vanished).
 */
final class ProcessTable {
    record Key(long agentId, long pid) {
    }

    private final int max;
    private long evicted;
    private final LinkedHashMap<Key, ProcessState> map;

    ProcessTable(int max) {
        this.max = max;
        this.map = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, ProcessState> eldest) {
                if (size() > ProcessTable.this.max) {
                    evicted++;
                    return true;
                }
                return false;
            }
        };
    }

    ProcessState getOrCreate(long agentId, long pid) {
        return map.computeIfAbsent(new Key(agentId, pid), k -> new ProcessState(agentId, pid));
    }

    Optional<ProcessState> get(long agentId, long pid) {
        return pid <= 0 ? Optional.empty() : Optional.ofNullable(map.get(new Key(agentId, pid)));
    }

    void put(ProcessState s) {
        map.put(new Key(s.agentId, s.pid), s);
    }

    void remove(long agentId, long pid) {
        map.remove(new Key(agentId, pid));
    }

    /** In least-recently-used order, so a restored table evicts in the same order. */
    Collection<ProcessState> values() {
        return map.values();
    }

    int size() {
        return map.size();
    }

    long evicted() {
        return evicted;
    }

    void clear() {
        map.clear();
    }
}
