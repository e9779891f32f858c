package dev.telltale.loadgen;

import dev.telltale.protocol.event.Event;
import dev.telltale.protocol.event.EventType;
import dev.telltale.protocol.event.Msg;
import dev.telltale.protocol.event.Schemas;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Realistic telemetry for every event type an agent may send, modelled on this machine (see
 * {@link MachineProfile}): real packages, memory maps, environment names, files, libraries with
 * their hashes and symbols, jars with their classes. Secret-looking environment values are
 * replaced by invented secrets of the same shape. For a given machine profile and seed the
 * sequence of events is the same every time; one instance is not thread-safe.
 */
public final class RealisticEvents {
    /** Every type an agent may send (the appliance writes the others). */
    public static final Set<EventType> AGENT_TYPES = agentTypes();

    /** Types whose events carry a stack (API-kind events). */
    public static final Set<EventType> STACKED = EnumSet.of(EventType.FILE, EventType.NETWORK, EventType.IDENTITY,
            EventType.PROCESS, EventType.DEPENDENCY, EventType.API, EventType.MEMORY_WARNING);

    private final MachineProfile machine;
    private final Random r;
    private final StackFactory stacks;
    private final ProcessFacts facts;
    private final NetworkEvents network;
    private final Map<Long, long[]> usage = new HashMap<>();
    private final List<JarModel> jarsWithClasses;

    public RealisticEvents(MachineProfile machine, long seed) {
        this.machine = machine;
        this.r = new Random(seed);
        this.stacks = new StackFactory(machine, new JdkClasses());
        this.facts = new ProcessFacts(machine, r);
        this.network = new NetworkEvents(r);
        this.jarsWithClasses = machine.jars().stream().filter(j -> !j.classes().isEmpty()).toList();
    }

    /** A generator over this machine's profile. */
    public static RealisticEvents create(long seed) {
        return new RealisticEvents(MachineProfile.get(), seed);
    }

    private static Set<EventType> agentTypes() {
        EnumSet<EventType> s = EnumSet.noneOf(EventType.class);
        for (EventType t : EventType.values()) {
            if (!t.serverOnly()) {
                s.add(t);
            }
        }
        return java.util.Collections.unmodifiableSet(s);
    }

    public MachineProfile machine() {
        return machine;
    }

    /** A JVM serving HTTP in a Kubernetes pod, e.g. {@code shop/checkout}. */
    public ProcessModel javaService(String application, String component) {
        return facts.javaService(application, component);
    }

    /** A native process started by {@code parent} (same pod), e.g. a shell or a Python helper. */
    public ProcessModel nativeProcess(ProcessModel parent, List<String> command) {
        return facts.nativeProcess(parent, command);
    }

    /**
     * One event of the given agent-sendable type for the process, with typical content.
     *
     * @throws IllegalArgumentException for server-only types
     */
    public Event event(EventType type, ProcessModel p, long dtUs) {
        return switch (type) {
            case PROCESS_START -> processStart(p, dtUs);
            case PROCESS_EXIT -> processExit(p, dtUs, 0, 1000L * (60 + r.nextInt(3600)));
            case HOST_ENV -> hostEnv(p, dtUs);
            case PACKAGE_INFO -> packageInfo(p, dtUs, pick(facts.loadedLibraries(p)));
            case API -> api(p, dtUs);
            case FILE -> file(p, dtUs);
            case NETWORK -> network(p, dtUs, network.randomOp());
            case IDENTITY -> identity(p, dtUs);
            case PROCESS -> processOp(p, dtUs);
            case DEPENDENCY -> dependency(p, dtUs);
            case WEBAPP -> webapp(p, dtUs, p.httpPort());
            case WEBAPP_URI -> webappUri(p, dtUs);
            case BEARER_TOKEN -> bearerToken(p, dtUs);
            case HEARTBEAT -> heartbeat(p, dtUs, r.nextInt(10) == 0 ? -1 : r.nextInt(6));
            case MEMORY_WARNING -> memoryWarning(p, dtUs, pick(Workload.MEMORY_WARNINGS), r.nextInt(3) * r.nextInt(20), 8);
            case JAVA_METHOD -> javaMethod(p, dtUs);
            default -> throw new IllegalArgumentException(type + " is written by the appliance, not by agents");
        };
    }

