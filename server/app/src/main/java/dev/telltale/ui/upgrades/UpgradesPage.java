package dev.telltale.ui.upgrades;

import dev.telltale.auth.User;
import dev.telltale.rbac.Permission;
import dev.telltale.rbac.RouteTable;
import dev.telltale.ui.Chrome;
import dev.telltale.ui.Form;
import dev.telltale.ui.Page;
import dev.telltale.ui.UiException;
import dev.telltale.ui.Views;
import dev.telltale.upgrade.UpgradeException;
import dev.telltale.upgrade.UpgradeState;
import dev.telltale.upgrade.Upgrades;
import dev.telltale.upgrade.bundle.BundleRefusedException;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Upgrades for organisation Admins: the running version, uploading a bundle (with a progress bar;
 * the bundle is verified before it is kept), staged bundles to apply, the transaction in progress
 * (steps, progress bar and log, polled while the appliance restarts), the rollback on offer and
 * the history.
 */
public final class UpgradesPage implements Page {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm 'UTC'").withZone(ZoneOffset.UTC);
    private final Views views;
    private final RouteTable routes;
    private final Upgrades upgrades;
    /** Why the last upload without JavaScript was refused, for the page after the redirect (the address carries a code only). */
    private volatile Optional<Refusal> lastRefusal = Optional.empty();

    private record Refusal(String actor, String message) {
    }

    public UpgradesPage(Views views, RouteTable routes, Upgrades upgrades) {
        this.views = views;
        this.routes = routes;
        this.upgrades = upgrades;
    }

    record StagedView(String version, String minFrom, String keyId, int files, String size, String sha256, String uploaded) {
        static StagedView of(Upgrades.StagedBundle b) {
            return new StagedView(b.version(), b.minFrom(), b.keyId(), b.files(), (b.sizeBytes() >> 20) + " MB", b.sha256(),
                    b.uploadedBy() + ", " + WHEN.format(b.uploadedAt()));
        }
    }

    record StepView(String name, String status, String detail) {
    }

    record RunView(String title, String phase, boolean running, boolean failed, int percent, List<StepView> steps,
                   String log, String outcome, String when) {
        static RunView of(UpgradeState s) {
            String title = (s.kind() == UpgradeState.Kind.UPGRADE ? "Upgrade " : "Rollback ") + s.from() + " \u2192 " + s.to();
            boolean failed = s.phase() == UpgradeState.Phase.ROLLED_BACK || s.phase() == UpgradeState.Phase.REFUSED
                    || s.phase() == UpgradeState.Phase.FAILED;
            List<String> log = s.log();
            return new RunView(title, s.phase().name(), !s.terminal(), failed, s.percent(),
                    s.steps().stream().map(st -> new StepView(st.name(), st.status().name(), st.detail())).toList(),
                    String.join("\n", log.subList(Math.max(0, log.size() - 40), log.size())), s.outcome().orElse(""),
                    WHEN.format(s.updated()));
        }
    }

    record HistoryView(String what, String state, String actor, String started, String message) {
    }

    record OfferView(String to, String until) {
    }

    @Override
    public void declare(RouteTable t) {
        t.page("GET", "/admin/upgrades", Permission.APPLIANCE_MANAGE)
                .page("POST", "/admin/upgrades/upload", Permission.APPLIANCE_MANAGE)
                .page("POST", "/admin/upgrades/apply", Permission.APPLIANCE_MANAGE)
                .page("POST", "/admin/upgrades/discard", Permission.APPLIANCE_MANAGE)
                .page("POST", "/admin/upgrades/rollback", Permission.APPLIANCE_MANAGE);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/admin/upgrades", this::show).post("/admin/upgrades/upload", this::upload)
                .post("/admin/upgrades/apply", this::apply)
                .post("/admin/upgrades/discard", this::discard).post("/admin/upgrades/rollback", this::rollback);
    }

    private void show(ServerRequest req, ServerResponse res) {
        Map<String, Object> m = new HashMap<>();
        m.put("chrome", Chrome.of(req, routes, "Upgrades"));
        m.put("version", upgrades.version());
        m.put("staged", upgrades.staged().stream().map(StagedView::of).toList());
        Optional<RunView> run = upgrades.current().map(RunView::of);
        m.put("run", run);
        m.put("busy", run.map(RunView::running).orElse(false));
        m.put("offer", upgrades.rollbackOffer().map(o -> new OfferView(o.toVersion(), WHEN.format(o.until()))));
        m.put("history", upgrades.history().stream().map(h -> new HistoryView((h.kind() == UpgradeState.Kind.UPGRADE
                ? "Upgrade " : "Rollback ") + h.from() + " \u2192 " + h.to(), h.state().name(), h.actor(),
                WHEN.format(h.started()), h.message().orElse(""))).toList());
        m.put("notice", switch (req.query().first("error").orElse("")) {
            case "busy" -> "Not now: another upgrade is in progress, or no rollback is on offer.";
            case "refused" -> lastRefusal.filter(r -> r.actor().equals(actor(req))).map(r -> "Bundle refused: " + r.message())
                    .orElse("The bundle was refused.");
            case "missing" -> "That bundle is no longer staged.";
            case "invalid" -> "That request was not valid.";
            default -> "";
        });
        views.send(res, 200, "upgrades", m);
    }

    /** The upload without JavaScript (the page's script sends the file to the API with a progress bar instead). */
    private void upload(ServerRequest req, ServerResponse res) {
        String actor = actor(req);
        try {
            dev.telltale.ui.FileForm.read(req, "bundle", (name, in) -> upgrades.stage(in, actor));
            Views.redirect(res, "/admin/upgrades");
        } catch (BundleRefusedException e) {
            lastRefusal = Optional.of(new Refusal(actor, e.reason() + ": " + e.getMessage()));
            Views.redirect(res, "/admin/upgrades?error=refused");
        } catch (UpgradeException e) {
            lastRefusal = Optional.of(new Refusal(actor, e.getMessage()));
            Views.redirect(res, "/admin/upgrades?error=refused");
        }
    }

    private void apply(ServerRequest req, ServerResponse res) {
        Form form = Form.read(req);
        act(res, () -> upgrades.apply(form.first("version").orElse(""), actor(req)));
    }

    private void rollback(ServerRequest req, ServerResponse res) {
        Form.read(req);
        act(res, () -> upgrades.rollback(actor(req)));
    }

    private void discard(ServerRequest req, ServerResponse res) {
        Form form = Form.read(req);
        act(res, () -> upgrades.discard(form.first("version").orElse(""), actor(req)));
    }

    private static void act(ServerResponse res, Runnable action) {
        try {
            action.run();
            Views.redirect(res, "/admin/upgrades");
        } catch (UpgradeException e) {
            // The address carries a code, never text.
            Views.redirect(res, "/admin/upgrades?error=" + switch (e.kind()) {
                case CONFLICT -> "busy";
                case NOT_FOUND -> "missing";
                default -> "invalid";
            });
        }
    }

    private static String actor(ServerRequest req) {
        return req.context().get(User.class).map(User::username).orElseThrow(() -> new UiException(401, "Sign in first."));
    }

    static String when(Instant i) {
        return WHEN.format(i);
    }
}
