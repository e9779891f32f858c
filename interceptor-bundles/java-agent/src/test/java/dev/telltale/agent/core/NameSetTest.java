package dev.telltale.agent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NameSetTest {
    @Test
    void keepsEachNameOnceThroughGrowthAndDrains() {
        NameSet set = new NameSet();
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < 5_000; i++) {
            String name = "org.example.pkg" + (i % 37) + ".Class" + i;
            assertTrue(set.add(name), name);
            assertFalse(set.add(new String(name)), "an equal name is not added twice");
            expected.add(name);
        }
        // "Aa" and "BB" share a String hash: colliding names stay distinct
        assertTrue(set.add("Aa"));
        assertTrue(set.add("BB"));
        expected.add("Aa");
        expected.add("BB");
        assertEquals(expected.size(), set.size());
        List<String> drained = set.drain();
        assertEquals(expected, new HashSet<>(drained));
        assertEquals(expected.size(), drained.size());
        assertEquals(0, set.size());
        assertTrue(set.drain().isEmpty(), "drain empties the set");
        assertTrue(set.add("Aa"), "a drained name counts as new again");
    }
}
