package dev.telltale.ui.alerts;

import dev.telltale.alerts.AlertNotFoundException;
import dev.telltale.alerts.Alerts;
import dev.telltale.alerts.InvalidTransitionException;
import dev.telltale.alerts.TriageState;
import dev.telltale.rbac.Access;
import dev.telltale.rbac.Permission;
import dev.telltale.ui.Form;
import dev.telltale.ui.UiException;
import dev.telltale.ui.Views;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One triage change applied to every occurrence of the selected alerts that the user may
 * triage. Each occurrence succeeds or fails on its own (an occurrence whose state does not
 * allow the change is refused, the others still change); the list then says what happened.
 */
final class BulkTriage {
    static final int MAX_SELECTED = 200;
    private final Alerts alerts;
    private final AlertList list;
    private final Clock clock;

    BulkTriage(Alerts alerts, AlertList list, Clock clock) {
        this.alerts = alerts;
        this.list = list;
        this.clock = clock;
    }

    void handle(ServerRequest req, ServerResponse res) {
        Form f = Form.read(req);
        Access a = req.context().get(Access.class).orElseThrow();
        AlertFilter back = AlertFilter.parse(f.text("back")).withoutPage();
        Set<Long> ids = selected(f);
        TriageInput.Parsed p = TriageInput.parse(f, clock.instant());
        Map<String, String> errors = new LinkedHashMap<>(p.errors());
        if (ids.isEmpty()) {
            errors.put("alert", "Select at least one alert.");
        }
        if (!errors.isEmpty()) {
            list.refused(req, res, back, new AlertList.Bulk(errors, f.text("to"), f.text("comment"), f.text("expires"),
                    ids));
            return;
        }
        TriageInput in = p.input().orElseThrow();
        BulkOutcome outcome;
        try {
            outcome = apply(a, ids, in);
        } catch (InvalidTransitionException e) {
            // The request itself is refused (an expiry beyond the longest risk acceptance): nothing changed.
            errors.put(in.to() == TriageState.RISK_ACCEPTED ? "expires" : "to", TriageInput.sentence(e.getMessage()));
            list.refused(req, res, back, new AlertList.Bulk(errors, f.text("to"), f.text("comment"), f.text("expires"),
                    ids));
            return;
        }
        String q = back.queryString();
        Views.redirect(res, "/alerts?" + (q.isEmpty() ? "" : q + "&") + outcome.query());
    }

    private BulkOutcome apply(Access a, Set<Long> ids, TriageInput in) {
        int changed = 0;
        int same = 0;
        List<BulkOutcome.Refusal> refused = new ArrayList<>();
        for (long id : ids) {
            Optional<Long> team = alerts.team(id).filter(t -> a.can(Permission.ALERTS_VIEW, t));
            if (team.isEmpty()) {
                refused.add(new BulkOutcome.Refusal(id, "GONE"));
                continue;
            }
            if (!a.can(Permission.ALERTS_TRIAGE, team.get())) {
                refused.add(new BulkOutcome.Refusal(id, "ROLE"));
                continue;
            }
            Alerts.AlertDetail d;
            try {
                d = alerts.get(id, a.scope(Permission.ALERTS_VIEW));
            } catch (AlertNotFoundException e) {
                refused.add(new BulkOutcome.Refusal(id, "GONE"));
                continue;
            }
            for (Alerts.Occurrence o : d.occurrences()) {
                if (o.state() == in.to() && in.to() != TriageState.RISK_ACCEPTED) {
                    same++;
                    continue;
                }
                try {
                    alerts.transition(id, o.id(), in.to(), in.comment(), in.expires(), a.username());
                    changed++;
                } catch (InvalidTransitionException e) {
                    if (!e.conflict()) {
                        throw e;
                    }
                    refused.add(new BulkOutcome.Refusal(id, o.state().name()));
                } catch (AlertNotFoundException e) {
                    refused.add(new BulkOutcome.Refusal(id, "GONE"));
                }
            }
        }
        return new BulkOutcome(in.to(), changed, same, refused);
    }

    private static Set<Long> selected(Form f) {
        Set<Long> ids = new LinkedHashSet<>();
        for (String s : f.all("alert")) {
            if (!s.matches("[1-9][0-9]{0,17}")) {
                throw new UiException(400, "The selected alerts are malformed. Reload the page and try again.");
            }
            ids.add(Long.parseLong(s));
        }
        if (ids.size() > MAX_SELECTED) {
            throw new UiException(400, "Select at most " + MAX_SELECTED + " alerts at a time.");
        }
        return ids;
    }
}
