package dev.telltale.loadgen;

import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Extends a phase's warm-up (the saturation's, the paced run's) while the appliance's C2
 * compiler is still busy (decision 37). On a slow 2-core host the compiler's queue still holds
 * dozens of methods two minutes into saturation, and the compiler takes a third of a core from
 * the window being measured: a fixed warm-up then measures the JIT, not the appliance an
 * operator runs for months.
 */
final class JitSettle {
    /** The kernel keeps 15 bytes of a thread's name: "C2 CompilerThread0" is grouped as this. */
    static final String C2 = "C2 CompilerThre";
    /** Below this share of a core over one step the compiler counts as settled. */
    static final double QUIET_CORES = 0.10;
    static final int STEP_S = 10;

    /** One step of the phase: runs it for {@code seconds} and returns the C2 compiler's cores meanwhile. */
    interface Step {
        double run(int seconds) throws InterruptedException;
    }

    private JitSettle() {
    }

    /**
     * How a settling ended: the extra seconds it took, the compiler's share in its last step, and
     * whether that share fell below the bar.
     */
    record Result(int seconds, double lastC2Cores, boolean settled) {
        String describe() {
            return String.format(Locale.ROOT, "%s after %d s more (C2 compiler %.2f cores in the last step)",
                    settled ? "JIT settled" : "JIT still compiling", seconds, lastC2Cores);
        }
    }

    /**
     * Goes on with the phase in steps of {@value #STEP_S} s, printing the compiler's share of
     * each, until the appliance's C2 compiler used less than {@link #QUIET_CORES} cores over a
     * step or {@code maxSeconds} have passed.
     */
    static Result extend(long pid, String what, LongSupplier acked, Map<String, LongSupplier> watch, int maxSeconds)
            throws InterruptedException {
        return extend(seconds -> {
            Map<String, Long> before = ThreadCpu.snapshot(pid);
            long[] w = BenchSupport.window(what, acked, seconds, watch);
            double c2 = ThreadCpu.cores(before, ThreadCpu.snapshot(pid), w[1]).getOrDefault(C2, 0.0);
            BenchSupport.progress(String.format(Locale.ROOT, "JIT: C2 compiler %.2f cores in these %.0f s", c2, w[1] / 1e9));
            return c2;
        }, STEP_S, maxSeconds);
    }

    /** The loop of {@link #extend(long, String, LongSupplier, Map, int)} over any step; the last step may be shorter. */
    static Result extend(Step step, int stepSeconds, int maxSeconds) throws InterruptedException {
        int spent = 0;
        double c2 = Double.NaN;
        while (spent < maxSeconds) {
            int s = Math.min(stepSeconds, maxSeconds - spent);
            c2 = step.run(s);
            spent += s;
            if (c2 < QUIET_CORES) {
                return new Result(spent, c2, true);
            }
        }
        return new Result(spent, c2, false);
    }
}