    /**
     * The next event of a busy service's steady stream: mostly file and network calls, class
     * usage and dependency loads, with heartbeats, warnings and the occasional process start or
     * whole host inventory at their natural rarity.
     */
    public Event steadyState(ProcessModel p, long dtUs) {
        return event(SteadyMix.next(r), p, dtUs);
    }

    /** As {@link #steadyState(ProcessModel, long)} without the excluded types (file events are always kept). */
    public Event steadyState(ProcessModel p, long dtUs, Set<EventType> excluded) {
        return event(SteadyMix.next(r, excluded), p, dtUs);
    }

    /** Call sites per process and kind of call: enough variety for a busy service, and repetition as in real code. */
    static final int CALL_SITES = 32;

    private Event stacked(EventType type, ProcessModel p, long dtUs, StackOp op) {
        return stacked(type, p, dtUs, op, op.name(), CALL_SITES);
    }

    private Event stacked(EventType type, ProcessModel p, long dtUs, StackOp op, String site, int sites) {
        Event e = Event.of(type, dtUs, p.pid(), p.tid(r.nextInt(40)));
        e.stack().addAll(stacks.stack(op, p, r, site, sites));
        return e;
    }

    public Event processStart(ProcessModel p, long dtUs) {
        Event e = Event.of(EventType.PROCESS_START, dtUs, p.pid(), p.pid());
        facts.describeStart(p, e.body());
        return e;
    }

    public Event processExit(ProcessModel p, long dtUs, long exitCode, long runtimeMs) {
        Event e = Event.of(EventType.PROCESS_EXIT, dtUs, p.pid(), p.pid());
        e.body().set("exit_code", exitCode).set("runtime_ms", runtimeMs);
        if (exitCode > 128) {
            e.body().set("signal", exitCode - 128).set("crashed", exitCode == 139 || exitCode == 134);
        }
        return e;
    }

    /** The whole OS package inventory of the machine, as sent once per container. */
    public Event hostEnv(ProcessModel p, long dtUs) {
        Event e = Event.of(EventType.HOST_ENV, dtUs, p.pid(), p.pid());
        Msg b = e.body().set("env_id", p.containerId()).set("os_name", machine.osName())
                .set("os_version", machine.osVersion()).set("hostname", p.hostname());
        for (DpkgDatabase.Package pkg : machine.dpkg().packages()) {
            Msg m = new Msg(Schemas.PACKAGE).set("pkg.name", pkg.name()).set("pkg.version", pkg.version())
                    .set("pkg.source", pkg.source()).set("pkg.arch", pkg.arch()).set("pkg.manager", "dpkg");
            if (!pkg.license().isEmpty()) {
                m.set("pkg.license", pkg.license());
            }
            b.set("packages", m);
        }
        return e;
    }

    /** A loaded shared object and the OS package that owns it. */
    public Event packageInfo(ProcessModel p, long dtUs, NativeLibrary lib) {
        Event e = Event.of(EventType.PACKAGE_INFO, dtUs, p.pid(), p.tid(r.nextInt(4)));
        e.body().set("path", lib.path());
        lib.owner().ifPresent(o -> e.body().set("package", o.name()).set("package_version", o.version())
                .set("manager", "dpkg").set("source", o.source()));
        return e;
    }

    public Event api(ProcessModel p, long dtUs) {
        String[] call = pick(Workload.APIS);
        Event e = stacked(EventType.API, p, dtUs, StackOp.API);
        e.body().set("api", call[0]);
        for (int i = 1; i < call.length; i++) {
            e.body().set("args", call[i]);
        }
        e.body().set("result", r.nextInt(12) == 0 ? -1L : 0L);
        return e;
    }

