package dev.telltale.metrics;

import com.sun.management.GarbageCollectionNotificationInfo;

import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Heap gauges. Besides heap in use (mostly garbage between collections), the live peak: the
 * most heap still in use right after a collection, which is what the appliance really needs.
 */
public final class JvmMetrics {
    private JvmMetrics() {
    }

    public static void register(Metrics metrics) {
        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).toList();
        Set<String> heapPools = heap.stream().map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
        AtomicLong livePeak = new AtomicLong();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener((n, handback) -> {
                    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
                        return;
                    }
                    var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                    long after = 0;
                    for (var e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                        if (heapPools.contains(e.getKey())) {
                            after += e.getValue().getUsed();
                        }
                    }
                    livePeak.accumulateAndGet(after, Math::max);
                }, null, null);
            }
        }
        metrics.gauge("telltale_jvm_heap_used_bytes", "Heap in use, garbage included",
                () -> heap.stream().map(MemoryPoolMXBean::getUsage).mapToLong(MemoryUsage::getUsed).sum());
        metrics.gauge("telltale_jvm_heap_max_bytes", "Largest heap the JVM may use", () -> Runtime.getRuntime().maxMemory());
        metrics.gauge("telltale_jvm_heap_live_peak_bytes", "Most heap in use right after a collection since start",
                livePeak::get);
    }
}
