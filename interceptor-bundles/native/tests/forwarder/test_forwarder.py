#!/usr/bin/env python3
"""Tests of `telltale` (launcher + forwarder) with real programs and, when the appliance jar
is built (server/app/target/telltale-server.jar), against a real appliance over TLS 1.3.

Launcher: exit codes, death by signal, signals passed through, stdout/stdin untouched,
pipelines, environment of the child, library discovery, nothing printed by the launcher.
End to end: events arrive complete, in sequence order, with their context; bearer values
never reach the spool; interceptor losses become gaps; the appliance unreachable at start,
killed mid-run and restarted: zero events lost; spool full: a spool_full gap; doctor with
good and bad settings; the static musl launcher in an empty chroot.

Prints "N passed, N failed" last. Environment: BUILD (absolute build dir).
"""
import datetime
import hashlib
import hmac
import json
import re
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
NATIVE = os.path.abspath(os.path.join(HERE, "..", ".."))
REPO = os.path.abspath(os.path.join(NATIVE, "..", ".."))
BUILD = os.environ.get("BUILD", os.path.join(NATIVE, "build"))
TT = os.path.join(BUILD, "glibc", "telltale")
TT_MUSL = os.path.join(BUILD, "musl", "telltale")
CHANSEND = os.path.join(HERE, "chansend.py")
CHANBENCH = os.path.join(BUILD, "tests", "chanbench")
JAR = os.path.join(REPO, "server", "app", "target", "telltale-server.jar")
PY = sys.executable

passed = failed = 0
figures = []


def clean_up(*dirs):
    """After a pass, removes this harness's directory (TMP: the appliance's log) and `dirs`; after a
    failure keeps them all for a look and says where."""
    if failed == 0:
        for d in (TMP,) + dirs:
            shutil.rmtree(d, ignore_errors=True)
    else:
        print("kept for a look:", " ".join((TMP,) + dirs))


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("  FAIL:", what, flush=True)
    return cond


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


TMP = tempfile.mkdtemp(prefix="tt-fwd-test-")
# These tests are about the launcher and forwarder alone (records come from chansend.py): the
# interceptor, built beside them, is kept out unless a test asks for it. tests/e2e runs them together.
os.environ["TELLTALE_LIBRARY"] = os.path.join(TMP, "no-interceptor", "libtelltale.so")


def tt(args, spool=None, portal=None, token=None, ca=None, binary=TT, flush=None, **kw):
    cmd = [binary, "run"]
    if spool:
        cmd += ["--spool", spool]
    if portal:
        cmd += ["--portal", portal]
    if token:
        cmd += ["--token", token]
    if ca:
        cmd += ["--ca", ca]
    if flush is not None:
        cmd += ["--flush-timeout", str(flush)]
    return cmd + args


def run(cmd, timeout=60, **kw):
    return subprocess.run(cmd, capture_output=True, timeout=timeout, **kw)


# ---------------------------------------------------------------- launcher tests

DEAD = "127.0.0.1:%d" % free_port()  # nothing listens there


def test_exit_codes():
    sp = os.path.join(TMP, "sp-exit")
    r = run(tt(["true"], spool=sp, portal=DEAD, flush=1))
    check(r.returncode == 0, "true exits 0 (got %d, stderr %r)" % (r.returncode, r.stderr))
    r = run(tt(["sh", "-c", "exit 3"], spool=sp, portal=DEAD, flush=1))
    check(r.returncode == 3, "exit status 3 passed through (got %d)" % r.returncode)
    r = run(tt(["no-such-command-xyz"], spool=sp, portal=DEAD, flush=1))
    check(r.returncode == 127 and b"command not found" in r.stderr, "127 for a missing command: %r" % r.stderr)
    noexec = os.path.join(TMP, "noexec")
    open(noexec, "w").write("x")
    os.chmod(noexec, 0o644)
    r = run(tt([noexec], spool=sp, portal=DEAD, flush=1))
    check(r.returncode == 126, "126 for a non-executable file (got %d)" % r.returncode)
    r = run(tt(["sh", "-c", "kill -TERM $$"], spool=sp, portal=DEAD, flush=1))
    check(r.returncode == -signal.SIGTERM, "dies of the command's signal (got %d)" % r.returncode)
    r = run(tt(["sh", "-c", "kill -SEGV $$"], spool=sp, portal=DEAD, flush=1))
    check(r.returncode == -signal.SIGSEGV, "SIGSEGV re-raised (got %d)" % r.returncode)
    r = run([TT, "run", "--", ], timeout=10)
    check(r.returncode == 2, "usage error without a command")
    r = run([TT, "run", "-p", "bad/policy", "--spool", sp, "--portal", DEAD, "--", "true"], timeout=10)
    check(r.returncode == 2 and b"invalid policy name" in r.stderr, "a policy name with '/' is refused: %r" % r.stderr)
    r = run([TT, "run", "-p", "Max Alert", "--spool", sp, "--portal", DEAD, "--flush-timeout", "1", "--", "true"],
            timeout=30)
    check(r.returncode == 0, "a policy name with a space is accepted (got %d, %r)" % (r.returncode, r.stderr))


