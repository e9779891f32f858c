package dev.telltale.ui.alerts;

import dev.telltale.alerts.Alerts;
import dev.telltale.alerts.TriageState;
import dev.telltale.policy.Policies;
import dev.telltale.policy.RuleInfo;
import dev.telltale.policy.Severity;
import dev.telltale.rbac.Access;
import dev.telltale.rbac.Permission;
import dev.telltale.rbac.RouteTable;
import dev.telltale.store.Scope;
import dev.telltale.teams.Teams;
import dev.telltale.ui.Chrome;
import dev.telltale.ui.Labels;
import dev.telltale.ui.UiException;
import dev.telltale.ui.Views;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** The alert list: filters, order, a page of alerts, and the bulk triage form. */
final class AlertList {
    static final int PAGE = 50;
    private final Views views;
    private final RouteTable routes;
    private final Alerts alerts;
    private final Policies policies;
    private final Teams teams;
    private final Clock clock;

    AlertList(Views views, RouteTable routes, Alerts alerts, Policies policies, Teams teams, Clock clock) {
        this.views = views;
        this.routes = routes;
        this.alerts = alerts;
        this.policies = policies;
        this.teams = teams;
        this.clock = clock;
    }

    /** A form choice: its value, what it says, and whether it is chosen. */
    record Option(String value, String label, boolean selected) {
    }

    /** How many of an alert's occurrences are in a state. */
    record StateCount(String state, String label, int count) {
    }

    /** One alert of the list. */
    record Row(long id, String severity, String title, String ruleId, String key, String application, String component,
               String team, long events, When firstSeen, When lastSeen, List<StateCount> states, boolean triage) {
    }

    /** The bulk form as submitted, shown again with its errors. */
    record Bulk(Map<String, String> errors, String to, String comment, String expires, Set<Long> selected) {
        static Bulk empty() {
            return new Bulk(Map.of(), "", "", "", Set.of());
        }
    }

    void show(ServerRequest req, ServerResponse res) {
        Map<String, List<String>> params = params(req);
        Map<String, Object> m = model(req, AlertFilter.parse(params), Bulk.empty());
        BulkOutcome.parse(params).ifPresent(n -> m.put("notice", n));
        views.send(res, 200, "alerts", m);
    }

    /** The list again after a refused bulk form, with the form's errors next to its fields. */
    void refused(ServerRequest req, ServerResponse res, AlertFilter filter, Bulk bulk) {
        views.send(res, 400, "alerts", model(req, filter, bulk));
    }

    private Map<String, Object> model(ServerRequest req, AlertFilter f, Bulk bulk) {
        Access a = req.context().get(Access.class).orElseThrow();
        Scope scope = a.scope(Permission.ALERTS_VIEW);
        Instant now = clock.instant();
        Alerts.AlertQuery q = f.query(scope, now, PAGE);
        Alerts.AlertPage page;
        try {
            page = alerts.list(q);
        } catch (IllegalArgumentException e) {
            throw new UiException(400, "That page of alerts no longer exists: start again from the first page.");
        }
        Map<String, RuleInfo> rules = rules();
        Map<Long, String> teamNames = teams.list().stream().collect(Collectors.toMap(Teams.Team::id, Teams.Team::name));
        List<Row> rows = page.alerts().stream().map(s -> row(s, rules, teamNames, a, now)).toList();
        Map<String, Object> m = new HashMap<>();
        m.put("chrome", Chrome.of(req, routes, "Alerts"));
        m.put("rows", rows);
        m.put("total", alerts.count(q));
        m.put("nextHref", page.next().map(f::pageHref).orElse(null));
        m.put("firstHref", f.after().isPresent() ? "/alerts" + (f.queryString().isEmpty() ? "" : "?" + f.queryString())
                : null);
        m.put("back", f.queryString());
        m.put("narrowed", f.narrowed());
        m.put("showTeam", scope.all() || scope.teams().size() > 1);
        m.put("canTriage", rows.stream().anyMatch(Row::triage));
        m.put("severities", severities(f));
        m.put("states", states(f));
        m.put("application", f.application());
        m.put("component", f.component());
        m.put("rules", ruleOptions(f, rules));
        m.put("ranges", ranges(f));
        m.put("sorts", List.of(new Option("last_seen", "Newest first", f.sort() == Alerts.Sort.LAST_SEEN),
                new Option("severity", "Most severe first", f.sort() == Alerts.Sort.SEVERITY)));
        m.put("actions", TriageInput.CHOICES.stream().map(t -> new Option(t.name(), bulkLabel(t), t.name().equals(bulk.to())))
                .toList());
        m.put("bulk", bulk);
        m.put("minDate", LocalDate.ofInstant(now, ZoneOffset.UTC).plusDays(1).toString());
        return m;
    }

