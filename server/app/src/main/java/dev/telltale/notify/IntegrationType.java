package dev.telltale.notify;

import java.util.Locale;
import java.util.Optional;

/** Where an integration sends; {@link #wire()} is its name in the API. */
public enum IntegrationType {
    /** An HTTPS endpoint receiving signed JSON (docs/integrations.md). */
    WEBHOOK,
    /** A Slack incoming webhook receiving a formatted message. */
    SLACK,
    /** A Jira project in which each new alert occurrence becomes an issue. */
    JIRA,
    /** A SIEM receiving CEF over syslog on TCP with TLS (RFC 5425). */
    SYSLOG;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<IntegrationType> parse(String s) {
        for (IntegrationType t : values()) {
            if (t.wire().equals(s)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
