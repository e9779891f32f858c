package dev.telltale.notify;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.alerts.AlertEvents;
import dev.telltale.policy.RuleInfo;
import dev.telltale.sca.Sca;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The event sources' side of the outbox: each thing that happened becomes one {@code notify_events}
 * row in the transaction where it happened. Only facts the receivers need go in: no evidence,
 * no environment, nothing that may hold a secret.
 */
final class Sources {
    private final Clock clock;
    private final Supplier<String> baseUrl;
    private final Function<String, Optional<RuleInfo>> rules;

    Sources(Clock clock, Supplier<String> baseUrl, Function<String, Optional<RuleInfo>> rules) {
        this.clock = clock;
        this.baseUrl = baseUrl;
        this.rules = rules;
    }

    AlertEvents alertEvents() {
        return this::alert;
    }

    Sca.FindingEvents findingEvents() {
        return this::findings;
    }

    private void alert(Connection tx, AlertEvents.AlertChange ch) throws SQLException {
        Outbox.insert(tx, ch.created() ? EventKind.NEW_ALERT : EventKind.STATE_CHANGE, Optional.of(ch.teamId()),
                Optional.of(ch.application()), ch.at(), alertData(ch));
    }

    /** {@code data} of new_alert and state_change (docs/integrations.md). */
    ObjectNode alertData(AlertEvents.AlertChange ch) {
        ObjectNode d = Outbox.JSON.createObjectNode();
        d.put("alert_id", ch.alertId()).put("occurrence_id", ch.occurrenceId()).put("rule", ch.ruleId())
                .put("title", rules.apply(ch.ruleId()).map(RuleInfo::title).orElse(ch.ruleId()))
                .put("severity", ch.severity().name()).put("component", ch.component()).put("version", ch.version())
                .put("key", ch.key()).put("state", ch.to().name())
                .put("previous_state", ch.from().map(Enum::name).orElse(null)).put("actor", ch.actor())
                .put("comment", ch.comment().orElse(null)).put("url", baseUrl.get() + "/alerts/" + ch.alertId());
        return d;
    }

    private void findings(Connection tx, List<Sca.VulnFinding> fresh) throws SQLException {
        for (Sca.VulnFinding f : fresh) {
            Outbox.insert(tx, EventKind.NEW_VULNERABILITY, Optional.of(f.teamId()), Optional.of(f.application()),
                    f.firstFound(), vulnerabilityData(f));
        }
    }

    /** {@code data} of new_vulnerability (docs/integrations.md). */
    static ObjectNode vulnerabilityData(Sca.VulnFinding f) {
        ObjectNode d = Outbox.JSON.createObjectNode();
        d.put("advisory_id", f.advisoryId());
        f.aliases().forEach(d.putArray("aliases")::add);
        d.put("package", f.packageName()).put("package_version", f.packageVersion()).put("purl", f.purl())
                .put("ecosystem", f.ecosystem()).put("component", f.component()).put("version", f.version())
                .put("severity", f.severity()).put("loaded", f.loaded()).put("summary", f.summary());
        if (f.cvssScore().isPresent()) {
            d.put("cvss_score", f.cvssScore().get());
        } else {
            d.putNull("cvss_score");
        }
        f.fixedVersions().forEach(d.putArray("fixed_versions")::add);
        return d;
    }

    /** {@code data} of a test delivery. */
    static ObjectNode test(String integration, String actor) {
        return Outbox.JSON.createObjectNode().put("integration", integration)
                .put("message", "A test notification sent on request of " + actor);
    }

    /** {@code data} of system events. */
    static ObjectNode system(String category, String message) {
        return Outbox.JSON.createObjectNode().put("category", category).put("message", message);
    }

    java.time.Instant now() {
        return clock.instant();
    }
}
