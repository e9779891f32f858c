package dev.telltale.notify;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Optional;

/** The one-line title, the detail and the link people read (Slack, Jira, syslog), per kind of event. */
final class Messages {
    private Messages() {
    }

    static String title(Outbox.Outgoing o) {
        JsonNode d = o.data();
        return switch (o.kind()) {
            case NEW_ALERT -> "[" + d.path("severity").asText() + "] New alert: " + d.path("title").asText();
            case STATE_CHANGE -> "[" + d.path("severity").asText() + "] " + d.path("title").asText() + ": "
                    + d.path("previous_state").asText() + " → " + d.path("state").asText()
                    + " (" + d.path("actor").asText() + ")";
            case NEW_VULNERABILITY -> "[" + d.path("severity").asText() + "] " + d.path("advisory_id").asText()
                    + " in " + d.path("package").asText() + " " + d.path("package_version").asText();
            case AGENT_GAP -> "Agent " + d.path("instance").asText() + " on " + d.path("hostname").asText()
                    + " not seen since " + d.path("last_seen").asText();
            case SYSTEM -> d.path("category").asText() + ": " + d.path("message").asText();
            case TEST -> "Test notification from Telltale";
        };
    }

    /** Where it happened: application, component and version when the event has them. */
    static String where(Outbox.Outgoing o) {
        JsonNode d = o.data();
        StringBuilder s = new StringBuilder();
        o.application().ifPresent(a -> s.append("application ").append(a));
        if (d.hasNonNull("component")) {
            s.append(s.isEmpty() ? "" : ", ").append("component ").append(d.get("component").asText());
            if (d.hasNonNull("version")) {
                s.append(" ").append(d.get("version").asText());
            }
        }
        return s.toString();
    }

    /** A link to the alert in the UI, when the event is about one. */
    static Optional<String> link(Outbox.Outgoing o) {
        return Optional.ofNullable(o.data().get("url")).filter(JsonNode::isTextual).map(JsonNode::asText);
    }

    /** P1..P4 for alerts; the advisory's severity word for vulnerabilities; empty otherwise. */
    static Optional<String> severity(Outbox.Outgoing o) {
        JsonNode s = o.data().get("severity");
        return s != null && s.isTextual() ? Optional.of(s.asText()) : Optional.empty();
    }
}
