package dev.telltale.store;

import dev.telltale.config.ConfigException;
import io.helidon.config.Config;

import java.time.Duration;

/**
 * Node {@code telltale.store}: {@code partition} (time width of one index partition, by
 * receive time), {@code retention} (partitions older than this are dropped),
 * {@code disk-budget-bytes} (0 = unlimited; oldest partitions are dropped above it),
 * {@code refresh-interval} (how soon new events become searchable), {@code commit-interval},
 * {@code ram-buffer-mb}, {@code index-threads}, and the bounds of the indexers' queue:
 * {@code queue-records} and {@code queue-bytes} (in {@link dev.telltale.journal.JournalRecord#weight()}
 * units, eight times the queued events' encoded bytes: the default 256 MB holds about one second
 * of events at 25k/s, ~1.3 kB each, in about 32 MB of heap).
 */
public record StoreConfig(Duration partition, Duration retention, long diskBudgetBytes, Duration refreshInterval,
                          Duration commitInterval, int ramBufferMb, int indexThreads, int queueRecords,
                          long queueBytes) {
    public StoreConfig {
        if (partition.compareTo(Duration.ofMinutes(1)) < 0 || partition.compareTo(Duration.ofDays(31)) > 0) {
            throw new ConfigException("telltale.store.partition", "must be between PT1M and P31D, was " + partition);
        }
        if (retention.compareTo(partition) < 0) {
            throw new ConfigException("telltale.store.retention", "must be at least one partition (" + partition + ")");
        }
        if (diskBudgetBytes < 0) {
            throw new ConfigException("telltale.store.disk-budget-bytes", "must be 0 (unlimited) or positive");
        }
        if (refreshInterval.isNegative() || refreshInterval.isZero() || refreshInterval.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new ConfigException("telltale.store.refresh-interval", "must be between 1 ms and 1 minute");
        }
        if (commitInterval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new ConfigException("telltale.store.commit-interval", "must be at least 1 second");
        }
        if (ramBufferMb < 16 || ramBufferMb > 2048) {
            throw new ConfigException("telltale.store.ram-buffer-mb", "must be between 16 and 2048");
        }
        if (indexThreads < 1 || indexThreads > 64) {
            throw new ConfigException("telltale.store.index-threads", "must be between 1 and 64");
        }
        if (queueRecords < 1) {
            throw new ConfigException("telltale.store.queue-records", "must be positive");
        }
        if (queueBytes < (1 << 20)) {
            throw new ConfigException("telltale.store.queue-bytes", "must be at least 1048576");
        }
    }

    public static StoreConfig defaults() {
        return new StoreConfig(Duration.ofDays(1), Duration.ofDays(30), 0, Duration.ofMillis(250), Duration.ofSeconds(15),
                128, Math.max(1, Runtime.getRuntime().availableProcessors()), 512,
                // A full queue sends records to the store only after their fsync, on the journal's
                // sync thread, which then holds up acknowledgements (decision 39): room for a pause
                // of the indexers keeps them on their way before the fsync.
                256L << 20);
    }

    public static StoreConfig from(Config node) {
        StoreConfig d = defaults();
        return new StoreConfig(
                node.get("partition").as(Duration.class).orElse(d.partition),
                node.get("retention").as(Duration.class).orElse(d.retention),
                node.get("disk-budget-bytes").asLong().orElse(d.diskBudgetBytes),
                node.get("refresh-interval").as(Duration.class).orElse(d.refreshInterval),
                node.get("commit-interval").as(Duration.class).orElse(d.commitInterval),
                node.get("ram-buffer-mb").asInt().orElse(d.ramBufferMb),
                node.get("index-threads").asInt().orElse(d.indexThreads),
                node.get("queue-records").asInt().orElse(d.queueRecords),
                node.get("queue-bytes").asLong().orElse(d.queueBytes));
    }
}