    public Event file(ProcessModel p, long dtUs) {
        return FileEvents.random(this, p, dtUs);
    }

    /** An open of exactly this path (used for latency markers and for scripted sessions). */
    public Event fileOpen(ProcessModel p, long dtUs, String path, boolean write) {
        return FileEvents.open(this, p, dtUs, path, write);
    }

    public Event network(ProcessModel p, long dtUs, String op) {
        StackOp so = switch (op) {
            case "bind" -> StackOp.NET_BIND;
            case "accept" -> StackOp.NET_ACCEPT;
            case "dns" -> StackOp.NET_DNS;
            default -> StackOp.NET_CONNECT;
        };
        Event e = stacked(EventType.NETWORK, p, dtUs, so);
        network.describe(op, p, facts.podIp(p), e.body());
        return e;
    }

    public Event identity(ProcessModel p, long dtUs) {
        Event e = stacked(EventType.IDENTITY, p, dtUs, StackOp.IDENTITY);
        String op = pick(List.of("setuid", "setgid", "seteuid", "setegid", "setresuid", "setresgid", "setreuid",
                "setgroups"));
        long from = p.uid();
        long to = r.nextInt(4) == 0 ? 0 : 65534;
        e.body().set("op", op);
        if (op.startsWith("setres")) {
            e.body().set("from_id", List.of(from, from, from)).set("to_id", List.of(to, to, to));
        } else if (op.equals("setreuid")) {
            e.body().set("from_id", List.of(from, from)).set("to_id", List.of(to, to));
        } else if (op.equals("setgroups")) {
            e.body().set("from_id", List.of(p.gid(), 4L, 27L)).set("to_id", List.of(to));
        } else {
            e.body().set("from_id", from).set("to_id", to);
        }
        boolean denied = p.uid() != 0 && to == 0;
        e.body().set("result", denied ? -1L : 0L);
        if (denied) {
            e.body().set("errno", 1L);
        }
        return e;
    }

    public Event processOp(ProcessModel p, long dtUs) {
        List<String> cmd = pick(Workload.COMMANDS);
        Event e = stacked(EventType.PROCESS, p, dtUs, StackOp.PROCESS);
        e.body().set("op", pick(List.of("posix_spawn", "posix_spawn", "execve", "clone", "fork")))
                .set("path", cmd.get(0)).set("argv", cmd.subList(1, cmd.size()))
                .set("child_pid", p.pid() + 200 + r.nextInt(5000)).set("result", 0L);
        return e;
    }

    /** A jar (in a JVM) or a shared object loaded by the process. */
    public Event dependency(ProcessModel p, long dtUs) {
        if (p.java() && !machine.jars().isEmpty() && r.nextInt(4) != 0) {
            return jarDependency(p, dtUs, pick(machine.jars()));
        }
        return libraryDependency(p, dtUs, pick(facts.loadedLibraries(p)));
    }

    /** A jar nested in the service's fat jar, as Spring Boot loads them. */
    public Event jarDependency(ProcessModel p, long dtUs, JarModel jar) {
        Event e = stacked(EventType.DEPENDENCY, p, dtUs, StackOp.LOAD_JAR);
        String fat = facts.fatJar(p);
        e.body().set("path", fat + "!/BOOT-INF/lib/" + jar.fileName()).set("parent", fat).set("language", "java")
                .set("dep_version", jar.version()).set("load", "classloader").set("size", jar.size())
                .set("name", jar.artifactId()).set("purl", jar.purl());
        jar.sha256().ifPresent(h -> e.body().set("sha256", h));
        return e;
    }

    public Event libraryDependency(ProcessModel p, long dtUs, NativeLibrary lib) {
        Event e = stacked(EventType.DEPENDENCY, p, dtUs, p.java() ? StackOp.LOAD_LIBRARY : StackOp.API);
        e.body().set("path", lib.path()).set("parent", p.exe()).set("language", "c")
                .set("load", p.java() ? "dlopen" : "ld.so").set("size", lib.size()).set("name", lib.name());
        lib.version().ifPresent(v -> e.body().set("dep_version", v));
        lib.sha256().ifPresent(h -> e.body().set("sha256", h));
        lib.owner().ifPresent(o -> e.body().set("purl", "pkg:deb/debian/" + o.name() + "@" + o.version()
                + "?arch=" + o.arch()));
        return e;
    }

