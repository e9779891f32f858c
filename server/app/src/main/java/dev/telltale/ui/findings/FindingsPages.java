package dev.telltale.ui.findings;

import dev.telltale.alerts.TriageState;
import dev.telltale.rbac.Access;
import dev.telltale.rbac.Permission;
import dev.telltale.rbac.RouteTable;
import dev.telltale.sca.FindingTriageException;
import dev.telltale.sca.CodeUsage;
import dev.telltale.sca.Sca;
import dev.telltale.ui.Chrome;
import dev.telltale.ui.Form;
import dev.telltale.ui.Labels;
import dev.telltale.ui.Page;
import dev.telltale.ui.UiException;
import dev.telltale.ui.Views;
import dev.telltale.ui.alerts.TriageInput;
import io.helidon.common.parameters.Parameters;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Vulnerability findings across the applications a user may see, filtered by application,
 * severity, run-time use and triage state; one finding with its triage form and history.
 * Findings that raised an alert are triaged on the alert, so their page links there instead.
 */
public final class FindingsPages implements Page {
    static final int ROWS = 200;
    private static final List<String> SEVERITIES = List.of("CRITICAL", "HIGH", "MEDIUM", "LOW", "NONE", "UNKNOWN");
    private final Views views;
    private final RouteTable routes;
    private final Sca sca;
    private final Clock clock;
    private final CodeUsage usage;

    public FindingsPages(Views views, RouteTable routes, Sca sca, CodeUsage usage, Clock clock) {
        this.views = views;
        this.routes = routes;
        this.sca = sca;
        this.usage = usage;
        this.clock = clock;
    }

    /** A choice of a filter's select. */
    record Option(String value, String label, boolean selected) {
    }

    /** A refused triage form: the messages by field and what was entered. */
    record Refused(Map<String, String> errors, Map<String, String> values) {
        static final Refused NONE = new Refused(Map.of(), Map.of());
    }

    @Override
    public void declare(RouteTable t) {
        t.page("GET", "/findings", Permission.SBOM_VIEW)
                .page("GET", "/findings/{id}", Permission.SBOM_VIEW)
                .page("POST", "/findings/{id}/transition", Permission.ALERTS_TRIAGE);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/findings", this::list).get("/findings/{id}", this::detail)
                .post("/findings/{id}/transition", this::transition);
    }

    private void list(ServerRequest req, ServerResponse res) {
        Parameters q = req.query();
        Access a = req.context().get(Access.class).orElseThrow();
        String application = clip(q.first("application").orElse(""));
        String severity = q.first("severity").orElse("").toUpperCase(Locale.ROOT);
        String used = q.first("used").orElse("");
        String state = q.first("state").orElse("");
        Optional<String> sev = Optional.of(severity).filter(SEVERITIES::contains);
        Optional<Boolean> use = used.equals("yes") ? Optional.of(true) : used.equals("no") ? Optional.of(false) : Optional.empty();
        Optional<TriageState> st = TriageState.parse(state).filter(s -> s != TriageState.FIXED);
        Instant now = clock.instant();
        List<FindingView> rows = sca.findings(new Sca.FindingQuery(Optional.of(application).filter(s -> !s.isEmpty()),
                Optional.empty(), Optional.empty(), sev, use, st, ROWS, a.scope(Permission.SBOM_VIEW))).stream()
                .map(f -> FindingView.of(f, now)).toList();
        Map<String, Object> m = new HashMap<>();
        m.put("chrome", Chrome.of(req, routes, "Vulnerabilities"));
        m.put("rows", rows);
        m.put("limit", ROWS);
        m.put("application", application);
        m.put("severities", options(SEVERITIES, sev.orElse(""), "Any severity"));
        m.put("uses", List.of(new Option("", "Loaded or not", use.isEmpty()),
                new Option("yes", "Loaded at run time", use.equals(Optional.of(true))),
                new Option("no", "Not loaded", use.equals(Optional.of(false)))));
        m.put("states", options(TriageInput.CHOICES.stream().map(Enum::name).toList(), st.map(Enum::name).orElse(""),
                "Any state"));
        m.put("narrowed", !application.isEmpty() || sev.isPresent() || use.isPresent() || st.isPresent());
        views.send(res, 200, "findings", m);
    }

