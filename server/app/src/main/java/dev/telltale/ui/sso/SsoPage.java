package dev.telltale.ui.sso;

import dev.telltale.auth.User;
import dev.telltale.rbac.Permission;
import dev.telltale.rbac.RouteTable;
import dev.telltale.rbac.TeamRole;
import dev.telltale.sso.Sso;
import dev.telltale.sso.SsoException;
import dev.telltale.sso.SsoSettings;
import dev.telltale.teams.Teams;
import dev.telltale.ui.Chrome;
import dev.telltale.ui.Form;
import dev.telltale.ui.Page;
import dev.telltale.ui.Views;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Single sign-on settings for organisation Admins: the provider, this appliance's client at it,
 * and how provider groups become team roles. The client secret is write-only: the page says
 * whether one is stored, never what it is.
 */
public final class SsoPage implements Page {
    private final Views views;
    private final RouteTable routes;
    private final Sso sso;
    private final Teams teams;

    public SsoPage(Views views, RouteTable routes, Sso sso, Teams teams) {
        this.views = views;
        this.routes = routes;
        this.sso = sso;
        this.teams = teams;
    }

    @Override
    public void declare(RouteTable t) {
        t.page("GET", "/admin/sso", Permission.SSO_MANAGE).page("POST", "/admin/sso", Permission.SSO_MANAGE);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/admin/sso", this::show).post("/admin/sso", this::save);
    }

    private void show(ServerRequest req, ServerResponse res) {
        SsoSettings.Stored stored = sso.settings();
        render(req, res, 200, SsoForm.of(stored.settings()), stored, Map.of(), req.query().contains("saved"));
    }

    private void save(ServerRequest req, ServerResponse res) {
        Form f = Form.read(req);
        SsoForm form = SsoForm.read(f);
        Map<String, String> errors = new HashMap<>();
        SsoSettings settings = form.settings(errors);
        char[] secret = f.first("client_secret").orElse("").toCharArray();
        try {
            if (errors.isEmpty()) {
                Optional<String> newSecret = secret.length == 0 ? Optional.empty() : Optional.of(new String(secret));
                sso.update(settings, newSecret, req.context().get(User.class).orElseThrow().username());
                Views.redirect(res, "/admin/sso?saved");
                return;
            }
        } catch (SsoException e) {
            if (e.kind() != SsoException.Kind.INVALID_SETTING) {
                throw e;
            }
            String field = e.field().map(SsoForm::fieldOf).orElse("form");
            errors.put(field, message(e));
        } finally {
            Arrays.fill(secret, '\0');
        }
        render(req, res, 400, form, sso.settings(), errors, false);
    }

    /** "'issuer' must be an https URL…" reads "This must be an https URL…" next to the issuer field. */
    private static String message(SsoException e) {
        String m = e.getMessage();
        String plain = m.startsWith("'") && m.indexOf("' ", 1) > 0 ? "This " + m.substring(m.indexOf("' ", 1) + 2) : m;
        return plain.endsWith(".") ? plain : plain + ".";
    }

    private void render(ServerRequest req, ServerResponse res, int status, SsoForm form, SsoSettings.Stored stored,
                        Map<String, String> errors, boolean saved) {
        Map<String, Object> m = new HashMap<>();
        m.put("chrome", Chrome.of(req, routes, "Single sign-on"));
        m.put("form", form);
        m.put("errors", errors);
        m.put("secretSet", stored.clientSecretSet());
        m.put("updated", stored.updatedAt().map(t -> t.toString().replace('T', ' ').replaceAll("\\.\\d+Z$", "Z")
                + stored.updatedBy().map(u -> " by " + u).orElse("")).orElse(""));
        m.put("teams", teams.list().stream().map(Teams.Team::name).toList());
        m.put("roles", List.of(TeamRole.values()).stream().map(Enum::name).toList());
        m.put("redirectUri", "https://" + req.authority() + "/sso/callback");
        m.put("flash", saved ? "Single sign-on settings saved." : "");
        views.send(res, status, "sso", m);
    }
}
