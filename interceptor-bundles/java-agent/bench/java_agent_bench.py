#!/usr/bin/env python3
"""bin/telltale-bench java-agent: what the Java agent costs a Spring-style application.

Builds a fat jar (BOOT-INF/lib = the appliance's own ~100 dependency jars, nested and stored as
Spring Boot does; BOOT-INF/classes = BenchApp; the test suite's tiny launcher class loader) and
runs it under `telltale run` (interceptor and forwarder in both cases, so only the agent
differs), alternating with and without the agent, in the same run:

  The agent's hash cache starts empty: its first run hashes every jar, the later ones reuse it.

  startup_ms   from spawning `telltale run` to the application's "ready" line (after loading
               --classes classes of the nested jars, like a framework's scan)
  exit_ms      from "ready" to the process' end after the workload (the agent's exit hook
               reports what is still queued, bounded at 2 s)
  ops/s        a CPU workload (hashing, maps, strings) for --seconds after a warm-up
  cpu_ms       user+system CPU of the whole run (less sensitive to a busy machine than wall time)
  main cpu     CPU of the application's main thread until "ready": what the agent's class-load
               hook costs the application itself, whatever else the machine runs
  per cpu s    workload operations per CPU second of its thread

Prints medians and the ratios with/without (and the median of each round's with/without pair).
Targets: startup +10 % at most, throughput -2 %
at most. Figures only: nothing is asserted. Options: --runs 5 --classes 12000 --seconds 5

--methods PATTERN (e.g. 'pkg:maven/*') adds a third run per round, the agent with method tracing
(TELLTALE_JAVA_METHODS=PATTERN) of the nested jars whose purl matches, and prints its figures
against the runs without the agent and with the agent alone (the probes' cost: rewriting on the
loading threads at start-up, one array check per traced method call afterwards).
"""
import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
NATIVE = os.path.join(ROOT, "interceptor-bundles", "native")
AGENT = os.path.join(ROOT, "interceptor-bundles", "java-agent", "target", "telltale-java-agent.jar")
LIBS = os.path.join(ROOT, "server", "app", "target", "libs")
TT = os.path.join(NATIVE, "build", "glibc", "telltale")


def build_fat(tmp, javac):
    classes = os.path.join(tmp, "classes")
    subprocess.run([javac, "--release", "11", "-d", classes, os.path.join(HERE, "BenchApp.java"),
                    os.path.join(NATIVE, "tests", "e2e", "java", "Launcher.java")], check=True)
    fat = os.path.join(tmp, "bench-app.jar")
    with zipfile.ZipFile(fat, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\nMain-Class: launcher.Launcher\n"
                                           "Start-Class: app.BenchApp\n")
        for root, _, files in os.walk(classes):
            for f in files:
                full = os.path.join(root, f)
                rel = os.path.relpath(full, classes)
                z.write(full, rel if rel.startswith("launcher/") else "BOOT-INF/classes/" + rel)
        jars = sorted(f for f in os.listdir(LIBS) if f.endswith(".jar"))
        for j in jars:
            z.write(os.path.join(LIBS, j), "BOOT-INF/lib/" + j, compress_type=zipfile.ZIP_STORED)
    return fat, len(jars)