    private void detail(ServerRequest req, ServerResponse res) {
        render(req, res, 200, visible(req), Refused.NONE);
    }

    private void render(ServerRequest req, ServerResponse res, int status, Sca.VulnFinding f, Refused refused) {
        Access a = req.context().get(Access.class).orElseThrow();
        Instant now = clock.instant();
        Map<String, Object> m = new HashMap<>();
        m.put("chrome", Chrome.of(req, routes, f.packageName() + " " + f.advisoryId()));
        m.put("f", FindingView.of(f, now));
        m.put("usage", usage.of(f));
        m.put("canTriage", !f.alerted() && a.can(Permission.ALERTS_TRIAGE, f.teamId()));
        m.put("targets", f.state().manualTargets().stream().filter(TriageInput.CHOICES::contains)
                .map(t -> new Option(t.name(), TriageInput.action(f.state(), t), t.name().equals(refused.values().get("to"))))
                .toList());
        m.put("refused", refused);
        m.put("minDate", LocalDate.ofInstant(now, ZoneOffset.UTC).plusDays(1).toString());
        m.put("history", sca.history(f).stream().map(e -> FindingView.Change.of(e, now)).toList());
        m.put("done", req.query().first("done").asOptional().flatMap(TriageState::parse)
                .map(d -> "Changed to " + Labels.state(d.name()) + ".").orElse(""));
        views.send(res, status, "finding", m);
    }

    private void transition(ServerRequest req, ServerResponse res) {
        Form form = Form.read(req);
        Access a = req.context().get(Access.class).orElseThrow();
        Sca.VulnFinding f = visible(req);
        if (!a.can(Permission.ALERTS_TRIAGE, f.teamId())) {
            throw new UiException(403, "Your role in this finding's team lets you view findings, not triage them.");
        }
        Map<String, String> values = Map.of("to", form.text("to"), "comment", form.text("comment"),
                "expires", form.text("expires"));
        TriageInput.Parsed p = TriageInput.parse(form, clock.instant());
        if (p.input().isEmpty()) {
            render(req, res, 400, f, new Refused(p.errors(), values));
            return;
        }
        TriageInput in = p.input().get();
        try {
            sca.transition(f, in.to(), in.comment(), in.expires(), a.username());
        } catch (FindingTriageException e) {
            String field = !e.conflict() && in.to() == TriageState.RISK_ACCEPTED ? "expires" : "to";
            render(req, res, e.conflict() ? 409 : 400, f,
                    new Refused(Map.of(field, TriageInput.sentence(e.getMessage())), values));
            return;
        }
        Views.redirect(res, "/findings/" + f.id() + "?done=" + in.to().name());
    }

    private Sca.VulnFinding visible(ServerRequest req) {
        String raw = req.path().pathParameters().get("id");
        Access a = req.context().get(Access.class).orElseThrow();
        Optional<Sca.VulnFinding> f = raw.matches("[1-9][0-9]{0,17}")
                ? sca.finding(Long.parseLong(raw), a.scope(Permission.SBOM_VIEW)) : Optional.empty();
        return f.orElseThrow(() -> new UiException(404, "There is no such finding among those you may see."
                + " Findings change with each scan: it may have been fixed."));
    }

    private static List<Option> options(List<String> values, String selected, String any) {
        List<Option> out = new java.util.ArrayList<>();
        out.add(new Option("", any, selected.isEmpty()));
        values.forEach(v -> out.add(new Option(v, Labels.state(v), v.equals(selected))));
        return out;
    }

    private static String clip(String s) {
        return s.length() > 200 ? s.substring(0, 200) : s;
    }
}
