package dev.telltale.notify;

import dev.telltale.alerts.AlertEvents;
import dev.telltale.alerts.Alerts;
import dev.telltale.db.Sql;
import dev.telltale.policy.RuleInfo;
import dev.telltale.sca.Sca;
import dev.telltale.secrets.SecretBox;
import dev.telltale.store.Scope;

import javax.sql.DataSource;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/** {@link Notify} over Derby (tables of {@code V20__integrations.sql}); the work is in the package's helpers. */
final class DefaultNotify implements Notify {
    private final DataSource ds;
    private final NotifyConfig config;
    private final Clock clock;
    private final Sources sources;
    private final Integrations integrations;
    private final Deliveries deliveries;
    private final Http http;
    private final Optional<String> trustedCaPem;
    private final String version;
    private volatile Optional<Dispatcher> dispatcher = Optional.empty();
    private volatile Optional<JiraSender> jira = Optional.empty();

    DefaultNotify(DataSource ds, SecretBox box, NotifyConfig config, Clock clock, Supplier<String> baseUrl,
                  Function<String, Optional<RuleInfo>> rules, String version) {
        this.ds = ds;
        this.config = config;
        this.clock = clock;
        this.version = version;
        this.sources = new Sources(clock, baseUrl, rules);
        this.integrations = new Integrations(box);
        this.deliveries = new Deliveries(config);
        this.trustedCaPem = Tls.read(config.trustedCaFile());
        this.http = new Http(config, trustedCaPem, version);
    }

    @Override
    public AlertEvents alertEvents() {
        return sources.alertEvents();
    }

    @Override
    public Sca.FindingEvents findingEvents() {
        return sources.findingEvents();
    }

    @Override
    public void system(String category, String message) {
        if (category == null || category.isBlank() || category.length() > 100 || message == null || message.isBlank()
                || message.length() > 2000) {
            throw NotifyException.invalid("a system event needs a category (1-100 characters) and a message (1-2000)");
        }
        Instant now = clock.instant();
        Sql.inTransaction(ds, c -> Outbox.insert(c, EventKind.SYSTEM, Optional.empty(), Optional.empty(), now,
                Sources.system(category, message)));
        dispatcher.ifPresent(Dispatcher::wake);
    }

    @Override
    public synchronized void start(Alerts alerts) {
        if (dispatcher.isPresent()) {
            throw new IllegalStateException("already started");
        }
        JiraSender j = new JiraSender(ds, http, alerts, clock);
        jira = Optional.of(j);
        Map<IntegrationType, Sender> senders = new EnumMap<>(IntegrationType.class);
        senders.put(IntegrationType.WEBHOOK, new WebhookSender(http, clock));
        senders.put(IntegrationType.SLACK, new SlackSender(http));
        senders.put(IntegrationType.JIRA, j);
        senders.put(IntegrationType.SYSLOG, new SyslogSender(config, trustedCaPem, version, clock));
        Dispatcher d = new Dispatcher(ds, deliveries, integrations, senders, config, clock,
                () -> Sql.inTransaction(ds, c -> AgentGaps.check(c, clock.instant(), config.agentGap())
                        + Deliveries.prune(c, clock.instant().minus(config.retention()))));
        dispatcher = Optional.of(d);
        d.start();
    }

    @Override
    public List<Integration> list(Scope scope) {
        return Sql.inTransaction(ds, c -> integrations.list(c, scope));
    }

    @Override
    public Integration get(long id, Scope scope) {
        return Sql.inTransaction(ds, c -> integrations.find(c, id, scope).view());
    }

    @Override
    public Integration create(long teamId, Draft draft, String actor) {
        Drafts.Checked checked = Drafts.check(draft, Optional.empty(), config.allowHttp());
        return Sql.inTransaction(ds, c -> {
            long id = integrations.create(c, teamId, checked, actor, clock.instant());
            return integrations.find(c, id).orElseThrow().view();
        });
    }

    @Override
    public Integration update(long id, Scope scope, Draft draft, String actor) {
        return Sql.inTransaction(ds, c -> {
            Integrations.Stored old = integrations.find(c, id, scope);
            if (old.view().type() != draft.type()) {
                throw NotifyException.invalid("'type' cannot change (was " + old.view().type().wire() + ")");
            }
            Drafts.Checked checked = Drafts.check(draft, Optional.of(old.secrets()), config.allowHttp());
            integrations.update(c, old, checked, actor, clock.instant());
            return integrations.find(c, id).orElseThrow().view();
        });
    }

    @Override
    public void delete(long id, Scope scope, String actor) {
        Sql.inTransaction(ds, c -> {
            integrations.delete(c, integrations.find(c, id, scope), actor, clock.instant());
            return null;
        });
    }

    @Override
    public Delivery test(long id, Scope scope, String actor) {
        Instant now = clock.instant();
        Delivery d = Sql.inTransaction(ds, c -> {
            Integrations.Stored s = integrations.find(c, id, scope);
            long event = Outbox.insert(c, EventKind.TEST, Optional.of(s.view().teamId()), Optional.empty(), now,
                    Sources.test(s.view().name(), actor));
            try (var ps = c.prepareStatement("UPDATE notify_events SET dispatched = TRUE WHERE id = ?")) {
                ps.setLong(1, event); // goes to this integration only, not through the fan-out
                ps.executeUpdate();
            }
            long delivery = Deliveries.insert(c, event, id, now);
            dev.telltale.audit.Audit.record(c, now, actor, "integration.test", "integration " + id, Optional.empty());
            return Deliveries.one(c, delivery);
        });
        dispatcher.ifPresent(Dispatcher::wake);
        return d;
    }

    @Override
    public List<Delivery> deliveries(long id, Scope scope, int limit) {
        if (limit < 1 || limit > 500) {
            throw NotifyException.invalid("'limit' must be between 1 and 500");
        }
        return Sql.inTransaction(ds, c -> {
            integrations.find(c, id, scope);
            return deliveries.log(c, id, limit);
        });
    }

    @Override
    public List<Ticket> tickets(long id, Scope scope) {
        return Sql.inTransaction(ds, c -> {
            integrations.find(c, id, scope);
            return JiraLinks.list(c, id);
        });
    }

    @Override
    public List<Ticket> refreshTickets(long id, Scope scope, String actor) {
        Integrations.Stored s = Sql.inTransaction(ds, c -> integrations.find(c, id, scope));
        if (s.view().type() != IntegrationType.JIRA) {
            throw NotifyException.invalid("integration " + id + " is not a Jira integration");
        }
        JiraSender j = jira.orElseThrow(() -> NotifyException.conflict("notifications are not running"));
        j.refresh(s);
        return Sql.inTransaction(ds, c -> JiraLinks.list(c, id));
    }

    @Override
    public void close() {
        dispatcher.ifPresent(Dispatcher::close);
    }
}
