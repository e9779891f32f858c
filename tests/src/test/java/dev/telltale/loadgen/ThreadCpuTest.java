package dev.telltale.loadgen;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ThreadCpuTest {
    private static final String STAT = "4242 (GC Thread#1) S 1 2 3 4 5 6 7 8 9 10 250 31 0 0 20 0 1 0";

    @Test
    void readsUserPlusSystemTicksAfterANameWithSpaces() {
        assertEquals(281, ThreadCpu.cpuTicks(STAT));
        assertEquals("GC Thread", ThreadCpu.group(STAT));
        assertEquals("telltale-ingest", ThreadCpu.group("7 (telltale-ingest-3) R 1"));
        assertEquals("C2 CompilerThre", ThreadCpu.group("7 (C2 CompilerThre) R 1"));
    }

    @Test
    void groupsThreadsAndRanksTheBusiest() {
        Map<String, Long> before = Map.of("1 GC Thread", 100L, "2 GC Thread", 0L, "3 indexer", 0L);
        Map<String, Long> after = Map.of("1 GC Thread", 150L, "2 GC Thread", 50L, "3 indexer", 300L, "4 late", 0L);
        Map<String, Double> cores = ThreadCpu.cores(before, after, 2_000_000_000L);
        assertEquals(java.util.List.of("indexer", "GC Thread", "late"), java.util.List.copyOf(cores.keySet()));
        assertEquals(1.5, cores.get("indexer"), 1e-9);
        assertEquals(0.5, cores.get("GC Thread"), 1e-9);
        assertEquals("indexer 1.50, GC Thread 0.50", ThreadCpu.describe(cores));
    }

    @Test
    void seesThisProcesssOwnBusyThread() throws Exception {
        long pid = ProcessHandle.current().pid();
        Map<String, Long> a = ThreadCpu.snapshot(pid);
        long t0 = System.nanoTime();
        java.util.concurrent.CountDownLatch spun = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch stop = new java.util.concurrent.CountDownLatch(1);
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        Thread spin = Thread.ofPlatform().name("cpu-spinner-1").start(() -> {
            long x = 0;
            // Its own CPU time, not the wall clock: a loaded machine only makes this take longer.
            while (threads.getCurrentThreadCpuTime() < 300_000_000L) {
                x += x * 31 + 7;
            }
            spun.countDown();
            try {
                stop.await(); // alive for the snapshot: an ended thread's ticks leave /proc
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (x == 42) {
                System.out.print("");
            }
        });
        spun.await();
        Map<String, Long> b = ThreadCpu.snapshot(pid);
        long nanos = System.nanoTime() - t0;
        stop.countDown();
        spin.join();
        Map<String, Double> cores = ThreadCpu.cores(a, b, nanos);
        double cpuSeconds = cores.getOrDefault("cpu-spinner", 0.0) * nanos / 1e9;
        assertTrue(cpuSeconds > 0.25 && cpuSeconds < 0.4, () -> "spinner's CPU " + cpuSeconds + " s: " + cores);
    }
}
