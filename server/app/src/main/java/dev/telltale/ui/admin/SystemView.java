package dev.telltale.ui.admin;

import dev.telltale.alerts.AlertsConfig;
import dev.telltale.rbac.RouteTable;
import dev.telltale.store.EventStore;
import dev.telltale.store.ReindexStatus;
import dev.telltale.store.StoreConfig;
import dev.telltale.ui.Chrome;
import dev.telltale.ui.Labels;
import dev.telltale.ui.Ui;
import dev.telltale.ui.Views;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The appliance itself (organisation Admins): version, the health checks the health endpoint
 * runs, storage, and the retention settings as configured. Upgrades arrive with their own
 * feature; until then the page says so rather than offering anything.
 */
final class SystemView {
    private final Views views;
    private final RouteTable routes;
    private final String version;
    private final Map<String, BooleanSupplier> health;
    private final EventStore store;
    private final Path dataDir;
    private final StoreConfig storeConfig;
    private final AlertsConfig alertsConfig;

    SystemView(Views views, RouteTable routes, Ui.Services s) {
        this.views = views;
        this.routes = routes;
        this.version = s.version();
        this.health = s.health();
        this.store = s.store();
        this.dataDir = s.dataDir();
        this.storeConfig = s.storeConfig();
        this.alertsConfig = s.alertsConfig();
    }

    /** A health check's outcome. */
    record Check(String name, boolean ok) {
    }

    /** A label and its value. */
    record Fact(String label, String value) {
    }

    void show(ServerRequest req, ServerResponse res) {
        List<Check> checks = new ArrayList<>();
        health.forEach((name, check) -> checks.add(new Check(name, ok(check))));
        Map<String, Object> m = new HashMap<>();
        m.put("chrome", Chrome.of(req, routes, "System"));
        m.put("version", version);
        m.put("checks", checks);
        m.put("healthy", checks.stream().allMatch(Check::ok));
        m.put("storage", storage());
        putReindex(m, store.reindexStatus());
        m.put("retention", List.of(
                new Fact("Events kept for", duration(storeConfig.retention())),
                new Fact("Event partition width", duration(storeConfig.partition())),
                new Fact("Disk budget for events", storeConfig.diskBudgetBytes() == 0 ? "Unlimited (free disk space permitting)"
                        : Labels.bytes(storeConfig.diskBudgetBytes())),
                new Fact("Alert evidence kept for", duration(alertsConfig.evidenceRetention())),
                new Fact("Older versions' occurrences marked Fixed after", duration(alertsConfig.fixedAfter())),
                new Fact("Longest risk acceptance", duration(alertsConfig.maxRiskAcceptance()))));
        views.send(res, 200, "admin-system", m);
    }

    private static boolean ok(BooleanSupplier check) {
        try {
            return check.getAsBoolean();
        } catch (RuntimeException e) {
            return false; // a check that fails to run is not healthy
        }
    }

    private List<Fact> storage() {
        List<Fact> out = new ArrayList<>();
        out.add(new Fact("Event index", Labels.bytes(store.sizeBytes())));
        out.add(new Fact("Partitions", String.valueOf(store.partitionCount())));
        try {
            FileStore fs = Files.getFileStore(dataDir);
            out.add(new Fact("Free on the data disk", Labels.bytes(fs.getUsableSpace()) + " of " + Labels.bytes(fs.getTotalSpace())));
        } catch (IOException e) {
            out.add(new Fact("Free on the data disk", "unknown"));
        }
        return out;
    }

    /** The rebuild of older event partitions: a progress bar while it runs (the page then refreshes itself). */
    static void putReindex(Map<String, Object> m, ReindexStatus reindex) {
        m.put("reindex", reindex);
        m.put("reindexText", reindexText(reindex));
        m.put("refresh", reindex.running());
    }

    /** "1,200 of 5,000 events, partition p-…, about 3 minutes left". */
    static String reindexText(ReindexStatus r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%,d of %,d events", r.documentsDone(), r.documentsTotal()));
        sb.append(", ").append(plural(r.partitionsPending(), "partition")).append(" to go");
        r.currentPartition().ifPresent(p -> sb.append(" (now ").append(p).append(')'));
        r.estimatedRemaining().ifPresent(d -> sb.append(", about ")
                .append(d.toMinutes() >= 1 ? plural(d.toMinutes(), "minute") : "a minute").append(" left"));
        return sb.toString();
    }

    /** 30 days, 1 day, 6 hours, 15 minutes, 90 seconds: the largest whole unit. */
    static String duration(Duration d) {
        long s = d.getSeconds();
        if (s != 0 && s % 86_400 == 0) {
            return plural(s / 86_400, "day");
        }
        if (s != 0 && s % 3600 == 0) {
            return plural(s / 3600, "hour");
        }
        if (s != 0 && s % 60 == 0) {
            return plural(s / 60, "minute");
        }
        return plural(s, "second");
    }

    private static String plural(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }
}
