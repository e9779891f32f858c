package dev.telltale.sbom;

import dev.telltale.evaluation.EventObserver;
import dev.telltale.journal.AgentContext;
import dev.telltale.protocol.event.Event;
import dev.telltale.protocol.event.EventType;
import dev.telltale.protocol.event.Msg;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Records the runtime inventory from the policy engine's event stream: OS packages with their
 * loadable files ({@code host_env}), loaded files ({@code dependency}, with the executable of
 * the loading process from the engine's process state), and runtime facts (executables from
 * {@code process_start} and {@code exec}, listening and connecting from {@code network}), per
 * component version of the record's agent context. Facts are buffered and coalesced between
 * checkpoints and written in the checkpoint's transaction, so each journal record counts once
 * (see the V12 migration for why writing a batch twice changes nothing). Engine thread only.
 */
public final class InventoryRecorder implements EventObserver {
    private static final int EINPROGRESS = 115;
    /** The load kind of a package directory a program read from (see {@link #opened}). */
    static final String IMPORT = "import";

    private Map<Facts.Key, Facts> buffer = new LinkedHashMap<>();
    /**
     * The last host environment recorded per component version and environment (machine or
     * container id), as a hash: an agent reports its host at every start, and rewriting hundreds of
     * unchanged packages at each checkpoint made Derby the engine's bottleneck. In memory only: after
     * a restart the first report is written again (the writes are idempotent). Bounded.
     */
    private final Map<String, Long> recordedEnvs = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > 10_000;
        }
    };
    private int buffered;

    @Override
    public boolean wants(EventType type, String networkOp, byte[] encoded) {
        return switch (type) {
            case HOST_ENV, DEPENDENCY, PROCESS_START, PROCESS -> true;
            case FILE -> PackageRoots.mentioned(encoded);
            case NETWORK -> "listen".equals(networkOp) || "connect".equals(networkOp) || "bind".equals(networkOp);
            default -> false;
        };
    }

    @Override
    public void observe(AgentContext ctx, Event event, long uid, long timeUs, String exe) {
        Facts f = buffer.computeIfAbsent(new Facts.Key(ctx.teamId(), ctx.application(), ctx.component(),
                ctx.version()), Facts::new);
        Instant t = Instant.ofEpochSecond(Math.floorDiv(timeUs, 1_000_000), Math.floorMod(timeUs, 1_000_000) * 1000L);
        int before = f.size();
        f.maxUid = Math.max(f.maxUid, uid);
        if (t.isAfter(f.lastTime)) {
            f.lastTime = t;
        }
        Msg b = event.body();
        switch (event.type()) {
            case HOST_ENV -> {
                if (changedEnv(ctx, b)) {
                    hostEnv(f, b, uid);
                }
            }
            case DEPENDENCY -> load(f, b, t, exe);
            case PROCESS_START -> b.string("exe").ifPresent(p -> seen(f, "process", p, t));
            case PROCESS -> {
                if (b.string("op").orElse("").equals("exec") && b.number("result").orElse(0L) >= 0) {
                    b.string("path").ifPresent(p -> seen(f, "process", p, t));
                }
            }
            case NETWORK -> network(f, b, t);
            case FILE -> opened(f, b, t, exe);
            default -> { }
        }
        buffered += f.size() - before;
    }

    @Override
    public boolean full() {
        return buffered >= Limits.BUFFERED_FACTS;
    }

    @Override
    public Write drain() {
        List<Facts> batch = new ArrayList<>(buffer.values());
        buffer = new LinkedHashMap<>();
        buffered = 0;
        return batch.isEmpty() ? tx -> { } : tx -> InventoryWriter.write(tx, batch);
    }

    private boolean changedEnv(AgentContext ctx, Msg b) {
        String key = ctx.teamId() + "\n" + ctx.application() + "\n" + ctx.component() + "\n" + ctx.version() + "\n"
                + b.string("env_id").orElse("");
        long h = 1125899906842597L;
        h = 31 * h + b.string("os_name").orElse("").hashCode();
        h = 31 * h + b.string("os_version").orElse("").hashCode();
        for (Msg p : b.<Msg>list("packages")) {
            h = 31 * h + p.string("pkg.name").orElse("").hashCode();
            h = 31 * h + p.string("pkg.version").orElse("").hashCode();
            h = 31 * h + p.string("pkg.arch").orElse("").hashCode();
            h = 31 * h + p.string("pkg.license").orElse("").hashCode();
            h = 31 * h + p.<String>list("pkg.files").hashCode();
        }
        Long before = recordedEnvs.put(key, h);
        return before == null || before != h;
    }

    /** The host's packages; reports of several hosts in one checkpoint merge, the newest per package winning. */
    private static void hostEnv(Facts f, Msg b, long uid) {
        Distro distro = new Distro(b.string("os_name").orElse(""), b.string("os_version").orElse(""));
        Map<String, Facts.OsPackage> merged = new LinkedHashMap<>();
        if (f.hostEnv != null) {
            f.hostEnv.packages().forEach(p -> merged.put(p.manager() + "\u0000" + p.name() + "\u0000" + p.arch(), p));
        }
        for (Msg p : b.<Msg>list("packages")) {
            List<String> files = p.<String>list("pkg.files");
            if (files.size() > Limits.FILES_PER_PACKAGE) {
                files = files.subList(0, Limits.FILES_PER_PACKAGE);
            }
            Facts.OsPackage k = new Facts.OsPackage(p.string("pkg.manager").orElse("dpkg"), p.string("pkg.name").orElse(""),
                    p.string("pkg.version").orElse(""), p.string("pkg.arch").orElse(""),
                    p.string("pkg.source").orElse(""), p.string("pkg.license").orElse(""), List.copyOf(files));
            String key = k.manager() + "\u0000" + k.name() + "\u0000" + k.arch();
            if (merged.size() >= Limits.PACKAGES && !merged.containsKey(key)) {
                f.dropped++;
                continue;
            }
            merged.put(key, k);
        }
        f.hostEnv = new Facts.HostEnv(distro, b.string("hostname").orElse(""), new ArrayList<>(merged.values()));
        f.hostEnvUid = uid;
    }

    private static void load(Facts f, Msg b, Instant t, String exe) {
        String path = b.string("path").orElse("");
        if (path.isEmpty()) {
            return;
        }
        Facts.Load l = f.loads.get(path);
        if (l == null) {
            if (f.loads.size() >= Limits.LOADED_FILES) {
                f.dropped++;
                return;
            }
            l = newLoad(f, path, t);
        }
        l.count++;
        l.first = t.isBefore(l.first) ? t : l.first;
        l.last = t.isAfter(l.last) ? t : l.last;
        Optional<byte[]> sha = b.get("sha256").map(byte[].class::cast).filter(x -> x.length == 32);
        if (sha.isPresent()) {
            l.sha256 = Optional.of(HexFormat.of().formatHex(sha.get()));
        }
        Facts.Load was = l;
        l.language = nonEmpty(b.string("language")).or(() -> was.language);
        l.name = nonEmpty(b.string("name")).or(() -> was.name);
        l.version = nonEmpty(b.string("dep_version")).or(() -> was.version);
        l.purl = nonEmpty(b.string("purl")).or(() -> was.purl);
        l.kind = nonEmpty(b.string("load")).or(() -> was.kind);
        if (!exe.isEmpty() && l.exes.size() < Limits.LOADERS_PER_FILE) {
            l.exes.add(exe);
        }
    }

    /**
     * A file opened for reading inside a Python or Node package marks the package used: recorded as
     * an "import" load of the package's root directory, which its host_env file list names.
     */
    private static void opened(Facts f, Msg b, Instant t, String exe) {
        String op = b.string("op").orElse("");
        if (!(op.startsWith("open") || op.equals("fopen")) || b.number("result").orElse(0L) < 0) {
            return;
        }
        Optional<PackageRoots.Root> root = b.string("path").flatMap(PackageRoots::of);
        if (root.isEmpty()) {
            return;
        }
        Facts.Load l = f.loads.get(root.get().path());
        if (l == null) {
            if (f.loads.size() >= Limits.LOADED_FILES) {
                f.dropped++;
                return;
            }
            l = newLoad(f, root.get().path(), t);
            l.language = Optional.of(root.get().language());
            l.kind = Optional.of(IMPORT);
        }
        l.count++;
        l.first = t.isBefore(l.first) ? t : l.first;
        l.last = t.isAfter(l.last) ? t : l.last;
        if (!exe.isEmpty() && l.exes.size() < Limits.LOADERS_PER_FILE) {
            l.exes.add(exe);
        }
    }

    private static Facts.Load newLoad(Facts f, String path, Instant t) {
        Facts.Load l = new Facts.Load(path);
        l.first = t;
        l.last = t;
        f.loads.put(path, l);
        return l;
    }

    private static void network(Facts f, Msg b, Instant t) {
        String op = b.string("op").orElse("");
        String family = b.string("family").orElse("");
        if (family.equals("unix")) {
            return;
        }
        long result = b.number("result").orElse(0L);
        if (result < 0 && !(op.equals("connect") && b.number("errno").orElse(0L) == EINPROGRESS)) {
            return; // failed calls are not facts about what the program does
        }
        if (op.equals("connect")) {
            long port = b.number("rport").orElse(0L);
            List<String> names = b.list("fqdn");
            String host = names.isEmpty() ? b.string("raddr").orElse("") : names.get(0);
            if (!host.isEmpty() && port > 0) {
                seen(f, "connect", hostPort(host, port), t);
            }
            return;
        }
        // bind counts only for UDP: a TCP server's fact is its listen; a TCP client may bind too.
        if (op.equals("listen") || b.string("transport").orElse("").equals("udp")) {
            long port = b.number("lport").orElse(0L);
            if (port > 0) {
                seen(f, "listen", hostPort(b.string("laddr").orElse("0.0.0.0"), port), t);
            }
        }
    }

    private static String hostPort(String host, long port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    private static void seen(Facts f, String kind, String detail, Instant t) {
        String d = detail.length() > 1024 ? detail.substring(0, 1024) : detail;
        Facts.Seen s = f.runtime.get(kind + "\u0000" + d);
        if (s == null) {
            if (f.runtime.size() >= Limits.RUNTIME_FACTS) {
                f.dropped++;
                return;
            }
            s = new Facts.Seen(kind, d);
            s.first = t;
            s.last = t;
            f.runtime.put(kind + "\u0000" + d, s);
        }
        s.count++;
        s.first = t.isBefore(s.first) ? t : s.first;
        s.last = t.isAfter(s.last) ? t : s.last;
    }

    private static Optional<String> nonEmpty(Optional<String> s) {
        return s.filter(x -> !x.isEmpty());
    }
}
