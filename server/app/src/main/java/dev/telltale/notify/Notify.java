package dev.telltale.notify;

import dev.telltale.alerts.AlertEvents;
import dev.telltale.alerts.Alerts;
import dev.telltale.db.Database;
import dev.telltale.policy.RuleInfo;
import dev.telltale.sca.Sca;
import dev.telltale.secrets.SecretBox;
import dev.telltale.store.Scope;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Outbound notifications (decision 16): integrations of a team (webhook, Slack, Jira, syslog/CEF)
 * and a persisted outbox. Event sources write outbox rows in their own transaction
 * ({@link #alertEvents()}, {@link #findingEvents()}), or through {@link #system}; after
 * {@link #start}, a dispatcher fans each row out into one delivery per matching integration and
 * sends them on a bounded pool, retrying with exponential backoff. A delivery is marked done
 * only after the receiver accepted it, so delivery is at least once, each with a delivery id
 * receivers de-duplicate by. Secrets are sealed in the database and never returned.
 */
public interface Notify extends AutoCloseable {

    /**
     * Notifications over {@code db}; links in messages start with {@code baseUrl} (the UI's
     * public address, read when an event is written).
     */
    static Notify create(Database db, SecretBox box, NotifyConfig config, Clock clock, Supplier<String> baseUrl,
                         Function<String, Optional<RuleInfo>> rules, String version) {
        return new DefaultNotify(db.dataSource(), box, config, clock, baseUrl, rules, version);
    }

    /** Writes an outbox row for each occurrence created or state change, in the change's transaction. */
    AlertEvents alertEvents();

    /** Writes an outbox row for each new vulnerability finding, in the scan's transaction. */
    Sca.FindingEvents findingEvents();

    /**
     * Records a system event ({@code category} such as {@code certificate.expiry}, a message for
     * people) for every team's integrations that subscribe to {@link EventKind#SYSTEM}.
     *
     * @throws NotifyException (INVALID) when the category or message is blank or too long
     */
    void system(String category, String message);

    /**
     * Starts the dispatcher, the senders and the agent-gap checker; pending deliveries of an
     * earlier run resume. Jira tickets acknowledge their occurrence through {@code alerts}.
     */
    void start(Alerts alerts);

    /** The integrations of the teams in {@code scope}, by team then name. */
    List<Integration> list(Scope scope);

    /** @throws NotifyException (NOT_FOUND) when there is none with this id within {@code scope} */
    Integration get(long id, Scope scope);

    /**
     * Creates an integration of team {@code teamId}, audited.
     *
     * @throws NotifyException INVALID when the draft is invalid (message names the field), CONFLICT
     *                         when the team already has one with that name
     */
    Integration create(long teamId, Draft draft, String actor);

    /**
     * Replaces an integration's settings; secrets and headers absent from the draft are kept.
     * Enabling a failed integration clears its failure count.
     *
     * @throws NotifyException as {@link #create}, and NOT_FOUND
     */
    Integration update(long id, Scope scope, Draft draft, String actor);

    /** Deletes an integration with its delivery log. @throws NotifyException NOT_FOUND */
    void delete(long id, Scope scope, String actor);

    /** Queues a test delivery to this integration (even when disabled). @throws NotifyException NOT_FOUND */
    Delivery test(long id, Scope scope, String actor);

    /** The integration's latest deliveries, newest first (at most {@code limit}, 1-500). */
    List<Delivery> deliveries(long id, Scope scope, int limit);

    /** The Jira issues a Jira integration created, newest first. */
    List<Ticket> tickets(long id, Scope scope);

    /**
     * Reads each issue's status from Jira again.
     *
     * @throws NotifyException NOT_FOUND, or INVALID when the integration is not a Jira one
     */
    List<Ticket> refreshTickets(long id, Scope scope, String actor);

    /** Stops the dispatcher and waits for sends in flight (so their result is recorded). */
    @Override
    void close();

    /**
     * What a person sets. {@code url}: the webhook's or the Jira site's address. {@code settings}
     * (not secret): Jira {@code project_key}, {@code issue_type}, {@code api_version} (2 or 3),
     * {@code auth} (basic or bearer), {@code email}; syslog {@code host}, {@code port},
     * {@code ca_pem}. {@code secrets} (write-only, an absent one is kept): webhook {@code secret},
     * Slack {@code webhook_url}, Jira {@code api_token}. {@code headers}: the webhook's custom
     * headers (values are secret); empty keeps the stored ones.
     */
    record Draft(IntegrationType type, String name, boolean enabled, Set<EventKind> kinds, List<String> applications,
                 Optional<String> url, Map<String, String> settings, Map<String, String> secrets,
                 Optional<Map<String, String>> headers) {
        public Draft {
            kinds = Set.copyOf(kinds);
            applications = List.copyOf(applications);
            settings = Map.copyOf(settings);
            secrets = Map.copyOf(secrets);
            headers = headers.map(Map::copyOf);
        }

        @Override
        public String toString() {
            return "Draft[" + type + " " + name + "]"; // never the secrets
        }
    }

    /**
     * An integration as the API shows it: secrets only as the names of those set, headers only by
     * name. {@code failed}: disabled after too many failures in a row.
     */
    record Integration(long id, long teamId, String team, IntegrationType type, String name, boolean enabled,
                       Set<EventKind> kinds, List<String> applications, Optional<String> url,
                       Map<String, String> settings, Set<String> secretsSet, List<String> headerNames,
                       boolean failed, int consecutiveFailures, Instant createdAt, Instant updatedAt,
                       String updatedBy) {
    }

    /** One event to one integration; {@code status} PENDING, DELIVERED or FAILED. */
    record Delivery(long id, String deliveryId, long eventId, EventKind kind, String status, int attempts,
                    Instant createdAt, Optional<Instant> nextAttemptAt, Optional<Instant> lastAttemptAt,
                    Optional<String> lastResult, Optional<Instant> deliveredAt) {
    }

    /** A Jira issue created for an alert occurrence, with its status as last read. */
    record Ticket(long alertId, long occurrenceId, String key, String url, Optional<String> status,
                  Instant createdAt, Optional<Instant> refreshedAt) {
    }
}