def once(java, fat, spool, agent, args, cache, methods=None):
    env = dict(os.environ, TELLTALE_JAVA_AGENT="1" if agent else "0", TELLTALE_JAVA_AGENT_JAR=AGENT,
               TELLTALE_CACHE_DIR=cache)
    env.pop("JAVA_TOOL_OPTIONS", None)
    env.pop("TELLTALE_JAVA_METHODS", None)
    if methods:
        env["TELLTALE_JAVA_METHODS"] = methods
    cmd = [TT, "run", "--portal", "127.0.0.1:1", "--token", "bench", "--spool", spool, "-a", "bench", "-c",
           "java-agent", "-V", "1", "--", java, "-jar", fat, str(args.classes), str(args.warmup * 1000),
           str(args.seconds * 1000)]
    cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    ready = p.stdout.readline()
    t_ready = time.monotonic()
    rest = p.stdout.read()
    p.wait()
    t_end = time.monotonic()
    cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_ms = (cpu1.ru_utime + cpu1.ru_stime - cpu0.ru_utime - cpu0.ru_stime) * 1000
    if not ready.startswith(b"ready") or b"ops " not in rest:
        raise RuntimeError("benchmark application failed: %r %r" % (ready, rest))
    ops_line = rest.split(b"ops ")[1].split()
    ops, work_cpu_ms = int(ops_line[0]), max(1, int(ops_line[1]))
    return {"startup_ms": (t_ready - t0) * 1000, "exit_ms": (t_end - t_ready) * 1000 - (args.warmup + args.seconds) * 1000,
            "ops_s": ops / args.seconds, "classes": int(ready.split()[1]), "cpu_ms": cpu_ms,
            "main_cpu_ms": int(ready.split()[2]), "ops_cpu_s": ops * 1000.0 / work_cpu_ms}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--classes", type=int, default=12000)
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--methods", metavar="PATTERN", help="also run with method tracing of these purls, e.g. 'pkg:maven/*'")
    args = ap.parse_args()
    jdk = os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64")
    java = os.path.join(jdk, "bin", "java")
    for f, how in ((TT, "make -C interceptor-bundles/native all"), (AGENT, "mvn -pl interceptor-bundles/java-agent package"),
                   (LIBS, "mvn -pl server/app -am package -DskipTests")):
        if not os.path.exists(f):
            print("missing %s: run %s" % (f, how), file=sys.stderr)
            return 2
    tmp = tempfile.mkdtemp(prefix="tt-java-bench-")
    try:
        fat, njars = build_fat(tmp, os.path.join(jdk, "bin", "javac"))
        print("java-agent benchmark: %s, fat jar of %d nested jars (%.0f MB), %d runs each, alternating" %
              (subprocess.run([java, "-version"], capture_output=True, text=True).stderr.splitlines()[0], njars,
               os.path.getsize(fat) / 1e6, args.runs), flush=True)
        res = {False: [], True: [], "methods": []}
        modes = [(False, None, "without agent"), (True, None, "with agent")]
        if args.methods:
            modes.append(("methods", args.methods, "with tracing"))
        cache = os.path.join(tmp, "cache")  # private and empty: the first run with the agent hashes, later ones reuse
        os.makedirs(cache, mode=0o700)
        once(java, fat, os.path.join(tmp, "spool"), False, args, cache)  # warm the page cache
        for i in range(args.runs):
            for agent, methods, label in modes:
                r = once(java, fat, os.path.join(tmp, "spool-%d-%s" % (i, agent)), bool(agent), args, cache, methods)
                res[agent].append(r)
                print("  run %d %-13s startup %6.0f ms (main thread cpu %5d ms)  exit %5.0f ms  %9.0f ops/s"
                      " (%9.0f per cpu s)  process cpu %6.0f ms  (%d classes)" %
                      (i + 1, label, r["startup_ms"], r["main_cpu_ms"],
                       r["exit_ms"], r["ops_s"], r["ops_cpu_s"], r["cpu_ms"], r["classes"]), flush=True)

        def med(agent, k):
            return statistics.median(r[k] for r in res[agent])
        s0, s1 = med(False, "startup_ms"), med(True, "startup_ms")
        t0, t1 = med(False, "ops_s"), med(True, "ops_s")
        e0, e1 = med(False, "exit_ms"), med(True, "exit_ms")
        print("startup_ms_without %.0f" % s0)
        print("startup_ms_with %.0f   (run 1, hashing every jar: %.0f; later runs reuse the hash cache)" %
              (s1, res[True][0]["startup_ms"]))
        print("startup_overhead_pct %.1f   (target <= 10)" % ((s1 / s0 - 1) * 100))
        print("exit_ms_without %.0f" % e0)
        print("exit_ms_with %.0f" % e1)
        print("throughput_ops_s_without %.0f" % t0)
        print("throughput_ops_s_with %.0f" % t1)
        print("throughput_ratio %.3f   (target >= 0.98)" % (t1 / t0))
        # Each round's pair ran back to back, so its ratio cancels the machine's drift between rounds;
        # what is left is mostly each JVM's own JIT outcome.
        pairs = sorted(w["ops_s"] / wo["ops_s"] for wo, w in zip(res[False], res[True]))
        paired = statistics.median(pairs)
        print("throughput_ratio_paired_median %.3f   (per round: %s)" % (paired, " ".join("%.3f" % p for p in pairs)))
        m0, m1 = med(False, "main_cpu_ms"), med(True, "main_cpu_ms")
        print("startup_main_thread_cpu_ms_without %.0f" % m0)
        print("startup_main_thread_cpu_ms_with %.0f" % m1)
        print("startup_main_thread_cpu_overhead_pct %.1f   (what the agent adds on the application's own thread)" %
              ((m1 / m0 - 1) * 100))
        p0, p1 = med(False, "ops_cpu_s"), med(True, "ops_cpu_s")
        print("throughput_per_cpu_ratio %.3f   (ops per CPU second of the workload thread)" % (p1 / p0))
        c0, c1 = med(False, "cpu_ms"), med(True, "cpu_ms")
        print("process_cpu_ms_without %.0f" % c0)
        print("process_cpu_ms_with %.0f   (whole run: start-up, workload, exit)" % c1)
        print("java-agent startup_overhead_pct=%.1f startup_main_cpu_overhead_pct=%.1f throughput_ratio=%.3f "
              "throughput_per_cpu_ratio=%.3f agent_cpu_ms=%.0f throughput_ratio_paired=%.3f" %
              ((s1 / s0 - 1) * 100, (m1 / m0 - 1) * 100, t1 / t0, p1 / p0, c1 - c0, paired))
        if args.methods:
            s2, m2, t2 = med("methods", "startup_ms"), med("methods", "main_cpu_ms"), med("methods", "ops_s")
            p2, c2 = med("methods", "ops_cpu_s"), med("methods", "cpu_ms")
            print("tracing %s" % args.methods)
            print("startup_ms_with_tracing %.0f   (vs agent alone %+.1f %%, vs without %+.1f %%)" %
                  (s2, (s2 / s1 - 1) * 100, (s2 / s0 - 1) * 100))
            print("startup_main_thread_cpu_ms_with_tracing %.0f   (vs agent alone %+.1f %%: rewriting on the loading thread)" %
                  (m2, (m2 / m1 - 1) * 100))
            print("throughput_ops_s_with_tracing %.0f   (ratio vs agent alone %.3f, vs without %.3f)" %
                  (t2, t2 / t1, t2 / t0))
            print("throughput_per_cpu_ratio_tracing %.3f   (vs agent alone)" % (p2 / p1))
            print("process_cpu_ms_with_tracing %.0f" % c2)
            print("java-agent-methods startup_overhead_pct=%.1f startup_main_cpu_overhead_pct=%.1f throughput_ratio=%.3f "
                  "throughput_per_cpu_ratio=%.3f   (tracing vs agent alone)" %
                  ((s2 / s1 - 1) * 100, (m2 / m1 - 1) * 100, t2 / t1, p2 / p1))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
