package dev.telltale.sbom;

import dev.telltale.db.Database;
import dev.telltale.db.Sql;
import dev.telltale.evaluation.EvaluationConfig;
import dev.telltale.evaluation.PolicyEngine;
import dev.telltale.journal.AgentContext;
import dev.telltale.journal.JournalRecord;
import dev.telltale.metrics.Metrics;
import dev.telltale.policy.Policies;
import dev.telltale.policy.TestRules;
import dev.telltale.protocol.event.Event;
import dev.telltale.protocol.event.EventType;
import dev.telltale.store.Scope;
import dev.telltale.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InventoryRecorderTest {
    static final long T0 = 1_780_000_000_000_000L;
    @TempDir
    Path data;
    Database db;
    long team;
    AgentContext shop;
    final DbInventory inventory() {
        return new DbInventory(db);
    }

    @BeforeEach
    void open() {
        db = Database.open(data);
        team = Sql.inTransaction(db.dataSource(), c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM teams WHERE name = 'default'");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
        shop = new AgentContext(1, "a1", team, "default", "shop", "checkout", "1.4.2", "web-1");
    }

    @AfterEach
    void close() {
        db.close();
    }

    /** Feeds events to the recorder as the engine does (the exe from the last process_start of the pid). */
    static void feed(InventoryRecorder r, AgentContext ctx, long firstUid, List<Event> events) {
        Map<Long, String> exes = new HashMap<>();
        long uid = firstUid;
        for (Event e : events) {
            if (e.type() == EventType.PROCESS_START) {
                exes.put(e.pid(), e.body().string("exe").orElseThrow());
            }
            String op = e.type() == EventType.NETWORK ? e.body().string("op").orElse("") : null;
            if (r.wants(e.type(), op, dev.telltale.protocol.event.EventCodec.encode(e))) {
                r.observe(ctx, e, uid, T0 + uid * 1_000_000, exes.getOrDefault(e.pid(), ""));
            }
            uid++;
        }
    }

    void write(InventoryRecorder r) {
        var w = r.drain();
        Sql.inTransaction(db.dataSource(), c -> {
            w.write(c);
            return null;
        });
    }

    Inventory.VersionInventory read() {
        return inventory().of(new Inventory.VersionRef(team, "shop", "checkout", "1.4.2"), Scope.everything())
                .orElseThrow();
    }

    static Inventory.Package pkg(Inventory.VersionInventory v, String name) {
        return v.packages().stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no package " + name + " in " + v.packages()));
    }

    static final String SITE = "/srv/app/.venv/lib/python3.11/site-packages";

    static dev.telltale.protocol.event.Msg language(String manager, String name, String version, String licence,
                                                    String... files) {
        var m = new dev.telltale.protocol.event.Msg(dev.telltale.protocol.event.Schemas.PACKAGE).set("pkg.name", name)
                .set("pkg.version", version).set("pkg.license", licence).set("pkg.manager", manager);
        for (String f : files) {
            m.set("pkg.files", f);
        }
        return m;
    }

    static Event open(long pid, String path, long result) {
        Event e = Event.of(EventType.FILE, 0, pid, pid);
        e.body().set("op", "openat").set("path", path).set("flags", 0L).set("result", result);
        return e;
    }

    @Test
    void pythonAndNodePackagesAreUsedWhenAProgramReadsTheirFiles() {
        Event env = DebianHost.hostEnv(100);
        env.body().set("packages", language("pypi", "requests", "2.31.0", "Apache-2.0", SITE + "/requests/"));
        env.body().set("packages", language("pypi", "six", "1.16.0", "MIT", SITE + "/six.py"));
        env.body().set("packages", language("pypi", "Flask_Login", "0.6.3", "MIT", SITE + "/flask_login/"));
        env.body().set("packages", language("npm", "@scope/pkg", "2.0.0", "MIT", "/srv/app/node_modules/@scope/pkg/"));
        env.body().set("packages", language("npm", "left-pad", "1.3.0", "WTFPL", "/srv/app/node_modules/left-pad/"));
        InventoryRecorder r = new InventoryRecorder();
        feed(r, shop, 1, List.of(env, DebianHost.processStart(200, "/usr/bin/python3.11"),
                open(200, SITE + "/requests/__init__.py", 3), open(200, SITE + "/requests/api.py", 4),
                open(200, SITE + "/__pycache__/six.cpython-311.pyc", 5),
                open(200, SITE + "/flask_login/missing.py", -1),
                open(200, "/usr/lib/python3/dist-packages/yaml/__init__.py", 6),
                DebianHost.processStart(300, "/usr/bin/node"),
                open(300, "/srv/app/node_modules/@scope/pkg/node_modules/left-pad/index.js", 7),
                open(300, "/srv/app/node_modules/@scope/pkg/lib/main.js", 8)));
        write(r);
        var v = read();

        Inventory.Package requests = pkg(v, "requests");
        assertEquals("pypi", requests.type());
        assertEquals("pkg:pypi/requests@2.31.0", requests.purl());
        assertEquals(Optional.of("PyPI"), requests.ecosystem());
        assertTrue(requests.loaded(), "its files were read");
        assertEquals(List.of("/usr/bin/python3.11"), requests.loadedBy());
        assertTrue(pkg(v, "six").loaded(), "through its compiled module in __pycache__");
        Inventory.Package login = pkg(v, "Flask_Login");
        assertEquals("pkg:pypi/flask-login@0.6.3", login.purl(), "PEP 503 name");
        assertFalse(login.loaded(), "a failed open is no use");
        Inventory.Package scoped = pkg(v, "@scope/pkg");
        assertEquals("pkg:npm/%40scope/pkg@2.0.0", scoped.purl());
        assertEquals(Optional.of("npm"), scoped.ecosystem());
        assertTrue(scoped.loaded());
        assertFalse(pkg(v, "left-pad").loaded(), "the nested copy under @scope/pkg was read, not this one");
        assertTrue(v.packages().stream().noneMatch(p -> p.name().contains("yaml") || p.purl().contains("yaml")),
                "a directory no reported package installs adds nothing: " + v.packages());
        assertFalse(new InventoryRecorder().wants(EventType.FILE, null,
                dev.telltale.protocol.event.EventCodec.encode(open(1, "/etc/passwd", 3))), "ruled out before decoding");
    }

    @Test
    void libraryLoadsAreMappedToTheDebianPackagesThatOwnThem() {
        InventoryRecorder r = new InventoryRecorder();
        feed(r, shop, 1, DebianHost.session());
        write(r);
        var v = read();

        Inventory.Package ssl = pkg(v, "libssl3");
        assertEquals("pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12", ssl.purl());
        assertEquals("os", ssl.type());
        assertEquals(Optional.of("Debian:12"), ssl.ecosystem());
        assertEquals(Optional.of("Apache-2.0"), ssl.licence());
        assertEquals(Optional.of("openssl"), ssl.sourcePackage());
        assertTrue(ssl.loaded());
        assertEquals(List.of(DebianHost.LIBSSL), ssl.files());
        assertEquals(List.of("/usr/bin/curl"), ssl.loadedBy());
        assertEquals(Optional.of(Instant.ofEpochSecond(1_780_000_000L + 4)), ssl.firstLoaded());

        Inventory.Package libc = pkg(v, "libc6");
        assertEquals("pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12", libc.purl());
        assertTrue(libc.loaded(), "/usr/lib/x86_64-linux-gnu/libc.so.6 is dpkg's /lib/x86_64-linux-gnu/libc.so.6");
        assertTrue(pkg(v, "zlib1g").loaded());
        assertFalse(pkg(v, "openssl").loaded(), "the openssl command never ran");
        assertFalse(pkg(v, "libcurl4").loaded());

        Inventory.Package own = pkg(v, "libshopcrypt.so.1");
        assertEquals("library", own.type());
        assertEquals(Map.of("SHA-256", DebianHost.UNOWNED_SHA), own.hashes());
        assertEquals("pkg:generic/libshopcrypt.so.1?checksum=sha256:" + DebianHost.UNOWNED_SHA, own.purl());
        assertEquals(List.of("/usr/lib/jvm/java-17-openjdk-amd64/bin/java"), own.loadedBy());

        Inventory.Package spring = pkg(v, "spring-core");
        assertEquals("maven", spring.type());
        assertEquals(DebianHost.SPRING_PURL, spring.purl());
        assertEquals("6.1.2", spring.version());
        assertEquals(Optional.of("Maven"), spring.ecosystem());
        assertEquals(Map.of("SHA-256", DebianHost.JAR_SHA), spring.hashes());

        List<String> loadedFirst = v.packages().stream().map(p -> p.loaded() ? "0 loaded" : "1 not loaded").toList();
        assertEquals(loadedFirst.stream().sorted().toList(), loadedFirst, "loaded packages come first: " + loadedFirst);
        assertEquals(Set.of("process /usr/bin/curl", "process /usr/lib/jvm/java-17-openjdk-amd64/bin/java",
                        "connect deb.debian.org:443", "listen 0.0.0.0:8080"),
                Set.copyOf(v.runtime().stream().map(f -> f.kind() + " " + f.detail()).toList()));
    }

    @Test
    void writingTheSameBatchTwiceGivesTheSameRows() throws Exception {
        InventoryRecorder r = new InventoryRecorder();
        feed(r, shop, 1, DebianHost.session());
        var w = r.drain();
        Sql.inTransaction(db.dataSource(), c -> {
            w.write(c);
            return null;
        });
        List<String> once = dump();
        Sql.inTransaction(db.dataSource(), c -> {
            w.write(c);
            return null;
        });
        assertEquals(once, dump(), "a retried or replayed checkpoint changes nothing");

        feed(r, shop, 100, List.of(DebianHost.processStart(200, "/usr/bin/curl"),
                DebianHost.load(200, DebianHost.LIBSSL, DebianHost.LIBSSL_SHA, "initial")));
        write(r);
        assertEquals(2, loadCount(DebianHost.LIBSSL), "a later batch still counts");
        assertEquals(Optional.of(Instant.ofEpochSecond(1_780_000_000L + 101)), pkg(read(), "libssl3").lastLoaded());
    }

    @Test
    void aCrashBeforeTheCheckpointRecordsTheReplayedEventsOnce() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-26T10:00:00Z"));
        Policies policies = Policies.create(db, TestRules.all(), clock);
        EvaluationConfig cfg = new EvaluationConfig(true, Duration.ofSeconds(1), 20_000, 1000, 16);
        List<Event> s = DebianHost.session();
        JournalRecord r1 = JournalRecord.of(0, 100, shop, 1, s.size(), 1, T0, 1_780_000_000_000L,
                s.toArray(Event[]::new));
        JournalRecord r2 = JournalRecord.of(100, 200, shop, s.size() + 1, s.size() + 1, s.size() + 1, T0, 1_780_000_000_000L,
                DebianHost.load(200, DebianHost.LIBSSL, DebianHost.LIBSSL_SHA, "dlopen"));

        PolicyEngine crashed = PolicyEngine.open(db, policies, (c, f) -> { }, new InventoryRecorder(), cfg,
                new Metrics(), clock);
        crashed.replay(r1); // evaluated, not yet committed: then the process dies
        assertTrue(inventory().versions(Scope.everything()).isEmpty());

        PolicyEngine again = PolicyEngine.open(db, policies, (c, f) -> { }, new InventoryRecorder(), cfg,
                new Metrics(), clock);
        again.replay(r1);
        again.replay(r2);
        again.start(p -> { });
        again.close();
        assertEquals(2, loadCount(DebianHost.LIBSSL), "once from each record, not twice from the replayed one");
        assertEquals(List.of("/usr/bin/curl"), pkg(read(), "libssl3").loadedBy(),
                "the loading process's executable from the engine's process state");
    }

    @Test
    void hostsOfOneVersionAddTheirPackagesAndTheNewestReportOfAPackageWins() {
        InventoryRecorder r = new InventoryRecorder();
        Event other = Event.of(EventType.HOST_ENV, 0, 7, 7);
        other.body().set("env_id", "machine:2").set("os_name", "debian").set("os_version", "12").set("hostname", "web-2")
                .set("packages", new dev.telltale.protocol.event.Msg(dev.telltale.protocol.event.Schemas.PACKAGE)
                        .set("pkg.name", "libpq5").set("pkg.version", "15.5-0+deb12u1").set("pkg.arch", "amd64")
                        .set("pkg.manager", "dpkg").set("pkg.files", "/usr/lib/x86_64-linux-gnu/libpq.so.5"))
                .set("packages", new dev.telltale.protocol.event.Msg(dev.telltale.protocol.event.Schemas.PACKAGE)
                        .set("pkg.name", "libssl3").set("pkg.version", "3.0.13-1~deb12u1").set("pkg.arch", "amd64")
                        .set("pkg.manager", "dpkg").set("pkg.files", DebianHost.LIBSSL));
        feed(r, shop, 1, List.of(DebianHost.hostEnv(100), other));
        write(r);
        var v = read();
        assertEquals("15.5-0+deb12u1", pkg(v, "libpq5").version(), "web-2's package joins web-1's");
        assertEquals("3.0.13-1~deb12u1", pkg(v, "libssl3").version(), "the newer report of a package wins");
        assertEquals(7, v.packages().size(), v.packages().toString());
    }

    @Test
    void anotherTeamsScopeSeesNothing() {
        InventoryRecorder r = new InventoryRecorder();
        feed(r, shop, 1, DebianHost.session());
        write(r);
        Scope other = Scope.teams(Set.of(team + 1000));
        assertTrue(inventory().of(new Inventory.VersionRef(team, "shop", "checkout", "1.4.2"), other).isEmpty());
        assertTrue(inventory().versions(other).isEmpty());
        assertEquals(List.of(new Inventory.VersionRef(team, "shop", "checkout", "1.4.2")),
                inventory().versions(Scope.teams(Set.of(team))));
    }

    long loadCount(String path) throws Exception {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT load_count FROM inv_loaded WHERE path = ?")) {
            ps.setString(1, path);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), "no row for " + path);
                return rs.getLong(1);
            }
        }
    }

    /** Every inventory row, as text, in a stable order. */
    List<String> dump() throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection()) {
            for (String t : List.of("inv_versions", "inv_packages", "inv_package_files", "inv_loaded", "inv_loaded_by",
                    "inv_runtime")) {
                try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + t);
                     ResultSet rs = ps.executeQuery()) {
                    ResultSetMetaData md = rs.getMetaData();
                    List<String> rows = new ArrayList<>();
                    while (rs.next()) {
                        StringBuilder b = new StringBuilder(t);
                        for (int i = 1; i <= md.getColumnCount(); i++) {
                            b.append('|').append(rs.getString(i));
                        }
                        rows.add(b.toString());
                    }
                    rows.sort(null);
                    out.addAll(rows);
                }
            }
        }
        return out;
    }
}
