package dev.telltale;

import dev.telltale.agents.Agents;
import dev.telltale.alerts.Alerts;
import dev.telltale.alerts.AlertsConfig;
import dev.telltale.api.Api;
import dev.telltale.auth.ApiTokens;
import dev.telltale.auth.RunTokens;
import dev.telltale.auth.Users;
import dev.telltale.certs.CertificateStore;
import dev.telltale.certs.CertsConfig;
import dev.telltale.db.Database;
import dev.telltale.downloads.Bundles;
import dev.telltale.downloads.DownloadLinks;
import dev.telltale.evaluation.EvaluationConfig;
import dev.telltale.evaluation.PolicyEngine;
import dev.telltale.ingest.IngestConfig;
import dev.telltale.ingest.IngestServer;
import dev.telltale.journal.Journal;
import dev.telltale.journal.JournalConfig;
import dev.telltale.journal.ReleaseGate;
import dev.telltale.journal.RecordSink;
import dev.telltale.metrics.JvmMetrics;
import dev.telltale.metrics.Metrics;
import dev.telltale.notify.Notify;
import dev.telltale.notify.NotifyConfig;
import dev.telltale.policy.Policies;
import dev.telltale.policy.rules.BuiltInRules;
import dev.telltale.secrets.SecretBox;
import dev.telltale.secrets.SecretHasher;
import dev.telltale.sso.Sso;
import dev.telltale.store.EventStore;
import dev.telltale.store.StoreConfig;
import dev.telltale.teams.Teams;
import dev.telltale.vulndb.VulnDb;
import dev.telltale.vulndb.VulnDbConfig;
import io.helidon.config.Config;
import io.helidon.webserver.WebServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The appliance process: relational state, certificates, journal, event store, the agent
 * ingestion listener and the HTTPS server, started in dependency order and stopped in
 * reverse so that everything acknowledged is indexed or still in the journal.
 */
