package dev.telltale.ui.alerts;

import dev.telltale.rbac.Permission;
import dev.telltale.rbac.RouteTable;
import dev.telltale.ui.Page;
import dev.telltale.ui.Ui;
import dev.telltale.ui.UiException;
import dev.telltale.ui.Views;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;

/**
 * The alert pages: the list with filters, order, paging and bulk triage ({@code /alerts}), and
 * one alert with its occurrences, triage forms, history, comments and evidence
 * ({@code /alerts/{id}}). Reads need ALERTS_VIEW and changes ALERTS_TRIAGE, both in the alert's
 * team, exactly as the REST API's alert routes.
 */
public final class AlertsPages implements Page {
    private final AlertList list;
    private final BulkTriage bulk;
    private final AlertDetailPage detail;
    private final OccurrenceTriage triage;

    public AlertsPages(Views views, RouteTable routes, Ui.Services s) {
        this.list = new AlertList(views, routes, s.alerts(), s.policies(), s.teams(), s.clock());
        this.bulk = new BulkTriage(s.alerts(), list, s.clock());
        this.detail = new AlertDetailPage(views, routes, s.alerts(), s.policies(), s.teams(), s.inventory(), s.store(),
                s.clock());
        this.triage = new OccurrenceTriage(s.alerts(), detail, s.clock());
    }

    @Override
    public void declare(RouteTable t) {
        t.page("GET", "/alerts", Permission.ALERTS_VIEW)
                .page("POST", "/alerts/bulk", Permission.ALERTS_TRIAGE)
                .page("GET", "/alerts/{id}", Permission.ALERTS_VIEW)
                .page("POST", "/alerts/{id}/occurrences/{occurrence}/transition", Permission.ALERTS_TRIAGE)
                .page("POST", "/alerts/{id}/occurrences/{occurrence}/comment", Permission.ALERTS_TRIAGE);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/alerts", list::show)
                .post("/alerts/bulk", bulk::handle)
                .get("/alerts/{id}", detail::show)
                .post("/alerts/{id}/occurrences/{occurrence}/transition", triage::transition)
                .post("/alerts/{id}/occurrences/{occurrence}/comment", triage::comment);
    }

    /** A numeric path parameter; anything else is a page that does not exist. */
    static long pathId(ServerRequest req, String name) {
        return number(req.path().pathParameters().get(name), name);
    }

    static long number(String s, String what) {
        if (!s.matches("[1-9][0-9]{0,17}")) {
            throw new UiException(404, "There is no such " + what + ".");
        }
        return Long.parseLong(s);
    }

    /** The same answer for an alert that does not exist and one of a team the user is not in. */
    static UiException noSuchAlert(long id) {
        return new UiException(404, "There is no alert #" + id + " among the alerts you may see.");
    }
}
