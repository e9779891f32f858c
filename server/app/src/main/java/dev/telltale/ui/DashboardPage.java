package dev.telltale.ui;

import dev.telltale.overview.Overview;
import dev.telltale.policy.Policies;
import dev.telltale.rbac.Access;
import dev.telltale.rbac.Permission;
import dev.telltale.rbac.RouteTable;
import dev.telltale.store.EventQuery;
import dev.telltale.store.EventStore;
import dev.telltale.store.Histogram;
import dev.telltale.store.Scope;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The landing page: open alerts by severity and triage state, the rules that fire most, agents
 * and applications, the event rate of the last 24 hours, and (for organisation Admins) storage.
 * Everything is limited to the teams the user may see.
 */
final class DashboardPage implements Page {
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("d MMM HH:mm").withZone(ZoneOffset.UTC);
    private static final List<String> SEVERITIES = List.of("P1", "P2", "P3", "P4");
    private static final List<String> STATES = List.of("REPORTED", "ACKNOWLEDGED", "NOT_AN_ISSUE", "RISK_ACCEPTED", "FIXED");
    private final Views views;
    private final RouteTable routes;
    private final Overview overview;
    private final EventStore store;
    private final Policies policies;
    private final Path dataDir;
    private final Clock clock;

    DashboardPage(Views views, RouteTable routes, Overview overview, EventStore store, Policies policies, Path dataDir,
                  Clock clock) {
        this.views = views;
        this.routes = routes;
        this.overview = overview;
        this.store = store;
        this.policies = policies;
        this.dataDir = dataDir;
        this.clock = clock;
    }

    /** A state and its count, for the table under the chart. */
    record StateCount(String label, String state, long count) {
    }

    /** A rule with its title and open alerts. */
    record TopRule(String id, String title, long alerts) {
    }

    /** Storage, for organisation Admins. */
    record Storage(String index, int partitions, String free) {
    }

    @Override
    public void declare(RouteTable t) {
        t.page("GET", "/", Permission.SIGNED_IN);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::show);
    }

    private void show(ServerRequest req, ServerResponse res) {
        Access a = req.context().get(Access.class).orElseThrow();
        Scope alertScope = a.scope(Permission.ALERTS_VIEW);
        Overview.Summary s = overview.summary(alertScope);
        Map<String, Object> m = new HashMap<>();
        m.put("chrome", Chrome.of(req, routes, "Dashboard"));
        List<Svg.Bar> bars = SEVERITIES.stream().map(p -> new Svg.Bar(p + " " + label(p), s.openBySeverity()
                .getOrDefault(p, 0L), "sev-" + p.toLowerCase())).toList();
        m.put("severityChart", Svg.hbars("Open alerts by severity", bars));
        m.put("openTotal", s.openBySeverity().values().stream().mapToLong(Long::longValue).sum());
        m.put("states", STATES.stream().map(st -> new StateCount(Labels.state(st), st, s.byState().getOrDefault(st, 0L)))
                .toList());
        m.put("topRules", s.topRules().stream().map(r -> new TopRule(r.ruleId(), title(r.ruleId()), r.openAlerts())).toList());
        m.put("agents", s.agents());
        m.put("activeAgents", s.activeAgents());
        m.put("applications", s.applications());
        events(a, m);
        m.put("storage", a.orgAdmin() ? Optional.of(storage()) : Optional.empty());
        views.send(res, 200, "dashboard", m);
    }

    private void events(Access a, Map<String, Object> m) {
        long nowUs = clock.millis() * 1000;
        long slotUs = 1_800_000_000L;
        long startUs = Math.floorDiv(nowUs, slotUs) * slotUs - 47 * slotUs;
        Scope scope = a.scope(Permission.EVENTS_VIEW);
        // The store fits its buckets to the events it finds; the dashboard wants a fixed 24-hour axis.
        Histogram h = store.histogram(new EventQuery("", startUs, nowUs, 1, Optional.empty(), scope), 1000);
        long[] slots = new long[48];
        long lastHour = 0;
        for (int i = 0; i < h.counts().size(); i++) {
            long bucketStart = h.fromUs() + i * h.intervalUs();
            int slot = (int) Math.floorDiv(Math.max(bucketStart, startUs) - startUs, slotUs);
            slots[Math.min(47, Math.max(0, slot))] += h.counts().get(i);
            if (bucketStart >= nowUs - 3_600_000_000L) {
                lastHour += h.counts().get(i);
            }
        }
        List<Long> counts = new ArrayList<>(48);
        for (long c : slots) {
            counts.add(c);
        }
        m.put("eventsChart", Svg.columns("Events per 30 minutes, last 24 hours", counts,
                HOUR.format(java.time.Instant.ofEpochMilli(startUs / 1000)) + " UTC", "now"));
        m.put("eventsDay", h.total());
        m.put("eventsPerMinute", String.format(java.util.Locale.ROOT, "%.1f", lastHour / 60.0));
    }

    private Storage storage() {
        String free;
        try {
            free = Labels.bytes(Files.getFileStore(dataDir).getUsableSpace());
        } catch (IOException e) {
            free = "unknown";
        }
        return new Storage(Labels.bytes(store.sizeBytes()), store.partitionCount(), free);
    }

    private String title(String ruleId) {
        return policies.catalogue().stream().filter(r -> r.info().id().equals(ruleId)).findFirst()
                .map(r -> r.info().title()).orElse(ruleId);
    }

    private static String label(String severity) {
        return switch (severity) {
            case "P1" -> "critical";
            case "P2" -> "high";
            case "P3" -> "medium";
            default -> "low";
        };
    }
}
