package dev.telltale.notify;

import dev.telltale.db.Sql;

import javax.sql.DataSource;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The outbox's worker: one thread ({@code telltale-notify-dispatch}) fans events out and hands
 * due deliveries to a bounded pool ({@code telltale-notify-send-N}); each send's result is
 * recorded in its own transaction after the receiver answered. A delivery is in flight at most
 * once per process (an in-memory set), and at most once across restarts in the normal path,
 * because {@link #close()} waits for sends in flight and records them before the database closes.
 */
final class Dispatcher implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Dispatcher.class.getName());
    private static final int FAN_OUT_BATCH = 200;

    private final DataSource ds;
    private final Deliveries deliveries;
    private final Integrations integrations;
    private final Map<IntegrationType, Sender> senders;
    private final NotifyConfig config;
    private final Clock clock;
    private final Runnable periodic;
    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "telltale-notify-dispatch");
        t.setDaemon(true);
        return t;
    });
    private final ThreadPoolExecutor pool;

    Dispatcher(DataSource ds, Deliveries deliveries, Integrations integrations, Map<IntegrationType, Sender> senders,
               NotifyConfig config, Clock clock, Runnable periodic) {
        this.ds = ds;
        this.deliveries = deliveries;
        this.integrations = integrations;
        this.senders = Map.copyOf(senders);
        this.config = config;
        this.clock = clock;
        this.periodic = periodic;
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(config.workerThreads(), config.workerThreads(), 1, TimeUnit.MINUTES,
                new ArrayBlockingQueue<>(config.workerThreads() * 4), r -> {
            Thread t = new Thread(r, "telltale-notify-send-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
    }

    void start() {
        long poll = config.pollInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::tick, 0, poll, TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(this::runPeriodic, config.agentGapCheck().toMillis(),
                config.agentGapCheck().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Asks for a pass soon (after a test send or a system event), besides the regular polling. */
    void wake() {
        try {
            scheduler.execute(this::tick);
        } catch (RejectedExecutionException e) {
            // stopping: the next start resumes from the outbox
        }
    }

    private void runPeriodic() {
        try {
            periodic.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the agent-gap check failed; it runs again at the next interval", e);
        }
    }

    private void tick() {
        try {
            while (Sql.inTransaction(ds, c -> deliveries.fanOut(c, clock.instant(), FAN_OUT_BATCH)) == FAN_OUT_BATCH) {
                // more events waiting: keep going
            }
            int room = pool.getQueue().remainingCapacity();
            if (room == 0) {
                return;
            }
            List<Outbox.Outgoing> due = Sql.inTransaction(ds, c -> deliveries.due(c, clock.instant(), room,
                    Set.copyOf(inFlight)));
            for (Outbox.Outgoing o : due) {
                if (!inFlight.add(o.deliveryId())) {
                    continue;
                }
                try {
                    pool.execute(() -> attempt(o));
                } catch (RejectedExecutionException e) {
                    inFlight.remove(o.deliveryId());
                    return;
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the notification outbox could not be read; retrying at the next poll", e);
        }
    }

    private void attempt(Outbox.Outgoing o) {
        try {
            Optional<Integrations.Stored> target = Sql.inTransaction(ds, c -> integrations.find(c, o.integrationId()));
            if (target.isEmpty()) {
                return; // deleted meanwhile (its deliveries went with it)
            }
            Sender.Result r;
            try {
                r = senders.get(target.get().view().type()).send(target.get(), o);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return; // stopping before an answer: still PENDING, resent (same delivery id) after the restart
            } catch (RuntimeException e) {
                r = Sender.Result.failed(Sender.describe(e, target.get()));
            }
            Sender.Result result = r;
            boolean disabled = Sql.inTransaction(ds, c -> {
                if (result.ok()) {
                    deliveries.delivered(c, o, result.summary(), clock.instant());
                    return false;
                }
                return deliveries.failed(c, o, result.summary(), clock.instant());
            });
            if (disabled) {
                LOG.warning(() -> "integration " + o.integrationId() + " disabled after " + config.failureLimit()
                        + " failed deliveries in a row; last: " + result.summary());
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "recording delivery " + o.deliveryId() + " failed; it stays pending", e);
        } finally {
            inFlight.remove(o.deliveryId());
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        // Queued sends have not started: they stay PENDING for the next run. Those in flight finish.
        pool.getQueue().clear();
        pool.shutdown();
        try {
            scheduler.awaitTermination(10, TimeUnit.SECONDS);
            // Sends in flight finish (bounded by the request timeout) and are recorded before the database closes.
            if (!pool.awaitTermination(config.requestTimeout().toMillis() * 2 + 1000, TimeUnit.MILLISECONDS)) {
                pool.shutdownNow();
                pool.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pool.shutdownNow();
        }
    }
}
