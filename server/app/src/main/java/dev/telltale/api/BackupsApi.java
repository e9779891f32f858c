package dev.telltale.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.audit.AuditLog;
import dev.telltale.backup.BackupInfo;
import dev.telltale.backup.Backups;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * {@code /api/v1/backups}: the list of complete backups with the schedule and target;
 * {@code POST} takes a backup now (body optional: {@code {"reason": "..."}}) and answers with it;
 * {@code GET /{id}/archive} streams its zip archive (the SHA-256 follows in the audit log entry);
 * {@code POST /{id}/export} copies the archive to the configured target; {@code /settings}: see
 * {@link BackupSettingsApi}.
 */
final class BackupsApi implements HttpService {
    private final Backups backups;
    private final AuditLog audit;
    private final BackupSettingsApi settings;

    BackupsApi(Backups backups, AuditLog audit) {
        this.backups = backups;
        this.audit = audit;
        this.settings = new BackupSettingsApi(backups);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::list).post("/", this::backup)
                .get("/settings", settings::get).put("/settings", settings::put).post("/settings/test", settings::test)
                .get("/{id}/archive", this::archive).post("/{id}/export", this::export);
    }

    private void list(ServerRequest req, ServerResponse res) {
        ObjectNode out = Json.object();
        ArrayNode items = out.putArray("backups");
        backups.list().forEach(b -> items.add(json(b)));
        out.put("schedule", backups.schedule().orElse(null));
        out.put("target", backups.target().orElse(null));
        Json.send(res, out);
    }

    private void backup(ServerRequest req, ServerResponse res) {
        String reason = "manual";
        if (req.content().hasEntity()) {
            reason = Json.optionalText(Json.body(req), "reason").orElse("manual");
        }
        Json.send(res, Status.CREATED_201, json(backups.backupNow(reason, Principal.user(req).username())));
    }

    private void archive(ServerRequest req, ServerResponse res) {
        String id = id(req);
        BackupInfo b = backups.get(id).orElseThrow(() -> new ApiProblem(404, "Not Found", "no backup " + id));
        res.header(HeaderNames.CONTENT_TYPE, "application/zip");
        res.header(HeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"telltale-backup-" + b.id() + ".zip\"");
        String sha;
        try (OutputStream out = res.outputStream()) {
            sha = backups.writeArchive(b.id(), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        audit.record(Principal.user(req).username(), "backup.download", "backups/" + b.id(),
                Optional.of("sha256 " + sha));
    }

    private void export(ServerRequest req, ServerResponse res) {
        String name = backups.export(id(req), Principal.user(req).username());
        Json.send(res, Json.object().put("archive", name).put("target", backups.target().orElse("")));
    }

    private static String id(ServerRequest req) {
        String id = req.path().pathParameters().get("id");
        if (!id.matches("[0-9A-Za-z.-]{1,80}")) {
            throw new ApiProblem(400, "Bad Request", "not a backup id: " + id);
        }
        return id;
    }

    private static ObjectNode json(BackupInfo b) {
        return Json.object().put("id", b.id()).put("created", b.created().toString()).put("version", b.version())
                .put("reason", b.reason()).put("size_bytes", b.sizeBytes());
    }
}
