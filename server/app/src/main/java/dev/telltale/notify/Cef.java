package dev.telltale.notify;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ArcSight Common Event Format lines: {@code CEF:0|Telltale|Appliance|version|signature|name|severity|extensions},
 * escaped as the CEF specification says (header: backslash and pipe; extension values: backslash,
 * equals sign and line breaks).
 */
final class Cef {
    private Cef() {
    }

    static String line(Outbox.Outgoing o, String version) {
        JsonNode d = o.data();
        String signature = o.kind() == EventKind.NEW_ALERT || o.kind() == EventKind.STATE_CHANGE
                ? d.path("rule").asText(o.kind().wire()) : o.kind().wire();
        Map<String, String> ext = new LinkedHashMap<>();
        ext.put("rt", String.valueOf(o.occurredAt().toEpochMilli()));
        ext.put("externalId", o.deliveryUid());
        ext.put("cat", o.kind().wire());
        o.application().ifPresent(a -> {
            ext.put("cs1Label", "application");
            ext.put("cs1", a);
        });
        if (d.hasNonNull("component")) {
            ext.put("cs2Label", "component");
            ext.put("cs2", d.get("component").asText());
        }
        if (d.hasNonNull("version")) {
            ext.put("cs3Label", "version");
            ext.put("cs3", d.get("version").asText());
        }
        if (d.hasNonNull("state")) {
            ext.put("act", d.get("state").asText());
        }
        if (d.hasNonNull("actor")) {
            ext.put("suser", d.get("actor").asText());
        }
        if (d.hasNonNull("hostname")) {
            ext.put("dhost", d.get("hostname").asText());
        }
        Messages.link(o).ifPresent(u -> ext.put("request", u));
        String where = Messages.where(o);
        ext.put("msg", where.isEmpty() ? Messages.title(o) : Messages.title(o) + " (" + where + ")");
        StringBuilder s = new StringBuilder("CEF:0|Telltale|Appliance|").append(header(version)).append('|')
                .append(header(signature)).append('|').append(header(Messages.title(o))).append('|')
                .append(severity(o)).append('|');
        String sep = "";
        for (Map.Entry<String, String> e : ext.entrySet()) {
            s.append(sep).append(e.getKey()).append('=').append(value(e.getValue()));
            sep = " ";
        }
        return s.toString();
    }

    /** 0-10: P1 10, P2 8, P3 5, P4 3; advisory words alike; gaps and system events 5; tests 1. */
    static int severity(Outbox.Outgoing o) {
        String s = Messages.severity(o).orElse("").toUpperCase(java.util.Locale.ROOT);
        return switch (s) {
            case "P1", "CRITICAL" -> 10;
            case "P2", "HIGH" -> 8;
            case "P3", "MEDIUM", "MODERATE" -> 5;
            case "P4", "LOW" -> 3;
            default -> o.kind() == EventKind.TEST ? 1 : 5;
        };
    }

    static String header(String s) {
        return s.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ");
    }

    static String value(String s) {
        return s.replace("\\", "\\\\").replace("=", "\\=").replace("\r\n", "\\n").replace("\n", "\\n")
                .replace("\r", "\\r");
    }

    /** RFC 5424 timestamp as syslog wants it (UTC, milliseconds). */
    static String timestamp(Instant t) {
        return java.time.format.DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    }
}
