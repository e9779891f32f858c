package dev.telltale.loadgen;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FlagsTest {
    private static Map<String, String> env(String value) {
        return new Flags(new String[]{"--appliance-env", value}, Set.of("appliance-env")).pairs("appliance-env");
    }

    @Test
    void pairsAreSplitAtCommasBeforeAKey() {
        assertEquals(Map.of("A", "1", "B_2", "x"), env("A=1, B_2=x"));
    }

    @Test
    void aValueKeepsItsOwnCommas() {
        assertEquals(Map.of("JAVA_TOOL_OPTIONS", "-XX:StartFlightRecording=settings=profile,filename=/tmp/a.jfr,dumponexit=true",
                        "TELLTALE_X", "y"),
                env("JAVA_TOOL_OPTIONS=-XX:StartFlightRecording=settings=profile,filename=/tmp/a.jfr,dumponexit=true,TELLTALE_X=y"));
    }

    @Test
    void somethingThatIsNoPairIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> env("nokey"));
        assertEquals("--appliance-env takes KEY=VALUE pairs, got 'nokey'", e.getMessage());
    }
}
