package dev.telltale.ui.alerts;

import dev.telltale.alerts.TriageState;
import dev.telltale.ui.Labels;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a bulk triage did, carried to the list page after the redirect as numbers and fixed
 * codes only ({@code did}, {@code changed}, {@code same}, {@code refused=ALERT.CODE}), so the
 * notice never echoes text from the address.
 */
record BulkOutcome(TriageState to, int changed, int same, List<Refusal> refused) {
    /** Refusals named one by one at most; the rest are counted. */
    static final int LISTED = 20;

    /**
     * One occurrence refused: {@code code} is the state it is in when that state does not allow
     * the change, {@code ROLE} when the user may not triage in the alert's team, {@code GONE}
     * when the alert is not (or no longer) visible.
     */
    record Refusal(long alertId, String code) {
        String text() {
            return switch (code) {
                case "ROLE" -> "alert #" + alertId + ": your role in its team does not allow triage";
                case "GONE" -> "alert #" + alertId + ": not found";
                default -> "alert #" + alertId + ": invalid transition from " + Labels.state(code);
            };
        }
    }

    String query() {
        StringBuilder q = new StringBuilder("did=" + to.name() + "&changed=" + changed + "&same=" + same);
        refused.stream().limit(LISTED).forEach(r -> q.append("&refused=").append(r.alertId()).append('.').append(r.code()));
        if (refused.size() > LISTED) {
            q.append("&more=").append(refused.size() - LISTED);
        }
        return q.toString();
    }

    /** The notice lines of a redirect's parameters; empty when there was no bulk change (or the address was edited). */
    static Optional<Notice> parse(Map<String, List<String>> p) {
        try {
            TriageState to = TriageState.valueOf(one(p, "did"));
            int changed = Integer.parseInt(one(p, "changed"));
            int same = Integer.parseInt(one(p, "same"));
            List<String> lines = new ArrayList<>();
            lines.add(changed + (changed == 1 ? " occurrence" : " occurrences") + " changed to " + Labels.state(to.name())
                    + ".");
            if (same > 0) {
                lines.add(same + (same == 1 ? " was" : " were") + " already " + Labels.state(to.name()) + ".");
            }
            List<String> refusals = new ArrayList<>();
            for (String r : p.getOrDefault("refused", List.of())) {
                String[] parts = r.split("\\.", 2);
                String code = parts[1];
                if (!code.equals("ROLE") && !code.equals("GONE")) {
                    code = TriageState.valueOf(code).name();
                }
                refusals.add(new Refusal(Long.parseLong(parts[0]), code).text());
            }
            int more = p.containsKey("more") ? Integer.parseInt(one(p, "more")) : 0;
            int refusedCount = refusals.size() + more;
            if (refusedCount > 0) {
                lines.add(refusedCount + " refused: " + String.join("; ", refusals)
                        + (more > 0 ? "; and " + more + " more" : "") + ".");
            }
            return Optional.of(new Notice(lines, refusedCount > 0));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** A notice: its lines, and whether anything was refused (shown as a warning). */
    record Notice(List<String> lines, boolean refusals) {
    }

    private static String one(Map<String, List<String>> p, String name) {
        List<String> v = p.get(name);
        if (v == null || v.size() != 1) {
            throw new IllegalArgumentException(name);
        }
        return v.get(0);
    }
}
