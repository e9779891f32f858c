package dev.telltale.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.backup.BackupSettings;
import dev.telltale.backup.Backups;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /api/v1/backups/settings}: the schedule, the target and {@code keep_remote} in effect
 * ({@code GET}), replaced by {@code PUT} (every bad field named in the problem's {@code errors};
 * unknown fields refused) and tried by {@code POST .../test}. The SFTP password and private key
 * are write-only: a PUT may carry new ones (absent, null or empty keeps the stored ones); no
 * response holds them, only {@code password_set} and {@code private_key_set}.
 */
final class BackupSettingsApi {
    private static final String[] TOP = {"schedule", "target", "keep_remote"};
    private static final String[] SCHEDULE = {"interval", "at"};
    private static final String[] TARGET = {"type", "path", "host", "port", "user", "remote_dir", "host_key", "password",
            "private_key"};
    private final Backups backups;

    BackupSettingsApi(Backups backups) {
        this.backups = backups;
    }

    void get(ServerRequest req, ServerResponse res) {
        Json.send(res, json(backups.settings(), backups));
    }

    void put(ServerRequest req, ServerResponse res) {
        ObjectNode body = Json.body(req);
        Json.onlyFields(body, TOP);
        Map<String, String> typeErrors = new LinkedHashMap<>();
        ObjectNode schedule = object(body, "schedule", SCHEDULE, typeErrors);
        ObjectNode target = object(body, "target", TARGET, typeErrors);
        BackupSettings.Input in = new BackupSettings.Input(text(schedule, "schedule.interval", "interval", typeErrors),
                text(schedule, "schedule.at", "at", typeErrors), text(target, "target.type", "type", typeErrors),
                text(target, "target.path", "path", typeErrors), text(target, "target.host", "host", typeErrors),
                text(target, "target.port", "port", typeErrors), text(target, "target.user", "user", typeErrors),
                text(target, "target.remote_dir", "remote_dir", typeErrors),
                text(target, "target.host_key", "host_key", typeErrors), text(body, "keep_remote", "keep_remote", typeErrors),
                Optional.of(text(target, "target.password", "password", typeErrors)),
                Optional.of(text(target, "target.private_key", "private_key", typeErrors)));
        if (!typeErrors.isEmpty()) {
            throw new Problems.FieldProblem("invalid backup settings", typeErrors);
        }
        Json.send(res, json(backups.updateSettings(in, Principal.user(req).username()), backups));
    }

    void test(ServerRequest req, ServerResponse res) {
        BackupSettings.TestResult r = backups.testTarget();
        Json.send(res, Json.object().put("ok", r.ok()).put("target", backups.target().orElse(null)).put("message", r.message()));
    }

    /** A nested object; absent or null is an empty one. */
    private static ObjectNode object(ObjectNode body, String field, String[] allowed, Map<String, String> errors) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return Json.object();
        }
        if (!n.isObject()) {
            errors.put(field, "must be an object");
            return Json.object();
        }
        Json.onlyFields((ObjectNode) n, allowed);
        return (ObjectNode) n;
    }

    /** A value as text: strings and whole numbers; absent or null is "" (not given). */
    private static String text(ObjectNode o, String name, String field, Map<String, String> errors) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return "";
        }
        if (n.isTextual()) {
            return n.asText();
        }
        if (n.isIntegralNumber()) {
            return n.asText();
        }
        errors.put(name, "must be a string" + (field.equals("port") || field.equals("keep_remote") ? " or a number" : ""));
        return "";
    }

    static ObjectNode json(BackupSettings.Stored stored, Backups backups) {
        BackupSettings s = stored.settings();
        ObjectNode out = Json.object();
        ObjectNode schedule = out.putObject("schedule");
        schedule.put("interval", s.interval().map(BackupSettings::iso).orElse(null));
        schedule.put("at", s.at().map(Object::toString).orElse(null));
        schedule.put("next_run", backups.nextScheduled().map(Object::toString).orElse(null));
        ObjectNode target = out.putObject("target");
        target.put("type", s.targetType().key());
        target.put("path", s.path().map(Path::toString).orElse(null));
        target.put("host", s.sftp().map(BackupSettings.Sftp::host).orElse(null));
        if (s.sftp().isPresent()) {
            target.put("port", s.sftp().get().port());
        } else {
            target.putNull("port");
        }
        target.put("user", s.sftp().map(BackupSettings.Sftp::user).orElse(null));
        target.put("remote_dir", s.sftp().map(BackupSettings.Sftp::remoteDir).orElse(null));
        target.put("host_key", s.sftp().map(BackupSettings.Sftp::hostKey).orElse(null));
        target.put("password_set", stored.passwordSet());
        target.put("private_key_set", stored.privateKeySet());
        out.put("keep_remote", s.keepRemote());
        out.put("source", stored.source());
        out.put("updated_at", stored.updatedAt().map(Object::toString).orElse(null));
        out.put("updated_by", stored.updatedBy().orElse(null));
        return out;
    }
}