public final class Appliance implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Appliance.class.getName());
    /** The release's version: {@code -Dtelltale.version} (the release's start script sets it), else the jar's, else {@code dev}. */
    public static final String VERSION = Optional.ofNullable(System.getProperty("telltale.version")).filter(v -> !v.isBlank())
            .or(() -> Optional.ofNullable(Appliance.class.getPackage().getImplementationVersion())).orElse("dev");

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private WebServer web;
    private IngestServer ingest;
    private Journal journal;
    private CertificateStore certificates;
    /**
     * Where certificate expiry notices go besides alerts: the log, and every integration that
     * subscribes to system events (through the notification outbox, once it is open).
     */
    private final java.util.function.Consumer<dev.telltale.certs.CertificateNotice> certificateNotices = n -> {
        System.getLogger(Appliance.class.getName()).log(System.Logger.Level.WARNING, n.summary());
        if (this.notify != null) {
            this.notify.system("certificate.expiry", n.summary());
        }
    };
    private EventStore store;
    private Optional<PolicyEngine> engine = Optional.empty();
    private Policies policies;
    private Database db;
    private Alerts alerts;
    private Notify notify;
    private dev.telltale.upgrade.Upgrades upgrades;
    private volatile String localHost;
    private VulnDb vulnDb;
    private Path dataDir;
    private dev.telltale.backup.Backups backups;
    private dev.telltale.rbac.RouteTable routes;
    private boolean closed;

    private Appliance() {
    }

    /**
     * Starts every component; on failure stops what was started and rethrows.
     *
     * @throws dev.telltale.config.ConfigException when a configuration value is invalid
     */
    public static Appliance start(Config root) {
        return start(root, System.getenv());
    }

    /** As {@link #start(Config)}, reading {@code TELLTALE_ADMIN_PASSWORD} from {@code env}. */
    public static Appliance start(Config root, Map<String, String> env) {
        Appliance a = new Appliance();
        try {
            a.startAll(root, env);
            return a;
        } catch (RuntimeException e) {
            a.close();
            throw e;
        }
    }

    private static io.helidon.common.tls.Tls tls(dev.telltale.certs.TlsIdentity id) {
        return io.helidon.common.tls.Tls.builder().privateKey(id.key()).privateKeyCertChain(id.chain())
                .enabledProtocols(List.of("TLSv1.3")).build();
    }

    private void startAll(Config root, Map<String, String> env) {
        Config tt = root.get("telltale");
        ApplianceConfig cfg = ApplianceConfig.from(tt);
        IngestConfig ingestCfg = IngestConfig.from(tt.get("ingest"));
        JournalConfig journalCfg = JournalConfig.from(tt.get("journal"));
        StoreConfig storeCfg = StoreConfig.from(tt.get("store"));
        CertsConfig certsCfg = CertsConfig.from(tt.get("certs"));
        EvaluationConfig evalCfg = EvaluationConfig.from(tt.get("evaluation"));
        AlertsConfig alertsCfg = AlertsConfig.from(tt.get("alerts"));
        VulnDbConfig vulnDbCfg = VulnDbConfig.from(tt.get("vulndb"));
        dev.telltale.upgrade.UpgradeConfig upgradeCfg = dev.telltale.upgrade.UpgradeConfig.from(tt.get("upgrade"));
        dataDir = cfg.dataDir();
        createDataDir();
        Clock clock = Clock.systemUTC();
        Metrics metrics = new Metrics();
        JvmMetrics.register(metrics);

        db = Database.open(dataDir);
        toClose.add(0, db);
        dev.telltale.audit.AuditLog certAudit = new dev.telltale.audit.AuditLog(db);
        CertificateStore certs = CertificateStore.open(dataDir, certsCfg, cfg.publicHost(), clock,
                (actor, action, detail) -> certAudit.record(actor, action, "certificates", Optional.of(detail)));
        certificates = certs;
        Users users = Users.create(db);
        users.bootstrapAdmin(Optional.ofNullable(env.get("TELLTALE_ADMIN_PASSWORD")).filter(s -> !s.isEmpty()))
                .ifPresent(this::announceInitialPassword);
        RunTokens runTokens = RunTokens.create(db, clock);
        ApiTokens apiTokens = ApiTokens.create(clock, cfg.apiTokenTtl());
        Agents agents = Agents.create(db);
        Teams teams = Teams.create(db);
        SecretHasher hasher = SecretHasher.loadOrCreate(dataDir);
        SecretBox secretBox = SecretBox.loadOrCreate(dataDir);
        Sso sso = Sso.create(db, teams, secretBox, clock);
        toClose.add(0, sso);
        java.util.function.Function<String, Optional<dev.telltale.policy.RuleInfo>> ruleInfo = id -> BuiltInRules.all()
                .stream().filter(r -> r.info().id().equals(id)).findFirst().map(r -> r.info());
        // Closed after everything that writes outbox rows, before the database: sends in flight get recorded.
        notify = Notify.create(db, secretBox, NotifyConfig.from(tt.get("notify")), clock, () -> baseUrl(cfg), ruleInfo,
                VERSION);
        toClose.add(0, notify);
        alerts = Alerts.create(db, clock, alertsCfg, ruleInfo, notify.alertEvents());
        toClose.add(0, alerts);
        alerts.start();
        policies = Policies.create(db, BuiltInRules.all(), clock);
        vulnDb = VulnDb.open(db, vulnDbCfg, dataDir, clock);
        toClose.add(0, vulnDb);
        dev.telltale.sbom.Inventory inventory = new dev.telltale.sbom.DbInventory(db);
        dev.telltale.sca.Sca sca = dev.telltale.sca.Sca.create(db, inventory, vulnDb, alerts, policies,
                dev.telltale.sca.ScaConfig.from(tt.get("sca")), clock, notify.findingEvents());
        toClose.add(0, sca);
        sca.start();
        notify.start(alerts);

        store = EventStore.open(dataDir.resolve("events"), storeCfg, metrics, clock);
        toClose.add(0, store);
        if (evalCfg.enabled()) {
            engine = Optional.of(PolicyEngine.open(db, policies, alerts::record, new dev.telltale.sbom.InventoryRecorder(),
                    evalCfg, metrics, clock));
            toClose.add(0, engine.get());
        }
        journal = Journal.open(dataDir.resolve("journal"), journalCfg, metrics);
        toClose.add(0, journal);
        replayAndStart(journal);
        // Closed before the journal, the store and the database: a backup in progress completes first.
        backups = dev.telltale.backup.Backups.create(dev.telltale.backup.BackupConfig.from(tt.get("backup"),
                        tt.get("config-file").asString().asOptional().map(Path::of)), dataDir, db, store, journal,
                new dev.telltale.audit.AuditLog(db), metrics, clock, VERSION, secretBox);
        toClose.add(0, backups);

        // Agents are admitted after everything they feed is up; while an upgrade is mid-way only its
        // health gate is (the others spool and retry).
        upgrades = dev.telltale.upgrade.Upgrades.create(upgradeCfg, dataDir, VERSION, db, runTokens, teams.defaultTeam().id(),
                backups, new dev.telltale.audit.AuditLog(db), m -> notify.system("upgrade", m), clock);
        toClose.add(0, upgrades);
        ingest = IngestServer.start(ingestCfg, certs.ingest().key(), certs.ingest().chain(), runTokens, agents, journal,
                hasher, metrics, VERSION, upgrades.admissionAtStart(),
                (team, app, comp, ver) -> sca.vulnerablePurls(team, app, comp, ver, "Maven",
                        dev.telltale.protocol.Welcome.MAX_TRACE));
        toClose.add(0, ingest);

        Map<String, BooleanSupplier> checks = new LinkedHashMap<>();
        checks.put("derby", db::healthy);
        checks.put("lucene", store::healthy);
        checks.put("journal", journal::healthy);
        checks.put("ingest", journal::healthy);
        checks.put("policy", () -> engine.map(PolicyEngine::healthy).orElse(true));
        Map<String, Supplier<Map<String, Object>>> details = Map.of(
                "lucene", () -> luceneDetails(store),
                "journal", () -> Map.of("queued_bytes", journal.queuedBytes()),
                "ingest", () -> Map.of("port", ingest.port(), "connections", ingest.connections()));
        Api.Services services = new Api.Services(users, apiTokens, runTokens, teams, store, metrics, clock, details, checks,
                new Bundles(cfg.bundlesDir()), new DownloadLinks(hasher, clock, cfg.downloadLinkLifetime()),
                cfg.publicHost(), () -> ingest.port(), () -> web.port(), certs::caPem, policies, alerts,
                dev.telltale.rbac.Memberships.create(db, clock), dev.telltale.rbac.ApiClients.create(db, clock),
                new dev.telltale.audit.AuditLog(db),
                new dev.telltale.auth.Sessions(clock, cfg.sessionIdle(), cfg.sessionAbsolute()), cfg.sessionAbsolute(),
                certs, sso, vulnDb, inventory, sca,
                dev.telltale.sbom.export.Sbom.create(db, inventory, clock, VERSION), notify, backups, upgrades);
        routes = Api.routes();
        dev.telltale.ui.Ui ui = dev.telltale.ui.Ui.declare(routes, new dev.telltale.ui.Ui.Services(users,
                services.sessions(), dev.telltale.overview.Overview.create(db, clock, java.time.Duration.ofMinutes(15)),
                store, policies, alerts, teams, services.memberships(), services.clients(), services.auditLog(), runTokens,
                services.bundles(), services.downloadLinks(), new dev.telltale.ui.Ui.AgentEndpoint(cfg.publicHost(),
                () -> ingest.port(), () -> web.port(), certs::caPem), checks, dataDir, clock, () -> sso.settings().settings().enabled(), VERSION,
                certs, storeCfg, alertsCfg,
                dev.telltale.agents.Inventory.create(db, clock, java.time.Duration.ofMinutes(15)), sso,
                services.inventory(), sca, vulnDb, notify, backups, upgrades));
        web = WebServer.builder()
                .host(cfg.httpsHost())
                .port(cfg.httpsPort())
                .shutdownHook(false)
                .tls(tls(certs.https()))
                .routing(r -> {
                    Api.register(r, services, routes, ui.errors());
                    ui.register(r);
                })
                .build()
                .start();
        // Both listeners swap for new connections only: established agent streams keep their sessions.
        // Two listeners: one failing to take the new identity does not keep the other from it.
        certs.onChange(() -> ingest.reloadTls(certs.ingest().key(), certs.ingest().chain()));
        certs.onChange(() -> web.reloadTls(tls(certs.https())));
        // Expiry notices become alerts (system rule) and go to the notification hook; hourly, so a
        // transition ends and a 1-day warning arrives within the hour.
        dev.telltale.certs.CertificateMonitor monitor = dev.telltale.certs.CertificateMonitor.start(certs, dataDir, clock,
                java.time.Duration.ofHours(1), List.of(new dev.telltale.certs.ExpiryAlerts(db, alerts,
                        teams.defaultTeam().id(), clock), certificateNotices));
        toClose.add(0, monitor);
        backups.start();
        upgrades.start(ingest, () -> checks.values().stream().allMatch(BooleanSupplier::getAsBoolean), this::pendingWork);
        announce();
    }

    /**
     * Replays the journal into the store and the policy engine from the older of their
     * checkpoints (each skips what it already committed), then starts both; the journal's
     * segments go only when both have committed past them.
     */
    /**
     * The store's size, the background rebuild of older partitions (health stays up while it
     * runs: search and ingest go on) and any partition set aside as unreadable, by name.
     */
    private static Map<String, Object> luceneDetails(EventStore store) {
        dev.telltale.store.ReindexStatus reindex = store.reindexStatus();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("partitions", store.partitionCount());
        m.put("size_bytes", store.sizeBytes());
        m.put("reindex", reindex.details());
        if (!reindex.setAside().isEmpty()) {
            m.put("unreadable_partitions", reindex.setAside());
            m.put("unreadable_note", "set aside because this version cannot read them; their events are missing from "
                    + "search (except any the journal still held). Restore them from a backup or delete them "
                    + "(see the appliance log)");
        }
        return m;
    }

    private void replayAndStart(Journal journal) {
        long storeFrom = store.checkpoint();
        long from = engine.map(e -> Math.min(e.checkpoint(), storeFrom)).orElse(storeFrom);
        long t0 = System.nanoTime();
        journal.replay(from, r -> {
            if (r.position() >= storeFrom) {
                store.replay(r);
            }
            engine.ifPresent(e -> e.replay(r));
        });
        LOG.info(() -> "journal replayed in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        ReleaseGate gate = new ReleaseGate(journal, engine.isPresent() ? 2 : 1);
        // The store indexes records before their fsync and commits them once durable (decision 39);
        // the policy engine sees only durable ones.
        RecordSink toStore = store.start(gate.reader(0), journal);
        RecordSink toEngine = engine.isPresent() ? engine.get().start(gate.reader(1)) : r -> { };
        journal.start(toStore, toEngine);
    }

    /** Work an upgrade must not interrupt. */
    private List<String> pendingWork() {
        List<String> work = new ArrayList<>();
        var reindex = store.reindexStatus();
        if (reindex.running()) {
            work.add("the event index is being rebuilt (" + reindex.percent() + "% done; see the System page)");
        }
        return work;
    }

    private void createDataDir() {
        try {
            Files.createDirectories(dataDir.resolve("logs"));
            System.setProperty("derby.stream.error.file", dataDir.resolve("logs/derby.log").toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + dataDir, e);
        }
    }

    private void announceInitialPassword(String password) {
        Path file = dataDir.resolve("initial-admin-password");
        try {
            Files.deleteIfExists(file);
            Files.writeString(Files.createFile(file, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------"))), password + "\n", StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        // Printed once, on the console of the first start only; never logged.
        System.out.println();
        System.out.println("  Initial password for user 'admin': " + password);
        System.out.println("  (also in " + file + "; you must change it at first login)");
        System.out.println();
    }

    private void announce() {
        System.out.println("Telltale " + VERSION + " is up.");
        System.out.println("  Log in at   https://localhost:" + web.port() + "/   (user: admin)");
        System.out.println("  Agents send to  localhost:" + ingest.port() + "  (TLS 1.3)");
        // ca.crt is the appliance's own CA; after an upload agents pin another one (or two, during a transition).
        System.out.println("  CA certificate  " + (certificates.ownCaPinned() ? dataDir.resolve("tls/ca.crt")
                : "https://localhost:" + web.port() + "/api/v1/certificates/ca.pem"));
        System.out.println("  Data directory  " + dataDir);
        System.out.flush();
    }

    /** The UI's address as people reach it, for links in notifications. */
    private String baseUrl(ApplianceConfig cfg) {
        String host = cfg.publicHost().orElseGet(() -> {
            // Looked up once: links are written inside the policy engine's commit transaction.
            if (localHost == null) {
                try {
                    localHost = java.net.InetAddress.getLocalHost().getHostName();
                } catch (IOException e) {
                    localHost = "localhost";
                }
            }
            return localHost;
        });
        int port = web != null ? web.port() : cfg.httpsPort();
        return "https://" + (host.contains(":") ? "[" + host + "]" : host) + (port == 443 ? "" : ":" + port);
    }

    /** Outbound notifications: integrations, the outbox, and {@link Notify#system} for the appliance's own events. */
    public Notify notifications() {
        return notify;
    }

    public int httpsPort() {
        return web.port();
    }

    public int ingestPort() {
        return ingest.port();
    }

    /** The agent ingestion listener (an upgrade pauses agents through it). */
    public IngestServer ingest() {
        return ingest;
    }

    /** For tests: the write-ahead journal (what an agent's batches reached before a backup). */
    public Journal journal() {
        return journal;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Policies policies() {
        return policies;
    }

    /** For tests: makes everything indexed so far searchable. */
    public EventStore store() {
        return store;
    }

    /** For tests: seeds alerts (findings recorded in a transaction on {@link #database()}). */
    public Alerts alerts() {
        return alerts;
    }

    /** Every route the HTTPS server declares (API and pages), with the permission each needs. */
    /** The TLS identities both listeners present. */
    public CertificateStore certificates() {
        return certificates;
    }

    public dev.telltale.rbac.RouteTable routes() {
        return routes;
    }

    /** The vulnerability database (imports and matching), for the findings work and tests. */
    public VulnDb vulnDb() {
        return vulnDb;
    }

    /** Backups of the appliance's state (the upgrade takes one before it changes anything). */
    public dev.telltale.backup.Backups backups() {
        return backups;
    }

    /** For tests: the relational state. */
    public Database database() {
        return db;
    }

    /** Stops ingestion first, then drains the journal into the store, then the rest. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (web != null) {
            web.stop();
        }
        for (AutoCloseable c : toClose) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warning(() -> "stopping " + c.getClass().getSimpleName() + " failed: " + e);
            }
        }
    }
}
