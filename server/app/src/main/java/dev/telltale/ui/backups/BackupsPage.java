package dev.telltale.ui.backups;

import dev.telltale.auth.User;
import dev.telltale.backup.BackupException;
import dev.telltale.backup.BackupInfo;
import dev.telltale.backup.BackupSettings;
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
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Backups for organisation Admins: the local backups (newest first, with a link to download
 * each as an archive through the API and a button to export each to the target), a "Back up now"
 * button, and the settings of the schedule and the target with a "Test the target" button. The
 * SFTP password and private key are write-only: the page says whether they are set, never what
 * they are. Restoring is a command run while the server is stopped (docs/backups.md).
 */
public final class BackupsPage implements Page {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);
    private static final String PATH = "/admin/backups";
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

    /** A message at the top of the page: {@code ok} or an error. */
    record Notice(boolean ok, String text) {
    }

    @Override
    public void declare(RouteTable t) {
        t.page("GET", PATH, Permission.APPLIANCE_MANAGE)
                .page("POST", PATH, Permission.APPLIANCE_MANAGE)
                .page("POST", PATH + "/settings", Permission.APPLIANCE_MANAGE)
                .page("POST", PATH + "/test", Permission.APPLIANCE_MANAGE)
                .page("POST", PATH + "/{id}/export", Permission.APPLIANCE_MANAGE);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get(PATH, this::show).post(PATH, this::backUp).post(PATH + "/settings", this::save)
                .post(PATH + "/test", this::test).post(PATH + "/{id}/export", this::export);
    }

    private void show(ServerRequest req, ServerResponse res) {
        Notice notice = req.query().first("done").asOptional().map(id -> new Notice(true, "Backup " + id + " is complete."))
                .or(() -> req.query().first("exported").asOptional().map(n -> new Notice(true, "Exported " + n + " to "
                        + backups.target().orElse("the target") + ".")))
                .orElse(req.query().contains("saved") ? new Notice(true, "Backup settings saved.") : null);
        BackupSettings.Stored stored = backups.settings();
        render(req, res, 200, BackupsForm.of(stored.settings()), stored, Map.of(), notice);
    }

    private void backUp(ServerRequest req, ServerResponse res) {
        Form.read(req);
        try {
            BackupInfo b = backups.backupNow("manual", actor(req));
            Views.redirect(res, PATH + "?done=" + b.id());
        } catch (BackupException e) {
            throw new UiException(500, e.getMessage());
        }
    }

    private void save(ServerRequest req, ServerResponse res) {
        Form f = Form.read(req);
        BackupsForm form = BackupsForm.read(f);
        try {
            backups.updateSettings(form.input(f), actor(req));
            Views.redirect(res, PATH + "?saved");
        } catch (BackupException e) {
            if (e.fieldErrors().isEmpty()) {
                throw e;
            }
            Map<String, String> errors = new LinkedHashMap<>();
            e.fieldErrors().forEach((field, message) -> errors.put(BackupsForm.fieldOf(field), sentence(message)));
            render(req, res, 400, form, backups.settings(), errors,
                    new Notice(false, "The settings were not saved: correct the fields marked below."));
        }
    }

    private void test(ServerRequest req, ServerResponse res) {
        Form.read(req);
        BackupSettings.TestResult r = backups.testTarget();
        BackupSettings.Stored stored = backups.settings();
        render(req, res, 200, BackupsForm.of(stored.settings()), stored, Map.of(),
                new Notice(r.ok(), (r.ok() ? "The target works: " : "The target does not work: ") + r.message() + "."));
    }

    private void export(ServerRequest req, ServerResponse res) {
        Form.read(req);
        String id = req.path().pathParameters().get("id");
        if (!id.matches("[0-9A-Za-z.-]{1,80}")) {
            throw new UiException(404, "There is no such backup.");
        }
        try {
            String name = backups.export(id, actor(req));
            Views.redirect(res, PATH + "?exported=" + java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8));
        } catch (BackupException e) {
            if (e.reason() == BackupException.Reason.NOT_FOUND) {
                throw new UiException(404, "There is no backup " + id + ".");
            }
            BackupSettings.Stored stored = backups.settings();
            render(req, res, e.reason() == BackupException.Reason.INVALID ? 400 : 502, BackupsForm.of(stored.settings()),
                    stored, Map.of(), new Notice(false, "The export failed: " + e.getMessage() + "."));
        }
    }

    private static String actor(ServerRequest req) {
        return req.context().get(User.class).map(User::username).orElseThrow(() -> new UiException(401, "Sign in first."));
    }

    /** "must be ..." reads "This must be ..." next to its field. */
    private static String sentence(String m) {
        String s = m.startsWith("must ") || m.startsWith("is ") ? "This " + m : Character.toUpperCase(m.charAt(0)) + m.substring(1);
        return s.endsWith(".") || s.endsWith(")") ? s : s + ".";
    }

    private void render(ServerRequest req, ServerResponse res, int status, BackupsForm form, BackupSettings.Stored stored,
                        Map<String, String> errors, Notice notice) {
        Map<String, Object> m = new HashMap<>();
        m.put("chrome", Chrome.of(req, routes, "Backups"));
        m.put("backups", backups.list().stream().map(Row::of).toList());
        m.put("schedule", backups.schedule().orElse("Off"));
        m.put("next", backups.nextScheduled().map(WHEN::format).orElse(""));
        m.put("target", backups.target().orElse("None"));
        m.put("hasTarget", backups.target().isPresent());
        m.put("form", form);
        m.put("errors", errors);
        m.put("passwordSet", stored.passwordSet());
        m.put("keySet", stored.privateKeySet());
        m.put("source", stored.source().equals("database")
                ? "Saved " + stored.updatedAt().map(WHEN::format).orElse("") + stored.updatedBy().map(u -> " by " + u).orElse("")
                + "; these settings replace the configuration file's telltale.backup.schedule and target."
                : "From the configuration file (telltale.backup); saving here replaces them.");
        m.put("notice", notice);
        views.send(res, status, "backups", m);
    }
}