def test_stdio_untouched():
    sp = os.path.join(TMP, "sp-stdio")
    direct = run(["seq", "1", "200000"]).stdout
    r = run(tt(["seq", "1", "200000"], spool=sp, portal=DEAD, flush=1))
    check(r.stdout == direct, "stdout byte for byte")
    check(r.stderr == b"", "the launcher prints nothing: %r" % r.stderr[:200])
    r = run(tt(["bash", "-c", "seq 1 1000 | sort -rn | head -3; echo err >&2"], spool=sp, portal=DEAD, flush=1))
    check(r.stdout == b"1000\n999\n998\n" and r.stderr == b"err\n", "bash pipeline: %r %r" % (r.stdout, r.stderr))
    r = run(tt(["cat"], spool=sp, portal=DEAD, flush=1), input=b"hello through stdin\n")
    check(r.stdout == b"hello through stdin\n", "stdin reaches the command")
    r = run(tt(["--disable-stack-traces", "-t", "team=blue", "-t", "env=ci", "--", "sh", "-c",
                'echo "$TELLTALE_CHANNEL|$TELLTALE_STACKS|$LD_PRELOAD|$TELLTALE_TAGS"'], spool=sp, portal=DEAD, flush=1),
            env=dict(os.environ, LD_PRELOAD=""))
    out = r.stdout.decode().strip().split("|")
    check(len(out) == 4 and out[0].startswith("@telltale-") and out[1] == "0" and out[2] == "" and
          out[3] == "team=blue,env=ci", "child environment: %r" % out)
    log = open(os.path.join(sp, "forwarder.log")).read()
    check("libtelltale.so" in log and "not found" in log, "log says the library is missing")


def test_library_discovery():
    # A bundle layout: bin/telltale and lib/libtelltale.so (an empty shared object).
    root = os.path.join(TMP, "bundle")
    os.makedirs(os.path.join(root, "bin"))
    os.makedirs(os.path.join(root, "lib"))
    shutil.copy(TT, os.path.join(root, "bin", "telltale"))
    src = os.path.join(TMP, "empty.c")
    open(src, "w").write("int tt_placeholder;\n")
    lib = os.path.join(root, "lib", "libtelltale.so")
    subprocess.check_call([os.environ.get("CC", "gcc"), "-shared", "-fPIC", "-o", lib, src])
    sp = os.path.join(TMP, "sp-lib")
    env = dict(os.environ, LD_PRELOAD="/lib/other.so")
    env.pop("TELLTALE_LIBRARY")
    r = run([os.path.join(root, "bin", "telltale"), "run", "--spool", sp, "--portal", DEAD, "--flush-timeout", "1",
             "--", "sh", "-c", 'echo "$LD_PRELOAD"'], env=env)
    check(r.stdout.decode().strip() == lib + " /lib/other.so", "LD_PRELOAD prepended: %r" % r.stdout)


def test_signals_passed():
    sp = os.path.join(TMP, "sp-sig")
    script = ('trap "echo got-usr1" USR1; trap "echo got-hup" HUP; trap "echo got-term; exit 42" TERM; '
              'echo ready; while :; do sleep 0.05; done')
    p = subprocess.Popen(tt(["sh", "-c", script], spool=sp, portal=DEAD, flush=1), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, start_new_session=True)
    line = p.stdout.readline()
    check(line == b"ready\n", "child started")
    for sig in (signal.SIGUSR1, signal.SIGHUP):
        os.kill(p.pid, sig)
        time.sleep(0.3)
    os.kill(p.pid, signal.SIGTERM)
    out, err = p.communicate(timeout=20)
    check(b"got-usr1" in out and b"got-hup" in out and b"got-term" in out, "signals reached the child: %r" % out)
    check(p.returncode == 42, "exit status after SIGTERM (got %d)" % p.returncode)


