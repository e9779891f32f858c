package dev.telltale.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** {@code backup.json}: what a backup is and holds. */
record Manifest(String id, Instant created, String version, String reason, String schema, List<String> entries,
                boolean complete) {
    private static final ObjectMapper JSON = new ObjectMapper();

    byte[] toJson() {
        ObjectNode n = JSON.createObjectNode().put("id", id).put("created", created.toString()).put("version", version)
                .put("reason", reason).put("schema", schema);
        entries.forEach(n.putArray("entries")::add);
        n.put("complete", complete);
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @throws BackupException INVALID when the file is not a backup manifest */
    static Manifest parse(byte[] json, String where) {
        try {
            JsonNode n = JSON.readTree(json);
            List<String> entries = new java.util.ArrayList<>();
            n.path("entries").forEach(e -> entries.add(e.asText()));
            String id = text(n, "id");
            if (!BackupLayout.validId(id)) {
                // The id names directories (DATA/restore/unpack-<id>, an export's file name): no path may hide in it.
                throw new BackupException(BackupException.Reason.INVALID, where + ": backup.json names an unsafe backup id '"
                        + id.substring(0, Math.min(40, id.length())).replaceAll("\\p{Cntrl}", "?") + "'");
            }
            return new Manifest(id, Instant.parse(text(n, "created")), text(n, "version"), text(n, "reason"),
                    text(n, "schema"), entries, n.path("complete").asBoolean(false));
        } catch (BackupException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new BackupException(BackupException.Reason.INVALID, where + " has no valid backup.json: " + e.getMessage());
        }
    }

    static Manifest read(Path backupDir) {
        try {
            return parse(java.nio.file.Files.readAllBytes(backupDir.resolve(BackupLayout.MANIFEST)), backupDir.toString());
        } catch (IOException e) {
            throw new BackupException(BackupException.Reason.INVALID, backupDir + " has no readable backup.json");
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new IllegalArgumentException("field '" + field + "' missing");
        }
        return v.asText();
    }
}