    public Event webapp(ProcessModel p, long dtUs, int port) {
        Event e = Event.of(EventType.WEBAPP, dtUs, p.pid(), p.tid(1 + r.nextInt(30)));
        e.body().set("protocol", "HTTP/1.1").set("family", "AF_INET6").set("laddr", "::ffff:" + facts.podIp(p))
                .set("lport", (long) port).set("raddr", "::ffff:" + network.clientIp()).set("rport", network.ephemeral())
                .set("tls", false);
        return e;
    }

    public Event webappUri(ProcessModel p, long dtUs) {
        Event e = Event.of(EventType.WEBAPP_URI, dtUs, p.pid(), p.tid(1 + r.nextInt(30)));
        String uri = pick(Workload.URIS).replace("{n}", Integer.toString(1 + r.nextInt(90_000)));
        e.body().set("method", uri.startsWith("/api/v1/orders") && r.nextBoolean() ? "POST" : pick(Workload.METHODS))
                .set("uri", uri).set("lport", (long) p.httpPort())
                .set("status", (long) pick(List.of(200, 200, 200, 200, 201, 204, 302, 400, 401, 404, 500)));
        return e;
    }

    public Event bearerToken(ProcessModel p, long dtUs) {
        Event e = Event.of(EventType.BEARER_TOKEN, dtUs, p.pid(), p.tid(1 + r.nextInt(30)));
        String uri = pick(Workload.URIS).replace("{n}", Integer.toString(1 + r.nextInt(90_000)));
        e.body().set("auth_type", "bearer")
                .set("value", FakeSecrets.jwt(r, "customer-" + r.nextInt(500_000), 1_760_000_000L + r.nextInt(9_000_000)))
                .set("lport", (long) p.httpPort()).set("uri", uri).set("tls", false);
        return e;
    }

    /**
     * A heartbeat: {@code changedFds} descriptors opened or closed since the last one (negative:
     * all that are open, as the first heartbeat sends), CPU and memory of the process and of the
     * agent.
     */
    public Event heartbeat(ProcessModel p, long dtUs, int changedFds) {
        boolean full = changedFds < 0;
        Event e = Event.of(EventType.HEARTBEAT, dtUs, p.pid(), p.pid());
        long[] u = usage.computeIfAbsent(p.pid(), k -> new long[]{0, 0, p.java() ? 180_000 : 4_000});
        long user = r.nextInt(p.java() ? 900 : 40);
        long sys = r.nextInt(p.java() ? 200 : 10);
        u[0] += user;
        u[1] += sys;
        u[2] = Math.max(p.java() ? 150_000 : 3_000, u[2] + r.nextInt(2001) - 1000);
        Msg b = e.body().set("cpu_user_ms", user).set("cpu_sys_ms", sys).set("rss_kb", u[2])
                .set("vsz_kb", p.java() ? 4_812_340L + r.nextInt(20_000) : 12_000L + r.nextInt(4_000))
                .set("agent_cpu_ms", (long) r.nextInt(25)).set("agent_rss_kb", 6_200L + r.nextInt(800))
                .set("threads_created", (long) (p.java() ? r.nextInt(6) : 0)).set("forks", (long) (r.nextInt(30) == 0 ? 1 : 0))
                .set("threads", (long) (p.java() ? 38 + r.nextInt(20) : 1)).set("interval_ms", 10_000L);
        int fds = full ? (p.java() ? 24 + r.nextInt(12) : 4 + r.nextInt(4)) : changedFds;
        for (int i = 0; i < fds; i++) {
            b.set("fds", full && i < 3 ? stdio(i) : fd(p, 3 + i + (full ? 0 : r.nextInt(200))));
        }
        return e;
    }