def test_terminal():
    """^C on a terminal reaches the command once (the kernel signals the foreground group; the
    launcher does not pass it on again), and the command keeps the terminal."""
    import pty
    sp = os.path.join(TMP, "sp-tty")
    script = 'trap "echo got-int" INT; tty -s && echo has-tty; echo ready; sleep 5; echo after; exit 7'
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(TT, [TT, "run", "--spool", sp, "--portal", DEAD, "--flush-timeout", "1", "--", "sh", "-c", script])
    out = b""
    deadline = time.time() + 10
    while b"ready" not in out and time.time() < deadline:
        out += os.read(fd, 1024)
    os.write(fd, b"\x03")
    while time.time() < deadline:
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    check(b"has-tty" in out, "the command has the terminal: %r" % out)
    check(out.count(b"got-int") == 1 and b"after" in out, "^C delivered exactly once: %r" % out)
    check(os.WIFEXITED(status) and os.WEXITSTATUS(status) == 7, "exit status after ^C: %r" % status)


def test_ring_channel():
    """The shared-memory ring (decision 18): named in the child's environment, used by the
    interceptor for whole process trees (fork and exec), the socket for a program that closed
    it before exec; TELLTALE_RING_BYTES=0 or a bad size: socket only."""
    lib = os.path.join(BUILD, "glibc", "libtelltale.so")
    env = dict(os.environ, TELLTALE_LIBRARY=lib)
    sp = os.path.join(TMP, "sp-ring")
    r = run(tt(["sh", "-c", 'echo "$TELLTALE_RING"'], spool=sp, portal=DEAD, flush=0), env=env)
    check(re.match(r"^\d+:[0-9a-f]+$", r.stdout.decode().strip()) is not None,
          "TELLTALE_RING in the child: %r" % r.stdout)
    for bad in ("0", "12345"):
        r = run(tt(["sh", "-c", 'echo "[$TELLTALE_RING]"'], spool=sp, portal=DEAD, flush=0),
                env=dict(env, TELLTALE_RING_BYTES=bad))
        check(r.stdout.decode().strip() == "[]", "TELLTALE_RING_BYTES=%s: no ring (%r)" % (bad, r.stdout))
    if not os.path.exists(lib):
        return
    sp = os.path.join(TMP, "sp-ring2")
    # fork + exec children on the ring; then the shell closes the ring and its next child uses
    # the socket; every record arrives either way, none lost
    script = ('for i in 1 2 3; do cat /etc/hostname >/dev/null; done; (cat /etc/hostname >/dev/null); '
              'fd=${TELLTALE_RING%%:*}; eval "exec $fd>&-"; cat /etc/hostname >/dev/null')
    r = run(tt(["bash", "-c", script], spool=sp, portal=DEAD, flush=0), env=env)
    check(r.returncode == 0, "ring run exits 0 (%r)" % r.stderr)
    log = open(os.path.join(sp, "forwarder.log")).read()
    m = re.search(r"ring: (\d+) records, (\d+) given up .*?, (\d+) refused", log)
    d = re.search(r"forwarder done: (\d+) records received.*?(\d+) reported lost", log)
    check(m is not None and int(m.group(1)) > 20 and m.group(2) == "0" and m.group(3) == "0",
          "records through the ring: %s" % (m.group(0) if m else log[-400:]))
    check(d is not None and m is not None and int(d.group(1)) > int(m.group(1)) and d.group(2) == "0",
          "the child after the ring was closed used the socket, nothing lost: %s" % (d.group(0) if d else ""))


def test_fast_exit_when_unreachable():
    sp = os.path.join(TMP, "sp-fast")
    t0 = time.time()
    r = run(tt([PY, CHANSEND, "--tag", "fast", "--events", "100"], spool=sp, portal=DEAD, flush=5))
    dt = time.time() - t0
    check(r.returncode == 0 and dt < 4, "exits promptly when the appliance is unreachable (%.1f s)" % dt)
    segs = [f for f in os.listdir(sp) if f.startswith("seg-")]
    size = sum(os.path.getsize(os.path.join(sp, f)) for f in segs)
    check(size > 100 * 100, "events stay in the spool (%d bytes)" % size)


