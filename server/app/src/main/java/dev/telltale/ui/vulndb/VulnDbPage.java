package dev.telltale.ui.vulndb;

import dev.telltale.auth.User;
import dev.telltale.rbac.Permission;
import dev.telltale.rbac.RouteTable;
import dev.telltale.ui.Chrome;
import dev.telltale.ui.Form;
import dev.telltale.ui.Page;
import dev.telltale.ui.UiException;
import dev.telltale.ui.Views;
import dev.telltale.vulndb.ImportJob;
import dev.telltale.vulndb.VulnDb;
import dev.telltale.vulndb.VulnDbException;
import dev.telltale.vulndb.VulnDbStatus;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The vulnerability database for organisation Admins: how many advisories per ecosystem, how old
 * the newest one is, the last imports with a progress bar while one runs (the page refreshes
 * itself), and importing the configured directory. Zips are uploaded through the API.
 */
public final class VulnDbPage implements Page {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm 'UTC'").withZone(ZoneOffset.UTC);
    private final Views views;
    private final RouteTable routes;
    private final VulnDb vulnDb;

    public VulnDbPage(Views views, RouteTable routes, VulnDb vulnDb) {
        this.views = views;
        this.routes = routes;
        this.vulnDb = vulnDb;
    }

    /** An import as the page shows it. */
    record JobView(long id, String source, String state, boolean running, int total, int processed, int percent,
                   String counts, String error, String when) {
        static JobView of(ImportJob j) {
            boolean running = j.state() == ImportJob.State.QUEUED || j.state() == ImportJob.State.RUNNING;
            int percent = j.total() <= 0 ? 0 : (int) Math.min(100, 100L * j.processed() / j.total());
            String counts = j.imported() + " imported, " + j.skipped() + " unchanged, " + j.removed() + " withdrawn, "
                    + j.invalid() + " invalid";
            return new JobView(j.id(), j.source(), j.state().name(), running, j.total(), j.processed(), percent, counts,
                    j.error().orElse(""), WHEN.format(j.finished().orElse(j.created())));
        }
    }

    /** Advisories of one ecosystem. */
    record EcosystemCount(String ecosystem, long advisories) {
    }

    @Override
    public void declare(RouteTable t) {
        t.page("GET", "/admin/vulndb", Permission.APPLIANCE_MANAGE).page("POST", "/admin/vulndb/import",
                Permission.APPLIANCE_MANAGE).page("POST", "/admin/vulndb/upload", Permission.APPLIANCE_MANAGE);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/admin/vulndb", this::show).post("/admin/vulndb/import", this::importDirectory)
                .post("/admin/vulndb/upload", this::upload);
    }

    private void show(ServerRequest req, ServerResponse res) {
        VulnDbStatus s = vulnDb.status();
        Map<String, Object> m = new HashMap<>();
        m.put("chrome", Chrome.of(req, routes, "Vulnerability database"));
        m.put("advisories", s.advisories());
        m.put("ecosystems", s.perEcosystem().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> new EcosystemCount(e.getKey(), e.getValue())).toList());
        m.put("age", s.newestModified().map(VulnDbPage::age).orElse("empty: import advisories first"));
        m.put("lastImport", s.lastImport().map(WHEN::format).orElse("never"));
        Optional<JobView> job = req.query().first("job").asOptional().flatMap(VulnDbPage::id).flatMap(vulnDb::job)
                .or(s::latestJob).map(JobView::of);
        m.put("job", job);
        m.put("refresh", job.map(JobView::running).orElse(false));
        m.put("notice", req.query().contains("busy") ? "An import is already queued; try again when it has finished."
                : req.query().contains("nodir") ? "No import directory is configured (telltale.vulndb.import-dir)."
                : req.query().contains("notzip") ? "That file is not a zip of OSV records."
                : req.query().contains("toolarge") ? "That file is larger than telltale.vulndb.max-archive-bytes." : "");
        views.send(res, 200, "vulndb", m);
    }

    private static Optional<Long> id(String s) {
        try {
            return Optional.of(Long.parseLong(s));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private void importDirectory(ServerRequest req, ServerResponse res) {
        Form.read(req);
        String actor = req.context().get(User.class).map(User::username).orElseThrow(() -> new UiException(401, "Sign in first."));
        try {
            ImportJob j = vulnDb.importDirectory(actor);
            Views.redirect(res, "/admin/vulndb?job=" + j.id());
        } catch (VulnDbException e) {
            Views.redirect(res, e.kind() == VulnDbException.Kind.BUSY ? "/admin/vulndb?busy" : "/admin/vulndb?nodir");
        }
    }

    /** The zip upload without JavaScript (the page's script sends it to the API with a progress bar instead). */
    private void upload(ServerRequest req, ServerResponse res) {
        String actor = req.context().get(User.class).map(User::username).orElseThrow(() -> new UiException(401, "Sign in first."));
        ImportJob[] job = new ImportJob[1];
        try {
            dev.telltale.ui.FileForm.read(req, "archive", (name, in) -> job[0] = vulnDb.importArchive(in, actor));
            Views.redirect(res, "/admin/vulndb?job=" + job[0].id());
        } catch (VulnDbException e) {
            Views.redirect(res, "/admin/vulndb?" + switch (e.kind()) {
                case BUSY -> "busy";
                case NOT_ZIP -> "notzip";
                case TOO_LARGE -> "toolarge";
                case NOT_CONFIGURED -> "nodir";
            });
        }
    }

    /** "3 days old (newest advisory 23 Nov 2026 10:00 UTC)". */
    static String age(Instant newest) {
        long days = Duration.between(newest, Instant.now()).toDays();
        String d = days <= 0 ? "less than a day old" : days == 1 ? "1 day old" : days + " days old";
        return d + " (newest advisory modified " + WHEN.format(newest) + ")";
    }

}