    private Row row(Alerts.AlertSummary s, Map<String, RuleInfo> rules, Map<Long, String> teamNames, Access a,
                    Instant now) {
        RuleInfo r = rules.get(s.ruleId());
        List<StateCount> states = new ArrayList<>();
        for (TriageState t : TriageState.values()) {
            Integer n = s.states().get(t);
            if (n != null && n > 0) {
                states.add(new StateCount(t.name(), Labels.state(t.name()), n));
            }
        }
        return new Row(s.id(), s.severity().name(), r != null ? r.title() : s.rule().map(RuleInfo::title).orElse(s.ruleId()),
                s.ruleId(), s.key(), s.application(), s.component(), teamNames.getOrDefault(s.teamId(), ""), s.events(),
                When.of(s.firstSeen(), now), When.of(s.lastSeen(), now), states,
                a.can(Permission.ALERTS_TRIAGE, s.teamId()));
    }

    private Map<String, RuleInfo> rules() {
        Map<String, RuleInfo> out = new LinkedHashMap<>();
        policies.catalogue().forEach(r -> out.put(r.info().id(), r.info()));
        return out;
    }

    private static List<Option> severities(AlertFilter f) {
        return List.of(Severity.values()).stream().map(s -> new Option(s.name(), s.name() + " " + severityWord(s),
                f.severities().contains(s))).toList();
    }

    private static List<Option> states(AlertFilter f) {
        return List.of(TriageState.values()).stream().map(s -> new Option(s.name(), Labels.state(s.name()),
                f.states().contains(s))).toList();
    }

    private static List<Option> ruleOptions(AlertFilter f, Map<String, RuleInfo> rules) {
        List<Option> out = new ArrayList<>();
        out.add(new Option("", "Any rule", f.rule().isEmpty()));
        rules.values().forEach(r -> out.add(new Option(r.id(), r.title(), r.id().equals(f.rule()))));
        if (!f.rule().isEmpty() && !rules.containsKey(f.rule())) {
            out.add(new Option(f.rule(), f.rule(), true));
        }
        return out;
    }

    private static List<Option> ranges(AlertFilter f) {
        List<Option> out = new ArrayList<>();
        out.add(new Option("", "Any time", f.range().isEmpty()));
        Map<String, String> words = Map.of("1h", "Last hour", "24h", "Last 24 hours", "7d", "Last 7 days",
                "30d", "Last 30 days", "90d", "Last 90 days");
        AlertFilter.RANGES.keySet().forEach(k -> out.add(new Option(k, words.get(k), k.equals(f.range()))));
        return out;
    }

    static String severityWord(Severity s) {
        return switch (s) {
            case P1 -> "critical";
            case P2 -> "high";
            case P3 -> "medium";
            case P4 -> "low";
        };
    }

    private static String bulkLabel(TriageState t) {
        return switch (t) {
            case ACKNOWLEDGED -> "Acknowledge";
            case NOT_AN_ISSUE -> "Not an issue";
            case RISK_ACCEPTED -> "Accept the risk until the date below";
            case REPORTED -> "Reopen";
            case FIXED -> "Fixed";
        };
    }

    static Map<String, List<String>> params(ServerRequest req) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        var q = req.query();
        for (String name : q.names()) {
            out.put(name, q.all(name));
        }
        return out;
    }
}