def test_offline_spool_syncs_seldom():
    """With the appliance unreachable nothing ships, so syncs only guard against a power loss:
    about one a second while records arrive, none at exit (docs/decisions/0032). The next run
    still finds every record and numbers on after them."""
    sp = os.path.join(TMP, "sp-seldom")  # not sp-offline: the end-to-end test counts what that one holds
    ca = os.path.join(TMP, "offline-ca")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", ca + ".key", "-out", ca + ".crt", "-subj", "/CN=offline", "-days", "2"],
                   capture_output=True, check=True)
    # a complete configuration, so the shipper really tries the address and finds nobody there
    r = run(tt([PY, CHANSEND, "--tag", "seldom", "--events", "300", "--rate", "200"], spool=sp, portal=DEAD,
               token="tt_run_offline", ca=ca + ".crt", flush=5))
    check(r.returncode == 0, "offline run exits 0 (%r)" % r.stderr)
    log = open(os.path.join(sp, "forwarder.log")).read()
    d = re.search(r"forwarder done: .*?(\d+) events spooled.*?(\d+) fdatasyncs", log)
    check(d is not None and int(d.group(1)) >= 300 and int(d.group(2)) <= 4,
          "1.5 s of records offline, a few syncs (every 50 ms would be about 30): %s" % (d.group(0) if d else log[-400:]))
    r = run(tt([PY, CHANSEND, "--tag", "seldom2", "--events", "1"], spool=sp, portal=DEAD, flush=5))
    log = open(os.path.join(sp, "forwarder.log")).read()
    opened = re.findall(r"spool: .* holds \d+ segment\(s\), (\d+) bytes; next seq (\d+)", log)
    check(r.returncode == 0 and len(opened) >= 2 and int(opened[-1][1]) > int(d.group(1) if d else 0),
          "the next run numbers on after the unsynced records: %s" % (opened[-1:] if opened else log[-400:]))


# ---------------------------------------------------------------- appliance

class Appliance:
    def __init__(self):
        self.data = os.path.join(TMP, "appliance")
        self.https = free_port()
        self.ingest = free_port()
        self.proc = None
        self.password = "Fwd-test-pass-1"
        self.token = None

    @property
    def ca(self):
        return os.path.join(self.data, "tls", "ca.crt")

    @property
    def portal(self):
        return "localhost:%d" % self.ingest

    def start(self):
        java = os.path.join(os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64"), "bin", "java")
        if not os.path.exists(java):
            java = "java"
        env = dict(os.environ, TELLTALE_ADMIN_PASSWORD=self.password)
        self.log = open(os.path.join(TMP, "appliance.log"), "ab")
        self.proc = subprocess.Popen([java, "-Xmx512m", "-jar", JAR, "--data", self.data, "--https-port",
                                      str(self.https), "--ingest-port", str(self.ingest)],
                                     stdout=subprocess.PIPE, stderr=self.log, env=env)
        deadline = time.time() + 90
        lines = []

        def reader():
            for l in self.proc.stdout:
                lines.append(l)
                self.log.write(l)
                self.log.flush()
        threading.Thread(target=reader, daemon=True).start()
        while time.time() < deadline:
            if any(b"Agents send to" in l for l in lines):
                return
            if self.proc.poll() is not None:
                raise RuntimeError("appliance exited: see %s/appliance.log" % TMP)
            time.sleep(0.1)
        raise RuntimeError("appliance did not start")

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    def _ctx(self):
        return ssl.create_default_context(cafile=self.ca)

    def request(self, method, path, body=None, params=None):
        url = "https://localhost:%d%s" % (self.https, path)
        if params:
            url += "?" + urllib.parse.urlencode(params)
        headers = {"Content-Type": "application/json"}
        if self.token and not path.endswith("/auth/token"):
            headers["Authorization"] = "Bearer " + self.token
        req = urllib.request.Request(url, data=json.dumps(body).encode() if body is not None else None,
                                     headers=headers, method=method)
        with urllib.request.urlopen(req, context=self._ctx(), timeout=30) as resp:
            return json.loads(resp.read())

    def login(self):
        self.token = self.request("POST", "/api/v1/auth/token",
                                  {"username": "admin", "password": self.password})["access_token"]

    def run_token(self, name):
        self.login()
        return self.request("POST", "/api/v1/run-tokens", {"name": name})["token"]

    def events(self, q, expect=None, wait=10):
        """All events matching q (paged). With expect, retries until that many are visible."""
        deadline = time.time() + wait
        while True:
            self.login()
            out, after = [], None
            while True:
                params = {"q": q, "limit": 1000, "from": "now-1d"}
                if after:
                    params["after"] = after
                page = self.request("GET", "/api/v1/events", params=params)
                out += page["events"]
                after = page.get("next")
                if not after:
                    break
            if expect is None or len(out) >= expect or time.time() > deadline:
                return out
            time.sleep(0.5)


def expected_hash(run_token, value):
    key = hashlib.sha256(b"telltale bearer v1" + run_token.encode()).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:32]


