package dev.telltale.ui.apps;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunInstructionsTest {
    @Test
    void theCommandNamesTheApplicationAndAComponent() {
        RunInstructions r = RunInstructions.of("shop", List.of("cart", "checkout"));
        assertEquals("~/.telltale/bin/telltale run -a shop -c cart -V VERSION -- YOUR-COMMAND", r.command());
        RunInstructions none = RunInstructions.of("shop", List.of());
        assertTrue(none.placeholder());
        assertTrue(none.command().contains("-c COMPONENT"));
    }

    @Test
    void namesAShellWouldSplitAreQuoted() {
        assertEquals("svc-1.2:a", RunInstructions.quote("svc-1.2:a"));
        assertEquals("'my app'", RunInstructions.quote("my app"));
        assertEquals("'it'\\''s'", RunInstructions.quote("it's"));
        assertEquals("'$(rm -rf /)'", RunInstructions.quote("$(rm -rf /)"));
    }
}
