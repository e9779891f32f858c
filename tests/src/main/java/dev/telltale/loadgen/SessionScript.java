package dev.telltale.loadgen;

import dev.telltale.protocol.event.Event;
import dev.telltale.protocol.event.EventType;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * The reference's sample session as a timeline: a container entrypoint (bash) starts a Spring
 * Boot service (java) and exits; a Python smoke test sends five requests, then idles until it
 * exits after eleven minutes; the service stays idle to the end, about 30 minutes in. Event
 * times are microseconds since the session start (carried in {@code dtUs} until batching).
 */
final class SessionScript {
    static final long S = 1_000_000L;
    static final long END_US = 1810 * S;
    static final long ENTRYPOINT_EXIT_US = 12_500_000L;
    static final long SMOKE_START_US = 40 * S;
    static final long SMOKE_EXIT_US = 712 * S;
    /** Memory warnings in the reference session; the latest candidates beyond this are left out. */
    static final int WARNINGS = 197;

    /** The events of one process, in time order. */
    record Track(ProcessModel process, List<Event> events, boolean exits) {
    }

    private final RealisticEvents g;
    private final Random r;
    private final List<Candidate> warningCandidates = new ArrayList<>();

    /** A memory warning that may make the session, and the track it would join. */
    private record Candidate(List<Event> track, Event event) {
    }

    SessionScript(RealisticEvents g, long seed) {
        this.g = g;
        this.r = new Random(seed ^ 0x5e55_10aL);
    }

    List<Track> build() {
        ProcessModel java = g.javaService("shop", "storefront");
        ProcessModel bash = g.nativeProcess(java, List.of("/usr/bin/bash", "bash", "/opt/shop/bin/entrypoint.sh"));
        ProcessModel python = g.nativeProcess(java, List.of("/usr/bin/python3.11", "python3",
                "/opt/shop/bin/smoke-test.py", "--base-url", "http://127.0.0.1:8080", "--requests", "5"));
        List<Event> b = new ArrayList<>();
        List<Event> j = new ArrayList<>();
        List<Event> p = new ArrayList<>();

        // Entrypoint: starts, inventories the container, loads its libraries, launches java, exits.
        startup(b, bash, 0, 6, 3, 8, 0);
        heartbeats(b, bash, 10 * S, ENTRYPOINT_EXIT_US);
        warnings(b, bash, 2 * S, ENTRYPOINT_EXIT_US, 3);
        b.add(g.processExit(bash, ENTRYPOINT_EXIT_US, 0, ENTRYPOINT_EXIT_US / 1000));

        // The service: JVM start, 72 jars, binds, a database connection, then the five requests.
        long t0 = 400_000;
        startup(j, java, t0, 30, 16, 70, 6);
        for (int i = 0; i < 72; i++) {
            JarModel jar = g.machine().jars().isEmpty() ? null : g.machine().jars().get(i % g.machine().jars().size());
            long t = t0 + 900_000 + i * 70_000L + r.nextInt(50_000);
            j.add(jar == null ? g.dependency(java, t) : g.jarDependency(java, t, jar));
        }
        j.add(g.network(java, 5_100_000, "dns"));
        j.add(g.network(java, 5_180_000, "connect"));
        j.add(g.network(java, 6_900_000, "bind"));
        j.add(g.network(java, 6_950_000, "bind"));
        long req = SMOKE_START_US + 1_200_000;
        j.add(g.network(java, req, "accept"));
        j.add(g.webapp(java, req + 45_000, java.httpPort()));
        for (int i = 0; i < 20; i++) {
            j.add(g.file(java, req + 50_000 + i * 180_000L));
        }
        j.add(g.network(java, req + 3_600_000, "accept"));
        j.add(g.webapp(java, req + 3_640_000, java.httpPort() + 1));
        heartbeats(j, java, t0 + 10 * S, END_US);
        warnings(j, java, 30 * S, END_US, 6);

        // The smoke test: resolves the service, connects twice (keep-alive), then sleeps.
        startup(p, python, SMOKE_START_US, 12, 12, 22, 2);
        p.add(g.network(python, req - 300_000, "dns"));
        p.add(g.network(python, req - 250_000, "connect"));
        p.add(g.network(python, req + 3_550_000, "connect"));
        heartbeats(p, python, SMOKE_START_US + 10 * S, SMOKE_EXIT_US);
        warnings(p, python, SMOKE_START_US + 5 * S, SMOKE_EXIT_US, 4);
        p.add(g.processExit(python, SMOKE_EXIT_US, 0, (SMOKE_EXIT_US - SMOKE_START_US) / 1000));

        warningCandidates.sort(Comparator.comparingLong(c -> c.event().dtUs()));
        for (Candidate c : warningCandidates.subList(0, Math.min(WARNINGS, warningCandidates.size()))) {
            c.track().add(c.event());
        }
        List<Track> tracks = List.of(new Track(bash, sorted(b), true), new Track(java, sorted(j), false),
                new Track(python, sorted(p), true));
        return tracks;
    }

    /** Start, host inventory, library loads (package info + dependency), files and API calls in the first seconds. */
    private void startup(List<Event> out, ProcessModel proc, long t0, int packages, int libraries, int files, int apis) {
        out.add(g.processStart(proc, t0));
        out.add(g.hostEnv(proc, t0 + 20_000));
        List<NativeLibrary> libs = g.facts().loadedLibraries(proc);
        for (int i = 0; i < packages; i++) {
            out.add(g.packageInfo(proc, t0 + 30_000 + i * 9_000L, libs.get(i % libs.size())));
        }
        for (int i = 0; i < libraries; i++) {
            out.add(g.libraryDependency(proc, t0 + 35_000 + i * 9_000L, libs.get(i % libs.size())));
        }
        for (int i = 0; i < files; i++) {
            out.add(g.file(proc, t0 + 60_000 + i * (proc.java() ? 85_000L : 20_000L) + r.nextInt(10_000)));
        }
        for (int i = 0; i < apis; i++) {
            out.add(g.api(proc, t0 + 300_000 + i * 700_000L));
        }
    }

    private void heartbeats(List<Event> out, ProcessModel proc, long first, long end) {
        boolean listAll = true;
        for (long t = first; t <= end; t += 10 * S) {
            // The first lists every open descriptor; an idle process rarely opens or closes one.
            out.add(g.heartbeat(proc, t, listAll ? -1 : r.nextInt(8) == 0 ? 1 : 0));
            listAll = false;
        }
    }

    /**
     * Candidate warnings, each kind at most once a minute (the interceptor suppresses repeats and
     * reports how many); the earliest {@value #WARNINGS} of all processes are kept.
     */
    private void warnings(List<Event> out, ProcessModel proc, long first, long end, int kinds) {
        for (int k = 0; k < kinds; k++) {
            String[] kind = Workload.MEMORY_WARNINGS.get(k);
            long t = first + k * 7 * S + r.nextInt(1_000_000);
            long suppressed = 0;
            while (t < end) {
                warningCandidates.add(new Candidate(out, g.memoryWarning(proc, t, kind, suppressed, 1)));
                suppressed = r.nextInt(3) == 0 ? 0 : r.nextInt(40);
                t += 60 * S + r.nextInt(500_000);
            }
        }
    }

    private static List<Event> sorted(List<Event> events) {
        List<Event> s = new ArrayList<>(events);
        s.sort(Comparator.comparingLong(Event::dtUs));
        return List.copyOf(s);
    }
}
