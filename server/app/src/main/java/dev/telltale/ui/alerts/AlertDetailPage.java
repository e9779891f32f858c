package dev.telltale.ui.alerts;

import dev.telltale.agents.Inventory;
import dev.telltale.alerts.AlertNotFoundException;
import dev.telltale.alerts.Alerts;
import dev.telltale.alerts.TriageState;
import dev.telltale.policy.Policies;
import dev.telltale.policy.RuleInfo;
import dev.telltale.rbac.Access;
import dev.telltale.rbac.Permission;
import dev.telltale.rbac.RouteTable;
import dev.telltale.store.EventStore;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One alert: the rule (why it matters, what to do), where it was seen, its occurrences per
 * version with their triage forms, history and comments, and the evidence events.
 */
final class AlertDetailPage {
    private final Views views;
    private final RouteTable routes;
    private final Alerts alerts;
    private final Policies policies;
    private final Teams teams;
    private final Inventory inventory;
    private final Evidence evidence;
    private final Clock clock;

    AlertDetailPage(Views views, RouteTable routes, Alerts alerts, Policies policies, Teams teams, Inventory inventory,
                    EventStore store, Clock clock) {
        this.views = views;
        this.routes = routes;
        this.alerts = alerts;
        this.policies = policies;
        this.teams = teams;
        this.inventory = inventory;
        this.evidence = new Evidence(alerts, store);
        this.clock = clock;
    }

    /** The alert's head: what fired, how bad, where. {@code applicationHref} is empty when the application is not visible. */
    record Header(long id, String title, String ruleId, String category, String severity, String severityWord, String key,
                  String application, String component, String team, long events, When firstSeen, When lastSeen,
                  String rationale, String remediation, Optional<String> applicationHref) {
    }

    /** One occurrence (a version) with the changes this user may make to it. */
    record Occurrence(long id, String version, String state, String stateLabel, Optional<When> expires, long events,
                      When firstSeen, When lastSeen, Optional<String> carriedFrom, List<AlertList.Option> targets) {
    }

    record Host(String hostname, long events, When firstSeen, When lastSeen) {
    }

    record History(When when, String version, String actor, String from, String to, Optional<When> expires,
                   Optional<String> comment) {
    }

    record Comment(When when, String version, String actor, String text) {
    }

    /** A refused triage form shown again: which occurrence, its errors and what was typed. */
    record Refused(long occurrence, Map<String, String> errors, Map<String, String> values) {
        static Refused none() {
            return new Refused(0, Map.of(), Map.of());
        }
    }

    void show(ServerRequest req, ServerResponse res) {
        render(req, res, 200, Refused.none());
    }

    void render(ServerRequest req, ServerResponse res, int status, Refused refused) {
        Access a = req.context().get(Access.class).orElseThrow();
        long id = AlertsPages.pathId(req, "id");
        Alerts.AlertDetail d;
        try {
            d = alerts.get(id, a.scope(Permission.ALERTS_VIEW));
        } catch (AlertNotFoundException e) {
            throw AlertsPages.noSuchAlert(id);
        }
        Instant now = clock.instant();
        Map<Long, String> versions = new HashMap<>();
        d.occurrences().forEach(o -> versions.put(o.id(), o.version()));
        Map<String, Object> m = new HashMap<>();
        m.put("chrome", Chrome.of(req, routes, "Alert #" + id));
        m.put("alert", header(d.alert(), a, now));
        m.put("occurrences", d.occurrences().stream().map(o -> occurrence(o, versions, now)).toList());
        m.put("hosts", d.hosts().stream().map(h -> new Host(h.hostname(), h.events(), When.of(h.firstSeen(), now),
                When.of(h.lastSeen(), now))).toList());
        m.put("history", d.history().reversed().stream().map(h -> new History(When.of(h.when(), now), h.version(),
                h.actor(), h.from().map(s -> Labels.state(s.name())).orElse(""), Labels.state(h.to().name()),
                h.expiresAt().map(e -> When.of(e, now)), h.comment())).toList());
        m.put("comments", d.comments().reversed().stream().map(c -> new Comment(When.of(c.when(), now), c.version(),
                c.actor(), c.text())).toList());
        m.put("canTriage", a.can(Permission.ALERTS_TRIAGE, d.alert().teamId()));
        m.put("refused", refused);
        m.put("minDate", LocalDate.ofInstant(now, ZoneOffset.UTC).plusDays(1).toString());
        m.put("notice", notice(req));
        evidence.put(m, req, d, a, now);
        views.send(res, status, "alert", m);
    }

    private Header header(Alerts.AlertSummary s, Access a, Instant now) {
        Optional<RuleInfo> rule = policies.catalogue().stream().map(r -> r.info()).filter(r -> r.id().equals(s.ruleId()))
                .findFirst().or(s::rule);
        String team = teams.byId(s.teamId()).map(Teams.Team::name).orElse("");
        Optional<String> appHref = inventory.applicationId(s.teamId(), s.application(), a.scope(Permission.APPS_VIEW))
                .map(x -> "/applications/" + x);
        return new Header(s.id(), rule.map(RuleInfo::title).orElse(s.ruleId()), s.ruleId(),
                rule.map(r -> r.category().title()).orElse(""), s.severity().name(),
                AlertList.severityWord(s.severity()), s.key(), s.application(), s.component(), team, s.events(),
                When.of(s.firstSeen(), now), When.of(s.lastSeen(), now),
                rule.map(RuleInfo::rationale).orElse("This rule is not in the catalogue of this appliance."),
                rule.map(RuleInfo::remediation).orElse(""), appHref);
    }

    private static Occurrence occurrence(Alerts.Occurrence o, Map<Long, String> versions, Instant now) {
        List<AlertList.Option> targets = TriageInput.CHOICES.stream().filter(t -> o.state().manualTargets().contains(t))
                .map(t -> new AlertList.Option(t.name(), TriageInput.action(o.state(), t), false)).toList();
        return new Occurrence(o.id(), o.version(), o.state().name(), Labels.state(o.state().name()),
                o.expiresAt().map(e -> When.of(e, now)), o.events(), When.of(o.firstSeen(), now),
                When.of(o.lastSeen(), now), o.carriedFrom().map(c -> versions.getOrDefault(c, "an earlier version")),
                targets);
    }

    /** The fixed notice of a redirect after a change ({@code done=STATE} or {@code done=comment}). */
    private static String notice(ServerRequest req) {
        String done = req.query().first("done").orElse("");
        if (done.equals("comment")) {
            return "Comment added.";
        }
        return TriageState.parse(done).filter(TriageInput.CHOICES::contains)
                .map(t -> "The occurrence is now " + Labels.state(t.name()) + ".").orElse("");
    }
}
