package dev.telltale.ui.alerts;

import dev.telltale.alerts.TriageState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BulkOutcomeTest {
    static Map<String, List<String>> params(String query) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            String[] kv = pair.split("=", 2);
            m.computeIfAbsent(kv[0], k -> new ArrayList<>()).add(kv[1]);
        }
        return m;
    }

    @Test
    void theNoticeSaysWhatChangedAndWhatWasRefusedAndWhy() {
        BulkOutcome o = new BulkOutcome(TriageState.ACKNOWLEDGED, 2, 1, List.of(
                new BulkOutcome.Refusal(13, "FIXED"), new BulkOutcome.Refusal(14, "ROLE")));
        BulkOutcome.Notice n = BulkOutcome.parse(params(o.query())).orElseThrow();
        assertEquals(List.of("2 occurrences changed to Acknowledged.", "1 was already Acknowledged.",
                "2 refused: alert #13: invalid transition from Fixed; alert #14: your role in its team does not allow"
                        + " triage."), n.lines());
        assertTrue(n.refusals());
    }

    @Test
    void longRefusalListsAreCounted() {
        List<BulkOutcome.Refusal> many = new ArrayList<>();
        for (int i = 1; i <= 25; i++) {
            many.add(new BulkOutcome.Refusal(i, "GONE"));
        }
        BulkOutcome.Notice n = BulkOutcome.parse(params(new BulkOutcome(TriageState.REPORTED, 0, 0, many).query()))
                .orElseThrow();
        assertTrue(n.lines().get(1).startsWith("25 refused: alert #1: not found;"), n.lines().get(1));
        assertTrue(n.lines().get(1).endsWith("; and 5 more."), n.lines().get(1));
    }

    @Test
    void anEditedAddressShowsNoNoticeAtAll() {
        assertEquals(Optional.empty(), BulkOutcome.parse(params("did=ACKNOWLEDGED&changed=2&same=0&refused=1.<script>")));
        assertEquals(Optional.empty(), BulkOutcome.parse(params("did=whatever&changed=2&same=0")));
        assertEquals(Optional.empty(), BulkOutcome.parse(params("changed=2")));
        assertFalse(BulkOutcome.parse(params("did=NOT_AN_ISSUE&changed=1&same=0")).orElseThrow().refusals());
    }
}
