package dev.telltale.ui.downloads;

import dev.telltale.auth.RunTokens;
import dev.telltale.downloads.AgentConfigFile;
import dev.telltale.downloads.Bundles;
import dev.telltale.downloads.DownloadLinks;
import dev.telltale.rbac.Access;
import dev.telltale.rbac.Permission;
import dev.telltale.rbac.RouteTable;
import dev.telltale.teams.Teams;
import dev.telltale.ui.Chrome;
import dev.telltale.ui.Form;
import dev.telltale.ui.Labels;
import dev.telltale.ui.Page;
import dev.telltale.ui.Ui;
import dev.telltale.ui.UiException;
import dev.telltale.ui.Views;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Downloads: the agent bundles with sizes and SHA-256 checksums; for those who manage a team's run
 * tokens, a fresh token in a team configuration file with the one-line install command (shown
 * once), and the team's run tokens with revocation. Mirrors {@code POST /api/v1/downloads/config}
 * and {@code /api/v1/run-tokens}, with the same permission per team.
 */
public final class DownloadsPage implements Page {
    static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N} ._:-]{1,100}");
    static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);
    private static final Map<String, String> DONE = Map.of("revoked", "The run token is revoked. Agents using it are disconnected.");
    private final Views views;
    private final RouteTable routes;
    private final Bundles bundles;
    private final DownloadLinks links;
    private final RunTokens tokens;
    private final Teams teams;
    private final Ui.AgentEndpoint endpoint;
    private final Clock clock;

    public DownloadsPage(Views views, RouteTable routes, Bundles bundles, DownloadLinks links, RunTokens tokens, Teams teams,
                         Ui.AgentEndpoint endpoint, Clock clock) {
        this.views = views;
        this.routes = routes;
        this.bundles = bundles;
        this.links = links;
        this.tokens = tokens;
        this.teams = teams;
        this.endpoint = endpoint;
        this.clock = clock;
    }

    /** A bundle as the table shows it. */
    record BundleRow(String name, String libc, String size, long bytes, String sha256, String href) {
    }

    /** A team the user may create run tokens for. */
    record TeamOption(long id, String name, boolean selected) {
    }

    /** A run token as the table shows it: never the token, only its prefix. */
    record TokenRow(long id, String name, String team, String prefix, String created, String createdBy, String lastUsed,
                    String status, boolean active) {
    }

    /** What a fresh token's creation shows, once. */
    record Created(String team, String name, String bundle, boolean bundleAvailable, String config, String install) {
    }

    @Override
    public void declare(RouteTable t) {
        t.page("GET", "/downloads", Permission.DOWNLOADS)
                .page("POST", "/downloads/install", Permission.RUN_TOKENS_MANAGE)
                .page("POST", "/downloads/tokens/{id}/revoke", Permission.RUN_TOKENS_MANAGE);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/downloads", (req, res) -> show(req, res, 200, new Fields("", "", "glibc"), Map.of(), Optional.empty()))
                .post("/downloads/install", this::install)
                .post("/downloads/tokens/{id}/revoke", this::revoke);
    }

    /** The install form's fields as submitted. */
    record Fields(String team, String name, String libc) {
    }

    private void show(ServerRequest req, ServerResponse res, int status, Fields f, Map<String, String> errors,
                      Optional<Created> created) {
        Access a = req.context().get(Access.class).orElseThrow();
        Map<String, Object> m = new HashMap<>();
        m.put("chrome", Chrome.of(req, routes, "Downloads"));
        m.put("bundles", bundles.list().stream().map(b -> new BundleRow(b.name(), b.libc(), Labels.bytes(b.size()), b.size(),
                b.sha256(), "/api/v1/downloads/" + b.name())).toList());
        List<TeamOption> own = teams.list().stream().filter(t -> a.can(Permission.RUN_TOKENS_MANAGE, t.id()))
                .map(t -> new TeamOption(t.id(), t.name(), String.valueOf(t.id()).equals(f.team()))).toList();
        m.put("manage", !own.isEmpty());
        m.put("teams", own);
        m.put("fields", f);
        m.put("errors", new HashMap<>(errors)); // a public Map class: templates call its methods reflectively
        m.put("created", created.orElse(null));
        m.put("tokens", tokens.list().stream().filter(t -> a.can(Permission.RUN_TOKENS_MANAGE, t.teamId()))
                .sorted((x, y) -> Long.compare(y.id(), x.id())).map(this::row).toList());
        m.put("notice", DONE.getOrDefault(req.query().first("done").orElse(""), ""));
        views.send(res, status, "downloads", m);
    }

    private TokenRow row(RunTokens.RunTokenInfo t) {
        Instant now = clock.instant();
        boolean expired = t.expiresAt().filter(e -> !now.isBefore(e)).isPresent();
        String status = t.revokedAt().map(r -> "Revoked " + WHEN.format(r))
                .orElse(expired ? "Expired" : t.expiresAt().map(e -> "Active until " + WHEN.format(e)).orElse("Active"));
        return new TokenRow(t.id(), t.name(), t.teamName(), t.prefix() + "…", WHEN.format(t.createdAt()), t.createdBy(),
                t.lastUsedAt().map(WHEN::format).orElse("never"), status, t.revokedAt().isEmpty() && !expired);
    }

    /**
     * Creates a run token and shows it with the configuration and install command in the response
     * itself: the clear token exists only now, so this one POST is answered with a page instead of
     * a redirect (the page is not cached, and the token cannot be shown again).
     */
    private void install(ServerRequest req, ServerResponse res) {
        Form form = Form.read(req);
        Access a = req.context().get(Access.class).orElseThrow();
        Fields f = new Fields(form.text("team"), form.text("name"), form.text("libc"));
        Map<String, String> errors = new LinkedHashMap<>();
        Optional<Teams.Team> team = parseId(f.team()).flatMap(teams::byId)
                .filter(t -> a.can(Permission.RUN_TOKENS_MANAGE, t.id()));
        if (team.isEmpty()) {
            errors.put("team", "Choose one of the teams whose run tokens you manage.");
        }
        if (!NAME.matcher(f.name()).matches()) {
            errors.put("name", "Give the token a name of 1 to 100 letters, digits, spaces or . _ : - (say, where it runs).");
        }
        if (!f.libc().equals("glibc") && !f.libc().equals("musl")) {
            errors.put("libc", "Choose glibc or musl.");
        }
        String host = endpoint.publicHost().orElseGet(() -> requestHost(req));
        try {
            AgentConfigFile.checkHost(host);
        } catch (IllegalArgumentException e) {
            errors.put("team", "The appliance cannot tell agents where to connect: an administrator must set its public host name.");
        }
        if (!errors.isEmpty()) {
            show(req, res, 400, f, errors, Optional.empty());
            return;
        }
        show(req, res, 200, f, Map.of(), Optional.of(create(team.get(), f, a.username(), host)));
    }

    private Created create(Teams.Team team, Fields f, String actor, String host) {
        String bundle = "telltale-agent-linux-x86_64-" + f.libc() + ".tar.gz";
        RunTokens.CreatedRunToken token = tokens.create(team.id(), f.name(), Optional.empty(), actor);
        String config = AgentConfigFile.render(team.name(), actor, token.createdAt(), host,
                endpoint.ingestPort().getAsInt(), token.token(), endpoint.caPem().get());
        String base = "https://" + host + ":" + endpoint.httpsPort().getAsInt();
        return new Created(team.name(), token.name(), bundle, bundles.find(bundle).isPresent(), config,
                AgentConfigFile.installCommand(base, bundle, links.query(bundle), endpoint.caPem().get(), config));
    }

    private void revoke(ServerRequest req, ServerResponse res) {
        Form.read(req);
        Access a = req.context().get(Access.class).orElseThrow();
        long id = parseId(req.path().pathParameters().get("id"))
                .orElseThrow(() -> new UiException(404, "There is no such run token."));
        boolean yours = tokens.list().stream().anyMatch(t -> t.id() == id && a.can(Permission.RUN_TOKENS_MANAGE, t.teamId()));
        if (!yours || !tokens.revoke(id, a.username())) {
            throw new UiException(404, "There is no active run token " + id + " of your teams.");
        }
        Views.redirect(res, "/downloads?done=revoked#tokens");
    }

    /** The host name the user reached the appliance by (no port), as agents will be told. */
    static String requestHost(ServerRequest req) {
        String authority = req.authority();
        if (authority.startsWith("[")) {
            int end = authority.indexOf(']');
            return end > 0 ? authority.substring(0, end + 1) : authority;
        }
        int colon = authority.lastIndexOf(':');
        return colon > 0 ? authority.substring(0, colon) : authority;
    }

    static Optional<Long> parseId(String s) {
        try {
            return Optional.of(Long.parseLong(s));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