def spool_bytes_contain(spool, needle):
    for root, _, files in os.walk(spool):
        for f in files:
            if needle in open(os.path.join(root, f), "rb").read():
                return True
    return False


def e2e(app):
    token = app.run_token("forwarder-tests")
    common = dict(portal=app.portal, token=token, ca=app.ca)

    # -- delivery, order, context
    sp = os.path.join(TMP, "sp-e2e")
    bearer = "sekret-bearer-value-0123456789"
    r = run(tt(["-a", "shop", "-c", "checkout", "-V", "1.2.3", "--", PY, CHANSEND, "--tag", "order", "--events",
                "2000", "--bearer", bearer, "--env", "DB_PASSWORD=hunter2hunter2", "--lost", "5", "--garbage"],
               spool=sp, flush=30, **common))
    check(r.returncode == 0, "run with the appliance: rc %d %r" % (r.returncode, r.stderr))
    log = open(os.path.join(sp, "forwarder.log")).read()
    check("everything acknowledged" in log, "all acknowledged before exit")
    evs = app.events("path:\"/tt-test/order/*\" OR path:/tt-test/order/*", expect=2000)
    evs = [e for e in evs if e["fields"].get("path", "").startswith("/tt-test/order/")]
    check(len(evs) == 2000, "2000 events arrived (%d)" % len(evs))
    evs.sort(key=lambda e: e["seq"])
    idx = [int(e["fields"]["path"].rsplit("/", 1)[1]) for e in evs]
    check(idx == list(range(2000)), "sequence order is sending order")
    seqs = [e["seq"] for e in evs]
    check(seqs == list(range(seqs[0], seqs[0] + 2000)), "consecutive sequence numbers")
    e0 = evs[0]
    check(e0["app"] == "shop" and e0["component"] == "checkout" and e0["version"] == "1.2.3" and e0["pid"] > 0 and
          e0.get("stack"), "context stamped: %s" % json.dumps(e0)[:300])
    inst = e0["agent_instance"]
    check(open(os.path.join(sp, "instance")).read().strip() == inst, "agent instance from the spool")
    t = [datetime.datetime.fromisoformat(e["time"].replace("Z", "+00:00")) for e in evs]
    check(t == sorted(t) and abs((t[0] - datetime.datetime.now(datetime.timezone.utc)).total_seconds()) < 120,
          "event times restored from base_time + dt")
    agent = e0["agent"]

    b = app.events("type:bearer_token AND agent:%d" % agent, expect=1)
    check(len(b) == 1 and b[0]["fields"].get("token_hash") == expected_hash(token, bearer) and
          b[0]["fields"].get("token_masked", "").startswith("sekr") and "value" not in b[0]["fields"],
          "bearer hashed by the forwarder: %s" % (b[0]["fields"] if b else None))
    check(not spool_bytes_contain(sp, bearer.encode()), "bearer value never in the spool")
    check(not spool_bytes_contain(sp, b"hunter2hunter2"), "secret environment value never in the spool")
    ps = app.events("type:process_start AND agent:%d" % agent, expect=1)
    env = {v["name"]: v for v in ps[0]["fields"].get("env", [])} if ps else {}
    check("DB_PASSWORD" in env and env["DB_PASSWORD"].get("masked") and "hunter2" not in json.dumps(env),
          "environment secret masked: %s" % env.get("DB_PASSWORD"))
    gaps = app.events("type:gap AND agent:%d" % agent, expect=2)
    reasons = sorted(g["fields"]["reason"] for g in gaps)
    check(reasons == ["channel_malformed", "interceptor_overflow"], "loss declared as gaps: %s" % reasons)
    ov = [g for g in gaps if g["fields"]["reason"] == "interceptor_overflow"]
    check(ov and ov[0]["fields"]["to_seq"] - ov[0]["fields"]["from_seq"] + 1 == 5, "overflow gap covers 5 seqs")
    he = app.events("type:host_env AND agent:%d" % agent, expect=1)
    pk = he[0]["fields"].get("packages", []) if he else []
    check(he and (len(pk) > 10 or not os.path.exists("/var/lib/dpkg/status")), "host_env with %d packages" % len(pk))
    check(any(p.get("license") for p in pk) or not pk, "licences from copyright files")
    libc = [p for p in pk if p.get("name") == "libc6"]
    libc_files = libc[0].get("files", []) if libc else []
    check(not libc or any(f.endswith("/libc.so.6") for f in libc_files), "libc6 with its libraries: %s" % libc_files)
    # OS packages list only loadable files; Python and Node packages list what they install
    # at the top (DIR/, MODULE.py: docs/interceptor.md, "Python and Node packages")
    check(all(".so" in f for p in pk if p.get("manager") not in ("pypi", "npm") for f in p.get("files", [])),
          "only loadable files in the OS packages' file lists")
    cov = app.events("api:\"telltale.coverage\" AND agent:%d" % agent, expect=1)
    check(len(cov) == 1, "coverage event for the missing interceptor")

    # -- musl launcher ships too
    sp_m = os.path.join(TMP, "sp-musl")
    r = run(tt([PY, CHANSEND, "--tag", "musl", "--events", "300"], spool=sp_m, flush=30, binary=TT_MUSL, **common))
    check(r.returncode == 0, "musl launcher run")
    check(len(app.events("path:/tt-test/musl/*", expect=300)) == 300, "musl launcher delivered 300 events")

    # -- apk database (an Alpine tree stands in for the host through TELLTALE_HOSTENV_ROOT)
    fake = os.path.join(TMP, "alpine-root")
    os.makedirs(os.path.join(fake, "lib", "apk", "db"))
    open(os.path.join(fake, "lib", "apk", "db", "installed"), "w").write(
        "C:Q1abc=\nP:musl\nV:1.2.4-r2\nA:x86_64\nL:MIT\no:musl\n\n"
        "C:Q1def=\nP:busybox\nV:1.36.1-r5\nA:x86_64\nL:GPL-2.0-only\no:busybox\n\n")
    sp_apk = os.path.join(TMP, "sp-apk")
    r = run(tt(["-a", "alpine", "--", "true"], spool=sp_apk, flush=20, **common),
            env=dict(os.environ, TELLTALE_HOSTENV_ROOT=fake))
    he = app.events("type:host_env AND app:alpine", expect=1, wait=30)
    pk = he[0]["fields"].get("packages", []) if he else []
    check([(p["name"], p.get("version"), p.get("license"), p.get("manager")) for p in pk] ==
          [("musl", "1.2.4-r2", "MIT", "apk"), ("busybox", "1.36.1-r5", "GPL-2.0-only", "apk")],
          "apk packages with licences: %s" % pk)

    # -- the forwarder itself killed -9 mid-run: the next run resends what was durable, without
    #    holes or duplicates (only the last few ms not yet fdatasync'd can be missing, at the tail)
    sp_k = os.path.join(TMP, "sp-kill9")
    p = subprocess.Popen(tt(["-a", "kill9", "--", PY, CHANSEND, "--tag", "kill9", "--events", "3000", "--rate",
                             "1000"], spool=sp_k, flush=20, **common), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    time.sleep(1.5)
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    time.sleep(0.5)
    r = run(tt(["-a", "kill9", "--", "true"], spool=sp_k, flush=20, **common))
    evs = app.events("path:/tt-test/kill9/*", expect=1000)
    idx = sorted(int(e["fields"]["path"].rsplit("/", 1)[1]) for e in evs)
    check(len(idx) > 500 and idx == list(range(len(idx))),
          "after kill -9 of the forwarder: %d events, a gap-free prefix, no duplicates" % len(idx))

    test_chroot(app, token)
    test_doctor(app, token)
    test_throughput(app, token)

    # -- the appliance goes away
    app.kill()
    sp_off = os.path.join(TMP, "sp-offline")
    r = run(tt([PY, CHANSEND, "--tag", "offline", "--events", "1000"], spool=sp_off, flush=5, **common))
    check(r.returncode == 0, "run while the appliance is down")
    sp_full = os.path.join(TMP, "sp-full")
    r = run(tt(["--spool-bytes", "65536", "--", PY, CHANSEND, "--tag", "full", "--events", "3000"], spool=sp_full,
               flush=1, **common))
    check(r.returncode == 0, "run with a tiny spool")
    # A long run that starts while the appliance is down, sees it come back, then killed and back again.
    sp_mid = os.path.join(TMP, "sp-midrun")
    hold = os.path.join(TMP, "hold-midrun")
    open(hold, "w").close()
    mid = subprocess.Popen(tt(["-a", "mid", "--", PY, CHANSEND, "--tag", "midrun", "--events", "3000", "--rate",
                               "150", "--hold", hold], spool=sp_mid, flush=60, **common), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
    time.sleep(2)
    app.start()
    t_up = time.time()
    seen = 0
    while time.time() - t_up < 40:
        seen = len(app.events("path:/tt-test/midrun/*"))
        if seen > 0:
            break
        time.sleep(0.5)
    check(seen > 0 and mid.poll() is None, "a still-running forwarder delivers once the appliance is back (%d)" % seen)
    time.sleep(1)
    app.kill()  # mid-run, with batches in flight
    time.sleep(1.5)
    app.start()
    os.unlink(hold)
    out, err = mid.communicate(timeout=120)
    check(mid.returncode == 0, "mid-run command finished")
    evs = app.events("path:/tt-test/midrun/*", expect=3000, wait=20)
    paths = [e["fields"]["path"] for e in evs]
    check(len(paths) == 3000 and len(set(paths)) == 3000,
          "appliance killed mid-run: 3000 events, each once (%d, %d distinct)" % (len(paths), len(set(paths))))

    # The next run of the same spool delivers what the offline run left.
    r = run(tt(["true"], spool=sp_off, flush=30, **common))
    evs = app.events("path:/tt-test/offline/*", expect=1000)
    check(len(evs) == 1000, "spooled while unreachable, delivered by the next run (%d)" % len(evs))
    segs = [f for f in os.listdir(sp_off) if f.startswith("seg-")]
    check(len(segs) == 1, "acknowledged segments deleted (%s)" % segs)

    r = run(tt(["true"], spool=sp_full, flush=30, **common))
    kept = app.events("path:/tt-test/full/*", expect=1)
    gaps = app.events("type:gap AND reason:spool_full AND agent:%d" % kept[0]["agent"], expect=1) if kept else []
    dropped = sum(g["fields"]["to_seq"] - g["fields"]["from_seq"] + 1 for g in gaps)
    # Both runs of this spool sent a host_env; one over 100 KB (a host's packages with their file
    # lists) does not fit the first run's 64 KiB spool, and its sequence number is in the gaps too.
    he_kept = app.events("type:host_env AND agent:%d" % kept[0]["agent"], expect=2, wait=3) if kept else []
    sent = 3000 + 2 - len(he_kept)
    check(gaps and 0 < len(kept) < 3000 and len(kept) + dropped == sent,
          "spool full: %d kept + %d in spool_full gaps = %d" % (len(kept), dropped, sent))


def test_chroot(app, token):
    """The static musl launcher needs no libc at all: run it in an empty root."""
    if os.geteuid() != 0:
        print("  (skipped chroot test: not root)")
        return
    root = os.path.join(TMP, "chroot")
    os.makedirs(os.path.join(root, "etc"))
    shutil.copy(TT_MUSL, os.path.join(root, "telltale"))
    shutil.copy(app.ca, os.path.join(root, "ca.crt"))
    open(os.path.join(root, "etc", "hosts"), "w").write("127.0.0.1 localhost\n")
    r = run(["chroot", root, "/telltale", "run", "-a", "chrooted", "--portal", "127.0.0.1:%d" % app.ingest,
             "--token", token, "--ca", "/ca.crt", "--spool", "/spool", "--flush-timeout", "20", "--",
             "/telltale", "version"])
    check(r.returncode == 0 and b"musl build, static" in r.stdout, "musl launcher runs in an empty chroot: %r %r"
          % (r.stdout, r.stderr))
    evs = app.events("app:chrooted AND type:api", expect=1)
    check(len(evs) >= 1, "events shipped from the empty chroot")
    r = run(["chroot", root, "/telltale", "doctor", "--portal", "localhost:%d" % app.ingest, "--token", token,
             "--ca", "/ca.crt"])
    check(r.returncode == 0 and b"WELCOME" in r.stdout, "doctor in the chroot (name from /etc/hosts): %r" % r.stdout)


def test_doctor(app, token):
    r = run([TT, "doctor", "--portal", app.portal, "--token", token, "--ca", app.ca])
    out = r.stdout.decode()
    check(r.returncode == 0 and "WELCOME" in out and "TLSv1.3" in out and "ALL GOOD" in out, "doctor good:\n" + out)
    check("libc" in out and "interceptor" in out, "doctor reports libc and interceptor")
    r = run([TT, "doctor", "--portal", app.portal, "--token", "tt_run_wrong", "--ca", app.ca])
    check(r.returncode == 1 and b"AUTH_FAILED" in r.stdout, "doctor bad token: %r" % r.stdout[-300:])
    other = os.path.join(TMP, "other-ca")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", other + ".key", "-out", other + ".crt", "-subj", "/CN=other", "-days", "2"],
                   capture_output=True, check=True)
    r = run([TT, "doctor", "--portal", app.portal, "--token", token, "--ca", other + ".crt"])
    check(r.returncode == 1 and b"not trusted" in r.stdout, "doctor wrong CA: %r" % r.stdout[-300:])
    r = run([TT, "doctor", "--portal", DEAD, "--token", token, "--ca", app.ca])
    check(r.returncode == 1 and b"cannot connect" in r.stdout, "doctor unreachable: %r" % r.stdout[-200:])
    r = run([TT, "doctor", "--portal", "127.0.0.2:%d" % app.ingest, "--token", token, "--ca", app.ca])
    check(r.returncode == 1 and (b"not trusted" in r.stdout or b"mismatch" in r.stdout),
          "doctor verifies the address against the certificate: %r" % r.stdout[-300:])
    r = run([TT, "doctor"], env={k: v for k, v in os.environ.items() if not k.startswith("TELLTALE")} | {"HOME": TMP})
    check(r.returncode == 1 and b"no appliance address" in r.stdout, "doctor without settings")
    conf = os.path.join(TMP, "team.conf")
    pem = open(app.ca).read().strip()
    open(conf, "w").write("# generated by the appliance\nportal = %s\ntoken = %s\nca = %s\napp = shop\n"
                          % (app.portal, token, pem))
    r = run([TT, "doctor"], env=dict(os.environ, TELLTALE_CONFIG=conf))
    check(r.returncode == 0 and b"ALL GOOD" in r.stdout, "doctor with a config file (inline CA): %r" % r.stdout)
    open(conf + ".bad", "w").write("portal = %s\nnonsense\n" % app.portal)
    r = run([TT, "doctor", "--config", conf + ".bad"])
    check(r.returncode == 1 and b"FAIL" in r.stdout and b":2:" in r.stdout, "doctor reports a broken config file")


def test_throughput(app, token):
    if not os.path.exists(CHANBENCH):
        return
    sp = os.path.join(TMP, "sp-bench")
    t0 = time.time()
    r = run(tt(["-a", "bench", "--", CHANBENCH, "b1", "2", "50000"], spool=sp, flush=60, portal=app.portal,
               token=token, ca=app.ca), timeout=120)
    dt = time.time() - t0
    log = open(os.path.join(sp, "forwarder.log")).read()
    ok = r.returncode == 0 and "everything acknowledged" in log
    check(ok, "100,000 events through the forwarder, all acknowledged")
    line = [l for l in log.splitlines() if "forwarder done" in l]
    figures.append("throughput: 100,000 events from 2 processes, sent+spooled+shipped+acked in %.2f s = %.0f events/s "
                   "end to end; %s; %s" % (dt, 100000 / dt, r.stderr.decode().strip(),
                                          line[-1].split("INFO ")[-1] if line else ""))


def main():
    tests = [test_exit_codes, test_stdio_untouched, test_library_discovery, test_signals_passed, test_terminal,
             test_ring_channel, test_fast_exit_when_unreachable,
             test_offline_spool_syncs_seldom]
    for t in tests:
        print("--", t.__name__, flush=True)
        try:
            t()
        except Exception:
            check(False, "%s raised:\n%s" % (t.__name__, traceback.format_exc()))
    if os.path.exists(JAR):
        print("-- end to end with a real appliance", flush=True)
        app = Appliance()
        try:
            app.start()
            e2e(app)
        except Exception:
            check(False, "end to end raised:\n%s" % traceback.format_exc())
        finally:
            app.stop()
    elif os.environ.get("TELLTALE_REQUIRE_E2E") == "1":
        check(False, "end to end required (TELLTALE_REQUIRE_E2E=1) but %s is not built" % JAR)
    else:
        print("-- end to end SKIPPED: build the appliance first (mvn -pl server/app -am package)")
    for f in figures:
        print(f)
    clean_up()
    print("forwarder: %d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
