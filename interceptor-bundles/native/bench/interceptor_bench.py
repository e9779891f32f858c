#!/usr/bin/env python3
"""bin/telltale-bench interceptor: the cost of the interceptor, measured in one run.

1. Micro-benchmark (tests/interceptor/bench.c): open+close of a file with and without the
   interceptor recording (one file event per iteration) into a shared-memory ring drained as
   the forwarder does, CPU time of the calling thread, best of 5 rounds.
2. Real workloads with and without `telltale run` (events spooled locally; the appliance is not
   involved): a compile job (gcc on a few hundred lines: several processes, hundreds of
   opens) and a tar of /usr/include into a file (about 9,000 opens), alternating, 7 rounds, medians; and
   python3 -m http.server answering 1,500 requests, 5 alternating rounds each.

Last line: interceptor ns_per_call_native=… ns_per_call_intercepted=… added_ns=…
workload_ratio=…  (workload_ratio = instrumented time / plain time, geometric mean of the jobs)
"""
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

NATIVE = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
BUILD = os.environ.get("BUILD", os.path.join(NATIVE, "build"))
TT = os.path.join(BUILD, "glibc", "telltale")
LIB = os.path.join(BUILD, "glibc", "libtelltale.so")


def micro():
    out = subprocess.run([os.path.join(BUILD, "bench", "icpt_bench"), LIB, "200000"], capture_output=True, text=True,
                         check=True).stdout
    print(out.strip(), flush=True)
    rows = {}
    for line in out.splitlines():
        m = re.match(r"(.+?)\s{2,}(\d+)\s+(\d+)\s", line)
        if m:
            rows[m.group(1).strip()] = (int(m.group(2)), int(m.group(3)))
    return rows["no interceptor"][0], rows["interceptor recording"][0]


def timed(cmd, env=None, cwd=None):
    # Every timed run starts with no dirty data of the previous one: the tar job leaves 131 MB
    # of archive to write back, and whichever run came next (plain or instrumented) paid for it,
    # the instrumented one more, as its spool's fdatasync waits on the file system's journal.
    os.sync()
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=cwd)
    return time.perf_counter() - t0


def serve(tmp, wrap, requests=1500):
    """Seconds to answer `requests` GETs from python3 -m http.server (the server only is observed)."""
    import socket
    import urllib.request
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    www = os.path.join(tmp, "www")
    os.makedirs(www, exist_ok=True)
    with open(os.path.join(www, "index.html"), "w") as f:
        f.write("x" * 2048)
    server = subprocess.Popen(wrap + [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"], cwd=www,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 20
        while True:
            try:
                urllib.request.urlopen("http://127.0.0.1:%d/index.html" % port, timeout=2).read()
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.05)
        t0 = time.perf_counter()
        for i in range(requests):
            urllib.request.urlopen("http://127.0.0.1:%d/index.html?n=%d" % (port, i % 50), timeout=5).read()
        return time.perf_counter() - t0
    finally:
        server.terminate()
        server.wait(10)


def workload(tmp):
    src = os.path.join(tmp, "w.c")
    with open(src, "w") as f:
        f.write("#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n")
        for i in range(300):
            f.write("int f%d(int x){char b[32];snprintf(b,sizeof b,\"%%d\",x);return (int)strlen(b)+x*%d;}\n" % (i, i))
        f.write("int main(void){int s=0;")
        for i in range(300):
            f.write("s+=f%d(%d);" % (i, i))
        f.write("printf(\"%d\\n\",s);return 0;}\n")
    jobs = {
        "gcc": ["gcc", "-O1", "-o", os.path.join(tmp, "w"), src],
        # A real archive file: GNU tar writing to /dev/null skips reading the files (871 opens of
        # directories instead of ~9,000 opens of files and directories here).
        "tar": ["tar", "-cf", os.path.join(tmp, "include.tar"), "/usr/include"],
    }
    spool = os.path.join(tmp, "spool")
    ratios = []
    for name, cmd in jobs.items():
        plain, traced = [], []
        wrapped = [TT, "run", "--portal", "127.0.0.1:9", "--token", "bench", "--spool", spool, "--flush-timeout", "0",
                   "-a", "bench", "-c", name, "--"] + cmd
        timed(cmd)
        timed(wrapped)
        for _ in range(7):
            plain.append(timed(cmd))
            traced.append(timed(wrapped))
            shutil.rmtree(spool, ignore_errors=True)
        p, t = statistics.median(plain), statistics.median(traced)
        ratios.append(t / p)
        print("workload %-4s plain %.3f s, under telltale %.3f s, ratio %.3f" % (name, p, t, t / p), flush=True)
    wrap = [TT, "run", "--portal", "127.0.0.1:9", "--token", "bench", "--spool", spool, "--flush-timeout", "0",
            "-a", "bench", "-c", "http", "--"]
    plain, traced = [], []
    for _ in range(5):  # alternating, like the jobs above: the machine's load drifts
        plain.append(serve(tmp, []))
        traced.append(serve(tmp, wrap))
    p, t = statistics.median(plain), statistics.median(traced)
    ratios.append(t / p)
    print("workload http plain %.3f s, under telltale %.3f s, ratio %.3f (1500 requests)" % (p, t, t / p), flush=True)
    return math.exp(sum(math.log(r) for r in ratios) / len(ratios))


def main():
    for f in (TT, LIB, os.path.join(BUILD, "bench", "icpt_bench")):
        if not os.path.exists(f):
            print("build first: make -C interceptor-bundles/native all (missing %s)" % f, file=sys.stderr)
            return 2
    native, intercepted = micro()
    tmp = tempfile.mkdtemp(prefix="tt-icpt-bench-")
    try:
        ratio = workload(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("interceptor ns_per_call_native=%d ns_per_call_intercepted=%d added_ns=%d workload_ratio=%.3f"
          % (native, intercepted, intercepted - native, ratio))
    return 0


if __name__ == "__main__":
    sys.exit(main())