    private static Msg stdio(int fd) {
        return new Msg(Schemas.FD).set("fd.num", (long) fd).set("fd.kind", "pipe").set("fd.path", "pipe:[" + (48213 + fd) + "]")
                .set("fd.state", "open");
    }

    private Msg fd(ProcessModel p, int num) {
        Msg m = new Msg(Schemas.FD).set("fd.num", (long) num).set("fd.state", r.nextInt(3) == 0 ? "closed" : "open");
        if (r.nextInt(3) == 0) {
            Workload.Peer peer = pick(Workload.PEERS);
            m.set("fd.kind", "socket").set("fd.laddr", facts.podIp(p)).set("fd.lport", network.ephemeral())
                    .set("fd.raddr", peer.addresses().get(0)).set("fd.rport", (long) peer.port());
        } else {
            m.set("fd.kind", "file").set("fd.path", FileEvents.randomPath(this, p));
        }
        return m;
    }

    /**
     * An unsafe memory call, with how many like it were suppressed in the last minute. Each
     * process has at most {@code callSites} sites per function, and a site always overflows
     * the same buffer by the same amount.
     */
    public Event memoryWarning(ProcessModel p, long dtUs, String[] kindAndFunction, long suppressed, int callSites) {
        Event e = stacked(EventType.MEMORY_WARNING, p, dtUs, StackOp.MEMORY, "MEMORY/" + kindAndFunction[1], callSites);
        Random site = new Random(siteSeed(e.stack()));
        long dest = 1L << (4 + site.nextInt(8));
        long src = dest + 1 + site.nextInt((int) dest * 2);
        String caller = e.stack().size() > 1 ? e.stack().get(1).string("stack.symbol").orElse("?") : "?";
        e.body().set("kind", kindAndFunction[0]).set("function", kindAndFunction[1])
                .set("detail", kindAndFunction[1] + " of " + src + " bytes into a " + dest + "-byte buffer in " + caller)
                .set("dest_size", dest).set("src_size", src).set("suppressed", suppressed);
        return e;
    }

    /** Methods of one class seen running, with the jar and Maven coordinates it came from. */
    public Event javaMethod(ProcessModel p, long dtUs) {
        Event e = Event.of(EventType.JAVA_METHOD, dtUs, p.pid(), p.tid(r.nextInt(40)));
        List<JarModel> jars = jarsWithClasses;
        if (jars.isEmpty()) {
            e.body().set("class", "java.lang.Thread").set("methods", "run").set("count", 1L);
            return e;
        }
        JarModel jar = pick(jars);
        ClassFiles.ClassModel c = pick(jar.classes());
        List<String> methods = new ArrayList<>();
        for (int i = 0, n = 1 + r.nextInt(Math.min(6, c.methods().size())); i < n; i++) {
            String m = c.methods().get(r.nextInt(c.methods().size()));
            if (!methods.contains(m)) {
                methods.add(m);
            }
        }
        e.body().set("class", c.name()).set("methods", methods).set("jar", facts.fatJar(p) + "!/BOOT-INF/lib/"
                + jar.fileName()).set("purl", jar.purl()).set("count", 1L + r.nextInt(50_000));
        return e;
    }

    /** A seed that depends only on the frames' content, so the same call site gives the same values. */
    private static long siteSeed(List<Msg> stack) {
        long h = 17;
        for (Msg f : stack) {
            h = h * 31 + f.string("stack.symbol").orElse("").hashCode();
            h = h * 31 + f.number("stack.offset").orElse(0L);
        }
        return h;
    }

    // Package-private helpers for the event families kept in their own files.

    Event stackedFile(ProcessModel p, long dtUs, StackOp op) {
        return stacked(EventType.FILE, p, dtUs, op);
    }

    Random random() {
        return r;
    }

    StackFactory stacks() {
        return stacks;
    }

    ProcessFacts facts() {
        return facts;
    }

    <T> T pick(List<T> list) {
        return list.get(r.nextInt(list.size()));
    }
}
