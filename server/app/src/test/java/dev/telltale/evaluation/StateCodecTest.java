package dev.telltale.evaluation;

import dev.telltale.policy.ProcessState;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StateCodecTest {

    /** Every fact of ProcessState must survive a checkpoint, including facts added later. */
    @Test
    void everyFieldSurvivesTheRoundTrip() throws Exception {
        ProcessTable table = new ProcessTable(100);
        ProcessState s = table.getOrCreate(7, 4242);
        int n = 1;
        for (Field f : ProcessState.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) || Modifier.isFinal(f.getModifiers())) {
                continue;
            }
            n++;
            if (f.getType() == long.class) {
                f.setLong(s, 1000L * n + 7);
            } else if (f.getType() == boolean.class) {
                f.setBoolean(s, true);
            } else if (f.getType() == String.class) {
                f.set(s, "value-" + n + "-ü");
            } else {
                throw new AssertionError("StateCodec does not know field type of " + f.getName());
            }
        }
        table.getOrCreate(7, 1).euid = -1;
        ProcessTable back = new ProcessTable(100);
        StateCodec.decode(StateCodec.encode(table), back);
        assertEquals(2, back.size());
        ProcessState r = back.get(7, 4242).orElseThrow();
        for (Field f : ProcessState.class.getFields()) {
            if (!Modifier.isStatic(f.getModifiers())) {
                assertEquals(f.get(s), f.get(r), "field " + f.getName() + " lost in the checkpoint");
            }
        }
        assertEquals(-1, back.get(7, 1).orElseThrow().euid);
    }

    @Test
    void theTableIsBoundedAndEvictsTheLeastRecentlyUsed() {
        ProcessTable t = new ProcessTable(100);
        for (int pid = 1; pid <= 150; pid++) {
            t.getOrCreate(1, pid);
            t.get(1, 1); // keep pid 1 warm
        }
        assertEquals(100, t.size());
        assertEquals(50, t.evicted());
        assertEquals(true, t.get(1, 1).isPresent());
        assertEquals(false, t.get(1, 2).isPresent());
    }
}
