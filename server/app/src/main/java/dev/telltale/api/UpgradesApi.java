package dev.telltale.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.upgrade.UpgradeException;
import dev.telltale.upgrade.UpgradeState;
import dev.telltale.upgrade.Upgrades;
import dev.telltale.upgrade.bundle.BundleRefusedException;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code /api/v1/upgrades} (Admins): the running version, staged bundles, the transaction in
 * progress or last finished (steps, log, outcome), the history and the rollback on offer.
 * {@code POST /bundles} takes a bundle as the body (verified before it is kept: a refusal is a
 * 400 naming the reason), {@code POST /apply {"version"}} and {@code POST /rollback} start a
 * transaction and answer 202; {@code GET /current} is what a progress bar polls.
 */
final class UpgradesApi implements HttpService {
    private final Upgrades upgrades;

    UpgradesApi(Upgrades upgrades) {
        this.upgrades = upgrades;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::overview).get("/current", this::current).post("/bundles", this::upload)
                .delete("/bundles/{version}", this::discard).post("/apply", this::apply).post("/rollback", this::rollback);
    }

    private void overview(ServerRequest req, ServerResponse res) {
        ObjectNode out = Json.object().put("version", upgrades.version());
        ArrayNode staged = out.putArray("staged");
        upgrades.staged().forEach(b -> staged.add(staged(b)));
        out.set("current", upgrades.current().map(UpgradesApi::state).orElse(null));
        ArrayNode history = out.putArray("history");
        upgrades.history().forEach(h -> history.addObject().put("id", h.id()).put("kind", h.kind().name())
                .put("from", h.from()).put("to", h.to()).put("actor", h.actor()).put("state", h.state().name())
                .put("message", h.message().orElse(null)).put("started", h.started().toString())
                .put("finished", h.finished().map(Object::toString).orElse(null)));
        out.set("rollback", upgrades.rollbackOffer().map(o -> (ObjectNode) Json.object().put("upgrade", o.upgradeId())
                .put("from", o.fromVersion()).put("to", o.toVersion()).put("until", o.until().toString())
                .put("backup", o.backup())).orElse(null));
        Json.send(res, out);
    }

    private void current(ServerRequest req, ServerResponse res) {
        Json.send(res, state(upgrades.current().orElseThrow(() -> ApiProblem.notFound("no upgrade has run"))));
    }

    private void upload(ServerRequest req, ServerResponse res) {
        Upgrades.StagedBundle b;
        try (InputStream in = req.content().inputStream()) {
            b = upgrades.stage(in, Principal.access(req).username());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Json.send(res, Status.CREATED_201, staged(b));
    }

    private void discard(ServerRequest req, ServerResponse res) {
        upgrades.discard(req.path().pathParameters().get("version"), Principal.access(req).username());
        res.status(Status.NO_CONTENT_204).send();
    }

    private void apply(ServerRequest req, ServerResponse res) {
        ObjectNode body = Json.body(req);
        Json.onlyFields(body, "version");
        UpgradeState s = upgrades.apply(Json.text(body, "version"), Principal.access(req).username());
        Json.send(res, Status.ACCEPTED_202, state(s));
    }

    private void rollback(ServerRequest req, ServerResponse res) {
        Json.send(res, Status.ACCEPTED_202, state(upgrades.rollback(Principal.access(req).username())));
    }

    private static ObjectNode staged(Upgrades.StagedBundle b) {
        return Json.object().put("version", b.version()).put("min_from", b.minFrom()).put("key_id", b.keyId())
                .put("files", b.files()).put("size_bytes", b.sizeBytes()).put("sha256", b.sha256())
                .put("uploaded_by", b.uploadedBy()).put("uploaded_at", b.uploadedAt().toString());
    }

    static ObjectNode state(UpgradeState s) {
        ObjectNode o = Json.object().put("id", s.id()).put("kind", s.kind().name()).put("from", s.from()).put("to", s.to())
                .put("phase", s.phase().name()).put("terminal", s.terminal()).put("percent", s.percent())
                .put("actor", s.actor()).put("started", s.started().toString()).put("updated", s.updated().toString())
                .put("outcome", s.outcome().orElse(null)).put("backup", s.safetyBackup().orElse(null));
        ArrayNode steps = o.putArray("steps");
        s.steps().forEach(st -> steps.addObject().put("name", st.name()).put("status", st.status().name())
                .put("detail", st.detail()));
        ArrayNode log = o.putArray("log");
        s.log().forEach(log::add);
        return o;
    }

    static ApiProblem problem(UpgradeException e) {
        return switch (e.kind()) {
            case BAD_REQUEST -> ApiProblem.badRequest(e.getMessage());
            case NOT_FOUND -> ApiProblem.notFound(e.getMessage());
            case CONFLICT -> new ApiProblem(409, "Conflict", e.getMessage());
            case TOO_LARGE -> new ApiProblem(413, "Content Too Large", e.getMessage());
            case FAILED -> new ApiProblem(500, "Upgrade Failed", e.getMessage());
        };
    }

    static ApiProblem problem(BundleRefusedException e) {
        return new ApiProblem(400, "Bundle Refused", e.reason() + ": " + e.getMessage());
    }
}
