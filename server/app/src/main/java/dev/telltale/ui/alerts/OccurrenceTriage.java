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
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The triage forms of one occurrence: a change of state (with an optional comment, and the date
 * a risk acceptance ends) and a comment. Refused forms come back with the message at the field.
 */
final class OccurrenceTriage {
    private final Alerts alerts;
    private final AlertDetailPage detail;
    private final Clock clock;

    OccurrenceTriage(Alerts alerts, AlertDetailPage detail, Clock clock) {
        this.alerts = alerts;
        this.detail = detail;
        this.clock = clock;
    }

    void transition(ServerRequest req, ServerResponse res) {
        Form f = Form.read(req);
        Access a = req.context().get(Access.class).orElseThrow();
        long id = triageable(req, a);
        long occurrence = AlertsPages.pathId(req, "occurrence");
        TriageInput.Parsed p = TriageInput.parse(f, clock.instant());
        Map<String, String> values = Map.of("to", f.text("to"), "comment", f.text("comment"), "expires", f.text("expires"));
        if (p.input().isEmpty()) {
            detail.render(req, res, 400, new AlertDetailPage.Refused(occurrence, p.errors(), values));
            return;
        }
        TriageInput in = p.input().get();
        try {
            alerts.transition(id, occurrence, in.to(), in.comment(), in.expires(), a.username());
        } catch (InvalidTransitionException e) {
            String field = !e.conflict() && in.to() == TriageState.RISK_ACCEPTED ? "expires" : "to";
            detail.render(req, res, e.conflict() ? 409 : 400, new AlertDetailPage.Refused(occurrence,
                    Map.of(field, TriageInput.sentence(e.getMessage())), values));
            return;
        } catch (AlertNotFoundException e) {
            throw new UiException(404, "This alert has no such occurrence.");
        }
        Views.redirect(res, "/alerts/" + id + "?done=" + in.to().name() + "#occurrence-" + occurrence);
    }

    void comment(ServerRequest req, ServerResponse res) {
        Form f = Form.read(req);
        Access a = req.context().get(Access.class).orElseThrow();
        long id = triageable(req, a);
        long occurrence = AlertsPages.pathId(req, "occurrence");
        String text = f.text("text");
        Map<String, String> errors = new LinkedHashMap<>();
        if (text.isEmpty()) {
            errors.put("text", "Write the comment first.");
        } else if (text.length() > TriageInput.COMMENT_MAX) {
            errors.put("text", "A comment can have at most " + TriageInput.COMMENT_MAX + " characters.");
        }
        if (!errors.isEmpty()) {
            detail.render(req, res, 400, new AlertDetailPage.Refused(occurrence, errors, Map.of("text", text)));
            return;
        }
        try {
            alerts.comment(id, occurrence, text, a.username());
        } catch (AlertNotFoundException e) {
            throw new UiException(404, "This alert has no such occurrence.");
        } catch (InvalidTransitionException e) {
            detail.render(req, res, 400, new AlertDetailPage.Refused(occurrence,
                    Map.of("text", TriageInput.sentence(e.getMessage())), Map.of("text", text)));
            return;
        }
        Views.redirect(res, "/alerts/" + id + "?done=comment#occurrence-" + occurrence);
    }

    /**
     * The alert of the path when this user may triage it: 404 as for a missing one when they may
     * not even see it, 403 when they see it but their role in its team does not triage.
     */
    private long triageable(ServerRequest req, Access a) {
        long id = AlertsPages.pathId(req, "id");
        long team = alerts.team(id).filter(t -> a.can(Permission.ALERTS_VIEW, t))
                .orElseThrow(() -> AlertsPages.noSuchAlert(id));
        if (!a.can(Permission.ALERTS_TRIAGE, team)) {
            throw new UiException(403, "Your role in this alert's team lets you view alerts, not triage them.");
        }
        return id;
    }
}
