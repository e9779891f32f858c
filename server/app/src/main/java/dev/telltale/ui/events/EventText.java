package dev.telltale.ui.events;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Events as text for people: a one-line summary per type (the fields that say what happened) and
 * field values as lines. Works on the API's JSON form of an event, so the page, the export and
 * the API show the same values (secrets are already only hashes and masked forms there).
 */
final class EventText {
    static final int SUMMARY_MAX = 160;
    /** Most items of a repeated field a page lists (a host's packages can number thousands). */
    static final int MAX_ITEMS = 200;
    private static final Map<String, List<String>> SUMMARY = Map.ofEntries(
            Map.entry("process_start", List.of("exe", "argv")),
            Map.entry("process_exit", List.of("exit_code", "signal", "crashed")),
            Map.entry("host_env", List.of("os_name", "os_version", "env_id")),
            Map.entry("package_info", List.of("path", "package", "package_version")),
            Map.entry("api", List.of("api", "args", "result")),
            Map.entry("file", List.of("op", "path", "path2")),
            Map.entry("network", List.of("op", "transport", "raddr", "rport", "laddr", "lport", "fqdn")),
            Map.entry("identity", List.of("op", "from_id", "to_id")),
            Map.entry("process", List.of("op", "path", "argv")),
            Map.entry("dependency", List.of("path", "name", "dep_version")),
            Map.entry("webapp", List.of("protocol", "laddr", "lport", "tls")),
            Map.entry("webapp_uri", List.of("method", "uri", "status")),
            Map.entry("bearer_token", List.of("auth_type", "token_masked", "uri")),
            Map.entry("heartbeat", List.of("rss_kb", "threads", "cpu_user_ms")),
            Map.entry("memory_warning", List.of("kind", "function", "detail")),
            Map.entry("java_method", List.of("class", "methods")),
            Map.entry("gap", List.of("from_seq", "to_seq", "reason")),
            Map.entry("rejected", List.of("code", "reason")));

    private EventText() {
    }

    /** What happened, in one line: text values as they are, numbers and flags with their name. */
    static String summary(JsonNode event) {
        JsonNode fields = event.path("fields");
        List<String> keys = SUMMARY.getOrDefault(event.path("type").asText(), List.of());
        StringBuilder sb = new StringBuilder();
        for (String k : keys) {
            JsonNode v = fields.get(k);
            if (v == null || v.isNull() || v.isContainerNode() && v.isEmpty()) {
                continue;
            }
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append(v.isTextual() || v.isArray() ? inline(v) : k + "=" + inline(v));
            if (sb.length() > SUMMARY_MAX) {
                break;
            }
        }
        String s = sb.toString().replaceAll("\\p{Cntrl}", " ");
        return s.length() <= SUMMARY_MAX ? s : s.substring(0, SUMMARY_MAX - 1) + "…";
    }

    /** A value on one line: arrays space-separated, objects as name=value pairs. */
    static String inline(JsonNode v) {
        if (v.isArray()) {
            List<String> parts = new ArrayList<>();
            v.forEach(x -> parts.add(inline(x)));
            return String.join(" ", parts);
        }
        if (v.isObject()) {
            List<String> parts = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                parts.add(e.getKey() + "=" + inline(e.getValue()));
            }
            return String.join(", ", parts);
        }
        return v.asText();
    }

    /**
     * A value as lines: one per item of a repeated field (at most {@link #MAX_ITEMS}, then how many
     * more), a single line otherwise.
     */
    static List<String> lines(JsonNode v) {
        if (!v.isArray()) {
            return List.of(inline(v));
        }
        List<String> out = new ArrayList<>();
        for (JsonNode x : v) {
            if (out.size() == MAX_ITEMS) {
                out.add("… and " + (v.size() - MAX_ITEMS) + " more (the export has them all)");
                break;
            }
            out.add(inline(x));
        }
        return out;
    }

    /** One stack frame as a line: module+offset symbol (file:line). */
    static String frame(int i, JsonNode f) {
        StringBuilder sb = new StringBuilder("#").append(i).append(' ').append(f.path("module").asText("?"));
        if (f.has("offset")) {
            sb.append("+0x").append(Long.toHexString(f.get("offset").asLong()));
        }
        if (f.has("symbol")) {
            sb.append(' ').append(f.get("symbol").asText());
        }
        if (f.has("file")) {
            sb.append(" (").append(f.get("file").asText());
            if (f.has("line")) {
                sb.append(':').append(f.get("line").asLong());
            }
            sb.append(')');
        }
        return sb.toString();
    }
}
