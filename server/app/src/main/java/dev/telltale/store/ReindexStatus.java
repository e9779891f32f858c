package dev.telltale.store;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Progress of the background rebuild of partitions written by an older Lucene major or an
 * older document layout, and the partitions set aside because Lucene could not read them.
 * Events of a partition waiting for its rebuild stay searchable; events of a set-aside
 * partition are missing from search until an operator restores it from a backup.
 *
 * @param partitionsPending partitions still to rebuild, the current one included
 * @param partitionsDone    partitions rebuilt since this start
 * @param documentsDone     documents copied so far
 * @param documentsTotal    documents the queued partitions held when queued
 * @param currentPartition  the partition being rebuilt now
 * @param started           when the rebuild began
 * @param estimatedRemaining from the rate so far, once some documents are done
 * @param lastError         the last rebuild failure (that partition keeps its old index)
 * @param setAside          directory names of partitions set aside as unreadable
 */
public record ReindexStatus(int partitionsPending, int partitionsDone, long documentsDone, long documentsTotal,
                            Optional<String> currentPartition, Optional<Instant> started,
                            Optional<Duration> estimatedRemaining, Optional<String> lastError, List<String> setAside) {
    public ReindexStatus {
        setAside = List.copyOf(setAside);
    }

    /** Whether a rebuild is under way or waiting to start. */
    public boolean running() {
        return partitionsPending > 0;
    }

    /** 0 to 100; 100 when there is nothing to do. */
    public int percent() {
        if (documentsTotal <= 0) {
            return running() ? 0 : 100;
        }
        return (int) Math.min(100, documentsDone * 100 / documentsTotal);
    }

    /** For the health endpoint's details: plain values, absent ones left out. */
    public Map<String, Object> details() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("running", running());
        m.put("partitions_pending", partitionsPending);
        m.put("partitions_done", partitionsDone);
        m.put("documents_done", documentsDone);
        m.put("documents_total", documentsTotal);
        m.put("percent", percent());
        currentPartition.ifPresent(p -> m.put("current_partition", p));
        started.ifPresent(t -> m.put("started", t.toString()));
        estimatedRemaining.ifPresent(d -> m.put("estimated_remaining_seconds", d.toSeconds()));
        lastError.ifPresent(e -> m.put("last_error", e));
        return m;
    }
}
