package dev.telltale.ui.integrations;

import dev.telltale.auth.User;
import dev.telltale.notify.EventKind;
import dev.telltale.notify.Notify;
import dev.telltale.notify.NotifyException;
import dev.telltale.rbac.Access;
import dev.telltale.rbac.Permission;
import dev.telltale.rbac.RouteTable;
import dev.telltale.store.Scope;
import dev.telltale.teams.Teams;
import dev.telltale.ui.Chrome;
import dev.telltale.ui.Form;
import dev.telltale.ui.Page;
import dev.telltale.ui.UiException;
import dev.telltale.ui.Views;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The integrations pages: the list of a user's teams' integrations with a form for a new one, and
 * one integration with its settings, a test send, its delivery log and (Jira) its issues. Who may
 * see and change what mirrors the integrations API; secrets are write-only here too.
 */
public final class IntegrationsPage implements Page {
    private static final Pattern FIELD = Pattern.compile("^'(?:settings\\.|secrets\\.)?([a-z_]+)'");
    private final Views views;
    private final RouteTable routes;
    private final Notify notify;
    private final Teams teams;

    public IntegrationsPage(Views views, RouteTable routes, Notify notify, Teams teams) {
        this.views = views;
        this.routes = routes;
        this.notify = notify;
        this.teams = teams;
    }

    @Override
    public void declare(RouteTable t) {
        t.page("GET", "/admin/integrations", Permission.INTEGRATIONS_VIEW)
                .page("POST", "/admin/integrations", Permission.INTEGRATIONS_EDIT)
                .page("GET", "/admin/integrations/{id}", Permission.INTEGRATIONS_VIEW)
                .page("POST", "/admin/integrations/{id}", Permission.INTEGRATIONS_EDIT)
                .page("POST", "/admin/integrations/{id}/test", Permission.INTEGRATIONS_EDIT)
                .page("POST", "/admin/integrations/{id}/delete", Permission.INTEGRATIONS_EDIT)
                .page("POST", "/admin/integrations/{id}/refresh", Permission.JIRA);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/admin/integrations", this::list).post("/admin/integrations", this::create)
                .get("/admin/integrations/{id}", this::show).post("/admin/integrations/{id}", this::update)
                .post("/admin/integrations/{id}/test", this::test).post("/admin/integrations/{id}/delete", this::delete)
                .post("/admin/integrations/{id}/refresh", this::refresh);
    }

    private static Access access(ServerRequest req) {
        return req.context().get(Access.class).orElseThrow(() -> new UiException(401, "Sign in first."));
    }

    private static String actor(ServerRequest req) {
        return req.context().get(User.class).orElseThrow(() -> new UiException(401, "Sign in first.")).username();
    }

    private static Scope scope(ServerRequest req, Permission p) {
        return access(req).scope(p);
    }

    private static long id(ServerRequest req) {
        try {
            return Long.parseLong(req.path().pathParameters().get("id"));
        } catch (NumberFormatException e) {
            throw new UiException(404, "There is no such integration.");
        }
    }

    private void list(ServerRequest req, ServerResponse res) {
        renderList(req, res, 200, IntegrationForm.blank(), Map.of());
    }

    private void create(ServerRequest req, ServerResponse res) {
        Form f = Form.read(req);
        IntegrationForm form = IntegrationForm.read(f);
        Map<String, String> errors = new HashMap<>();
        Optional<Teams.Team> team = teams.byName(form.team()).filter(t -> access(req).can(Permission.INTEGRATIONS_EDIT, t.id()));
        if (team.isEmpty()) {
            errors.put("team", "Choose one of your teams.");
        } else {
            try {
                Notify.Integration i = notify.create(team.get().id(), form.draft(f), actor(req));
                Views.redirect(res, "/admin/integrations/" + i.id() + "?saved");
                return;
            } catch (NotifyException e) {
                errors.put(field(e), message(e));
            } catch (IllegalArgumentException e) {
                errors.put(e.getMessage().split("\\|")[0], e.getMessage().split("\\|")[1]);
            }
        }
        renderList(req, res, 400, form, errors);
    }

    private void show(ServerRequest req, ServerResponse res) {
        Notify.Integration i = find(req, Permission.INTEGRATIONS_VIEW);
        String flash = req.query().contains("saved") ? "Integration saved." : req.query().contains("tested")
                ? "Test delivery queued: see the delivery log below." : req.query().contains("refreshed")
                ? "Jira statuses refreshed." : "";
        renderOne(req, res, 200, i, IntegrationForm.of(i), Map.of(), flash);
    }

    private void update(ServerRequest req, ServerResponse res) {
        Form f = Form.read(req); // the CSRF check comes before anything else
        Notify.Integration old = find(req, Permission.INTEGRATIONS_EDIT);
        IntegrationForm form = IntegrationForm.read(f);
        form = new IntegrationForm(old.type().wire(), old.team(), form.name(), form.enabled(), form.events(),
                form.applications(), form.url(), form.projectKey(), form.issueType(), form.apiVersion(), form.auth(),
                form.email(), form.host(), form.port(), form.caPem(), "");
        Map<String, String> errors = new HashMap<>();
        try {
            notify.update(old.id(), scope(req, Permission.INTEGRATIONS_EDIT), form.draft(f), actor(req));
            Views.redirect(res, "/admin/integrations/" + old.id() + "?saved");
            return;
        } catch (NotifyException e) {
            if (e.reason() == NotifyException.Reason.NOT_FOUND) {
                throw new UiException(404, "There is no such integration.");
            }
            errors.put(field(e), message(e));
        } catch (IllegalArgumentException e) {
            errors.put(e.getMessage().split("\\|")[0], e.getMessage().split("\\|")[1]);
        }
        renderOne(req, res, 400, old, form, errors, "");
    }

