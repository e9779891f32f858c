package dev.telltale.journal;

import dev.telltale.config.ConfigException;
import io.helidon.config.Config;

/**
 * Node {@code telltale.journal}: {@code segment-bytes} (size at which a new segment file
 * starts), {@code queue-high-bytes} / {@code queue-low-bytes} (memory of queued submissions
 * above which connections stop reading, and below which they resume), {@code direct-io}
 * (segments written with direct I/O where the file system allows it, decision 30; default true).
 */
public record JournalConfig(long segmentBytes, long queueHighBytes, long queueLowBytes, boolean directIo) {
    public JournalConfig {
        if (segmentBytes < (1 << 20)) {
            throw new ConfigException("telltale.journal.segment-bytes", "must be at least 1048576, was " + segmentBytes);
        }
        if (queueLowBytes < 0 || queueHighBytes <= queueLowBytes) {
            throw new ConfigException("telltale.journal.queue-high-bytes", "must exceed queue-low-bytes (" + queueLowBytes + ")");
        }
    }

    /** With direct I/O. */
    public JournalConfig(long segmentBytes, long queueHighBytes, long queueLowBytes) {
        this(segmentBytes, queueHighBytes, queueLowBytes, true);
    }

    public static JournalConfig defaults() {
        return new JournalConfig(64L << 20, 512L << 20, 256L << 20);
    }

    public static JournalConfig from(Config node) {
        JournalConfig d = defaults();
        return new JournalConfig(node.get("segment-bytes").asLong().orElse(d.segmentBytes),
                node.get("queue-high-bytes").asLong().orElse(d.queueHighBytes),
                node.get("queue-low-bytes").asLong().orElse(d.queueLowBytes),
                node.get("direct-io").asBoolean().orElse(d.directIo));
    }
}
