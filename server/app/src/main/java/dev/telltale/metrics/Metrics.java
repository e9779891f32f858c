package dev.telltale.metrics;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

/**
 * A small registry rendered in the Prometheus text format at {@code /metrics}. Counters are
 * lock-free ({@link LongAdder}); gauges are read when scraped; histograms have fixed buckets.
 */
public final class Metrics {
    private final List<Metric> metrics = new CopyOnWriteArrayList<>();

    public Counter counter(String name, String help) {
        Counter c = new Counter(name, help);
        metrics.add(c);
        return c;
    }

    public void gauge(String name, String help, DoubleSupplier value) {
        metrics.add(new Gauge(name, help, value));
    }

    /** A histogram with upper bounds in the unit of its name (for example seconds). */
    public Histogram histogram(String name, String help, double... bounds) {
        Histogram h = new Histogram(name, help, bounds);
        metrics.add(h);
        return h;
    }

    /** The whole registry in Prometheus text exposition format 0.0.4. */
    public String scrape() {
        StringBuilder sb = new StringBuilder(4096);
        for (Metric m : metrics) {
            sb.append("# HELP ").append(m.name()).append(' ').append(m.help()).append('\n');
            sb.append("# TYPE ").append(m.name()).append(' ').append(m.type()).append('\n');
            m.render(sb);
        }
        return sb.toString();
    }

    private interface Metric {
        String name();

        String help();

        String type();

        void render(StringBuilder sb);
    }

    /** A monotonically increasing count. */
    public static final class Counter implements Metric {
        private final String name;
        private final String help;
        private final LongAdder value = new LongAdder();

        private Counter(String name, String help) {
            this.name = name;
            this.help = help;
        }

        public void inc() {
            value.increment();
        }

        public void add(long n) {
            value.add(n);
        }

        public long get() {
            return value.sum();
        }

        public String name() {
            return name;
        }

        public String help() {
            return help;
        }

        public String type() {
            return "counter";
        }

        public void render(StringBuilder sb) {
            sb.append(name).append(' ').append(value.sum()).append('\n');
        }
    }

    private record Gauge(String name, String help, DoubleSupplier value) implements Metric {
        public String type() {
            return "gauge";
        }

        public void render(StringBuilder sb) {
            sb.append(name).append(' ').append(format(value.getAsDouble())).append('\n');
        }
    }

    /** Observations in fixed buckets, with count and sum. */
    public static final class Histogram implements Metric {
        private final String name;
        private final String help;
        private final double[] bounds;
        private final LongAdder[] buckets;
        private final LongAdder count = new LongAdder();
        private final java.util.concurrent.atomic.DoubleAdder sum = new java.util.concurrent.atomic.DoubleAdder();

        private Histogram(String name, String help, double[] bounds) {
            this.name = name;
            this.help = help;
            this.bounds = bounds.clone();
            this.buckets = new LongAdder[bounds.length];
            for (int i = 0; i < bounds.length; i++) {
                buckets[i] = new LongAdder();
            }
        }

        public void observe(double v) {
            for (int i = 0; i < bounds.length; i++) {
                if (v <= bounds[i]) {
                    buckets[i].increment();
                    break;
                }
            }
            count.increment();
            sum.add(v);
        }

        public String name() {
            return name;
        }

        public String help() {
            return help;
        }

        public String type() {
            return "histogram";
        }

        public void render(StringBuilder sb) {
            long cumulative = 0;
            for (int i = 0; i < bounds.length; i++) {
                cumulative += buckets[i].sum();
                sb.append(name).append("_bucket{le=\"").append(format(bounds[i])).append("\"} ").append(cumulative).append('\n');
            }
            sb.append(name).append("_bucket{le=\"+Inf\"} ").append(count.sum()).append('\n');
            sb.append(name).append("_sum ").append(format(sum.sum())).append('\n');
            sb.append(name).append("_count ").append(count.sum()).append('\n');
        }
    }

    private static String format(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return Double.toString(d);
    }
}
