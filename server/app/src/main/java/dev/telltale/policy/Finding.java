package dev.telltale.policy;

import java.time.Instant;
import java.util.Objects;

/**
 * One rule match on one event (or one external fact, for supply-chain rules), ready to be
 * grouped into an alert: alerts group by (team, application, component, rule, key);
 * occurrences by version within an alert. {@code eventUid} is the store-wide id of the
 * evidence event (0 for external findings). {@code key} is at most {@link #KEY_MAX}
 * characters and {@code summary} at most {@link #SUMMARY_MAX}.
 */
public record Finding(long teamId, String application, String component, String version, String hostname,
                      String ruleId, Severity severity, String key, String summary, long eventUid, Instant eventTime,
                      long agentId, long pid, String policy) {
    public static final int KEY_MAX = 512;
    public static final int SUMMARY_MAX = 1000;

    public Finding {
        Objects.requireNonNull(application);
        Objects.requireNonNull(component);
        Objects.requireNonNull(version);
        Objects.requireNonNull(hostname);
        Objects.requireNonNull(ruleId);
        Objects.requireNonNull(severity);
        Objects.requireNonNull(eventTime);
        Objects.requireNonNull(policy);
        if (key.length() > KEY_MAX || summary.length() > SUMMARY_MAX) {
            throw new IllegalArgumentException("finding key or summary too long");
        }
    }
}