    private void test(ServerRequest req, ServerResponse res) {
        Form.read(req);
        Notify.Integration i = find(req, Permission.INTEGRATIONS_EDIT);
        notify.test(i.id(), scope(req, Permission.INTEGRATIONS_EDIT), actor(req));
        Views.redirect(res, "/admin/integrations/" + i.id() + "?tested");
    }

    private void delete(ServerRequest req, ServerResponse res) {
        Form.read(req);
        Notify.Integration i = find(req, Permission.INTEGRATIONS_EDIT);
        notify.delete(i.id(), scope(req, Permission.INTEGRATIONS_EDIT), actor(req));
        Views.redirect(res, "/admin/integrations");
    }

    private void refresh(ServerRequest req, ServerResponse res) {
        Form.read(req);
        Notify.Integration i = find(req, Permission.JIRA);
        try {
            notify.refreshTickets(i.id(), scope(req, Permission.JIRA), actor(req));
        } catch (NotifyException e) {
            throw new UiException(400, "Only Jira integrations have issues to refresh.");
        }
        Views.redirect(res, "/admin/integrations/" + i.id() + "?refreshed");
    }

    private Notify.Integration find(ServerRequest req, Permission p) {
        try {
            return notify.get(id(req), scope(req, p));
        } catch (NotifyException e) {
            throw new UiException(404, "There is no such integration.");
        }
    }

    private void renderList(ServerRequest req, ServerResponse res, int status, IntegrationForm form,
                            Map<String, String> errors) {
        Access a = access(req);
        Map<String, Object> m = new HashMap<>();
        m.put("chrome", Chrome.of(req, routes, "Integrations"));
        m.put("integrations", notify.list(scope(req, Permission.INTEGRATIONS_VIEW)).stream().map(Row::of).toList());
        List<String> editable = teams.list().stream().filter(t -> a.can(Permission.INTEGRATIONS_EDIT, t.id()))
                .map(Teams.Team::name).toList();
        m.put("teams", editable);
        m.put("form", form);
        m.put("errors", errors);
        m.put("kinds", kinds());
        views.send(res, status, "integrations", m);
    }

    private void renderOne(ServerRequest req, ServerResponse res, int status, Notify.Integration i, IntegrationForm form,
                           Map<String, String> errors, String flash) {
        Access a = access(req);
        Map<String, Object> m = new HashMap<>();
        m.put("chrome", Chrome.of(req, routes, i.name()));
        m.put("integration", i);
        m.put("form", form);
        m.put("errors", errors);
        m.put("flash", flash);
        m.put("kinds", kinds());
        m.put("canEdit", a.can(Permission.INTEGRATIONS_EDIT, i.teamId()));
        m.put("canRefresh", a.can(Permission.JIRA, i.teamId()));
        m.put("deliveries", notify.deliveries(i.id(), scope(req, Permission.INTEGRATIONS_VIEW), 100).stream()
                .map(DeliveryRow::of).toList());
        m.put("updated", when(i.updatedAt()) + " by " + i.updatedBy());
        m.put("tickets", i.type() == dev.telltale.notify.IntegrationType.JIRA
                ? notify.tickets(i.id(), scope(req, Permission.INTEGRATIONS_VIEW)) : List.of());
        views.send(res, status, "integration", m);
    }

    /** One line of the delivery log, times to the second. */
    public record DeliveryRow(String created, String event, String status, int attempts, String result, String deliveryId) {
        static DeliveryRow of(Notify.Delivery d) {
            return new DeliveryRow(when(d.createdAt()), d.kind().wire(), d.status()
                    + d.nextAttemptAt().map(t -> ", next " + when(t)).orElse(""), d.attempts(),
                    d.lastResult().orElse(""), d.deliveryId());
        }
    }

    static String when(java.time.Instant t) {
        return t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString().replace('T', ' ');
    }

    /** One line of the list. */
    public record Row(long id, String name, String team, String type, String events, String status, boolean enabled) {
        static Row of(Notify.Integration i) {
            return new Row(i.id(), i.name(), i.team(), i.type().wire(), String.join(", ", i.kinds().stream()
                    .map(EventKind::wire).sorted().toList()), i.failed() ? "Failed (disabled)" : i.enabled() ? "Enabled"
                    : "Disabled", i.enabled());
        }
    }

    private static List<String> kinds() {
        return Arrays.stream(EventKind.values()).filter(EventKind::subscribable).map(EventKind::wire).toList();
    }

    /** The form field a message names ("'settings.port' must…" → port), else the form as a whole. */
    static String field(NotifyException e) {
        Matcher m = FIELD.matcher(e.getMessage());
        if (m.find()) {
            return m.group(1);
        }
        return e.getMessage().contains("header") ? "headers" : "form";
    }

    private static String message(NotifyException e) {
        String msg = e.getMessage();
        Matcher m = FIELD.matcher(msg);
        String plain = m.find() ? "This" + msg.substring(m.end()) : msg;
        return Character.toUpperCase(plain.charAt(0)) + plain.substring(1) + (plain.endsWith(".") ? "" : ".");
    }
}
