package app;

import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's Spring-style application, run from a fat jar by the test launcher: start-up
 * loads (without initialising) the first N classes of its nested jars, as a framework's
 * scanning does, and prints "ready"; then a fixed CPU workload runs for the measured seconds
 * and prints its operation count.
 */
public class BenchApp {
    public static void main(String[] args) throws Exception {
        int classes = Integer.parseInt(args[0]);
        long warmMs = Long.parseLong(args[1]);
        long runMs = Long.parseLong(args[2]);
        ClassLoader loader = BenchApp.class.getClassLoader();
        List<String> names = launcher.Launcher.names();
        int loaded = 0;
        for (int i = 0; i < names.size() && loaded < classes; i++) {
            try {
                Class.forName(names.get(i), false, loader);
                loaded++;
            } catch (Throwable t) {
                // optional dependencies of some classes are absent: skipped, as a framework would
            }
        }
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        // CPU of this thread, not wall time: on a busy machine it still shows what the agent adds to it
        System.out.println("ready " + loaded + " " + threads.getCurrentThreadCpuTime() / 1_000_000);
        System.out.flush();
        work(warmMs);
        long cpu0 = threads.getCurrentThreadCpuTime();
        long ops = work(runMs);
        System.out.println("ops " + ops + " " + (threads.getCurrentThreadCpuTime() - cpu0) / 1_000_000);
    }

    /** Hashing, maps and strings: what a request handler does, without I/O. */
    private static long work(long ms) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        Map<String, Integer> map = new HashMap<>();
        long end = System.nanoTime() + ms * 1_000_000L;
        long ops = 0;
        byte[] sink = new byte[32];
        while (System.nanoTime() < end) {
            for (int i = 0; i < 100; i++) {
                String k = "key-" + (ops + i) % 1000;
                map.merge(k, 1, Integer::sum);
                sink = md.digest(k.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            ops += 100;
        }
        return ops + (sink[0] & 0) + (map.isEmpty() ? 1 : 0);
    }
}
