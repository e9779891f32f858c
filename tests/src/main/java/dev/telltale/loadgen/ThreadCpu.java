package dev.telltale.loadgen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time of a Linux process by thread group, from {@code /proc/PID/task/TID/stat}: threads
 * are grouped by name with trailing numbers dropped ("GC Thread#1" and "GC Thread#0" are
 * "GC Thread"; the kernel keeps the first 15 bytes of a name). The benchmark prints where the
 * appliance's cores went in its measured window, a figure far less noisy than throughput.
 */
final class ThreadCpu {
    /** Linux's USER_HZ: /proc reports CPU time in these ticks. */
    private static final double TICKS_PER_S = 100;

    private ThreadCpu() {
    }

    /** Ticks used so far per thread id and group; empty where there is no /proc. */
    static Map<String, Long> snapshot(long pid) {
        Map<String, Long> ticks = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            tasks.forEach(t -> read(t.resolve("stat")).ifPresent(line -> ticks.put(t.getFileName() + " " + group(line),
                    cpuTicks(line))));
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        return ticks;
    }

    /** Cores per group between two snapshots over {@code nanos}, largest first. */
    static Map<String, Double> cores(Map<String, Long> before, Map<String, Long> after, long nanos) {
        Map<String, Double> byGroup = new HashMap<>();
        after.forEach((key, t) -> byGroup.merge(key.substring(key.indexOf(' ') + 1),
                (t - before.getOrDefault(key, 0L)) / TICKS_PER_S / (nanos / 1e9), Double::sum));
        Map<String, Double> sorted = new LinkedHashMap<>();
        byGroup.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    /** "telltale-indexe 0.76, C2 CompilerThre 0.43, …" for the groups whose share rounds to 0.01 cores or more. */
    static String describe(Map<String, Double> cores) {
        StringBuilder b = new StringBuilder();
        cores.forEach((g, c) -> {
            if (c >= 0.005) {
                b.append(b.isEmpty() ? "" : ", ").append(g).append(String.format(Locale.ROOT, " %.2f", c));
            }
        });
        return b.toString();
    }

    /** The thread's name without a trailing number and its separator ("telltale-ingest-3" → "telltale-ingest"). */
    static String group(String statLine) {
        String comm = statLine.substring(statLine.indexOf('(') + 1, statLine.lastIndexOf(')'));
        return comm.replaceAll("[-#\\s]*[0-9]+$", "").strip();
    }

    /** utime + stime: fields 14 and 15, counted after the parenthesised name, which may hold spaces. */
    static long cpuTicks(String statLine) {
        String[] f = statLine.substring(statLine.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static java.util.Optional<String> read(Path stat) {
        try {
            return java.util.Optional.of(Files.readString(stat));
        } catch (IOException e) {
            return java.util.Optional.empty(); // the thread ended meanwhile
        }
    }
}
