package dev.telltale.loadgen;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JitSettleTest {
    /** A phase whose compiler shares are scripted; records the length of each step asked for. */
    private static final class Scripted implements JitSettle.Step {
        final List<Integer> asked = new ArrayList<>();
        private final Iterator<Double> shares;

        Scripted(Double... shares) {
            this.shares = List.of(shares).iterator();
        }

        @Override
        public double run(int seconds) {
            asked.add(seconds);
            return shares.next();
        }
    }

    @Test
    void goesOnUntilTheCompilerFallsBelowTheBar() throws Exception {
        Scripted phase = new Scripted(0.33, 0.21, 0.12, 0.09, 0.5);
        JitSettle.Result r = JitSettle.extend(phase, 10, 240);
        assertTrue(r.settled());
        assertEquals(40, r.seconds());
        assertEquals(0.09, r.lastC2Cores(), 1e-9);
        assertEquals(List.of(10, 10, 10, 10), phase.asked, "no step after the compiler was quiet");
        assertEquals("JIT settled after 40 s more (C2 compiler 0.09 cores in the last step)", r.describe());
    }

    @Test
    void stopsAtTheLimitWithAShorterLastStepAndSaysTheCompilerWasStillBusy() throws Exception {
        Scripted phase = new Scripted(0.3, 0.3, 0.25, 0.2);
        JitSettle.Result r = JitSettle.extend(phase, 10, 25);
        assertFalse(r.settled());
        assertEquals(25, r.seconds());
        assertEquals(List.of(10, 10, 5), phase.asked);
        assertTrue(r.describe().startsWith("JIT still compiling after 25 s more (C2 compiler 0.25"), r.describe());
    }

    @Test
    void aLimitOfZeroRunsNoStep() throws Exception {
        Scripted phase = new Scripted();
        JitSettle.Result r = JitSettle.extend(phase, 10, 0);
        assertEquals(0, r.seconds());
        assertFalse(r.settled());
        assertTrue(phase.asked.isEmpty());
    }
}
