package dev.telltale.ui.backups;

import dev.telltale.auth.User;
import dev.telltale.backup.BackupException;
import dev.telltale.backup.BackupInfo;
import dev.telltale.backup.Backups;
import dev.telltale.rbac.Permission;
import dev.telltale.rbac.RouteTable;
import dev.telltale.ui.Chrome;
import dev.telltale.ui.Form;
import dev.telltale.ui.Labels;
import dev.telltale.ui.Page;
import dev.telltale.ui.UiException;
import dev.telltale.ui.Views;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;

/**
 * Backups for organisation Admins: the local backups (newest first, with a link to download
 * each as an archive through the API), the schedule and the target as configured, and a
 * "Back up now" button. Restoring is a command run while the server is stopped (docs/backups.md).
 */
public final class BackupsPage implements Page {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);
    private final Views views;
    private final RouteTable routes;
    private final Backups backups;

    public BackupsPage(Views views, RouteTable routes, Backups backups) {
        this.views = views;
        this.routes = routes;
        this.backups = backups;
    }

    /** A backup as the page lists it. */
    record Row(String id, String when, String version, String reason, String size) {
        static Row of(BackupInfo b) {
            return new Row(b.id(), WHEN.format(b.created()), b.version(), b.reason(), Labels.bytes(b.sizeBytes()));
        }
    }

    @Override
    public void declare(RouteTable t) {
        t.page("GET", "/admin/backups", Permission.APPLIANCE_MANAGE)
                .page("POST", "/admin/backups", Permission.APPLIANCE_MANAGE);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/admin/backups", this::show).post("/admin/backups", this::backUp);
    }

    private void show(ServerRequest req, ServerResponse res) {
        Map<String, Object> m = new HashMap<>();
        m.put("chrome", Chrome.of(req, routes, "Backups"));
        m.put("backups", backups.list().stream().map(Row::of).toList());
        m.put("schedule", backups.schedule().orElse("Off (telltale.backup.schedule)"));
        m.put("target", backups.target().orElse("None (telltale.backup.target)"));
        m.put("notice", req.query().first("done").asOptional().map(id -> "Backup " + id + " is complete.").orElse(""));
        views.send(res, 200, "backups", m);
    }

    private void backUp(ServerRequest req, ServerResponse res) {
        Form.read(req);
        String actor = req.context().get(User.class).map(User::username).orElseThrow(() -> new UiException(401, "Sign in first."));
        try {
            BackupInfo b = backups.backupNow("manual", actor);
            Views.redirect(res, "/admin/backups?done=" + b.id());
        } catch (BackupException e) {
            throw new UiException(500, e.getMessage());
        }
    }
}
