#!/usr/bin/env python3
"""Tests of libtelltale.so: runs the per-family test programs and real tools under the
interceptor with a stand-in collector (ttcollect.py) and asserts on the decoded events.

    python3 run_tests.py --build BUILD_DIR [-k NAME_SUBSTRING] [-v]

Every event any test receives is decoded strictly against the schema; a decode error fails
the test that produced it. Needs root for the identity test (setresuid & co), python3,
curl, git and openssl for the behaviour tests.
"""
import argparse
import mmap
import struct
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from ttcollect import Collector, DecodeError  # noqa: E402

ARGS = None
LIB = None
MUSL_LIB = None
T = None  # test program directory
TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


class Fail(Exception):
    pass


def check(cond, msg, *detail):
    if not cond:
        raise Fail(msg + ("" if not detail else ": " + " ".join(repr(d)[:1500] for d in detail)))


def run(col, argv, lib=None, env=None, timeout=30, **kw):
    e = col.env(lib or LIB) if col is not None else dict(os.environ)
    if env:
        e.update(env)
    return subprocess.run(argv, env=e, capture_output=True, timeout=timeout, **kw)


def settle(col, pred=None, timeout=5.0):
    """Waits for pred, or for the stream to go quiet."""
    if pred is not None:
        return col.wait_for(pred, timeout)
    last = -1
    end = time.time() + timeout
    while time.time() < end:
        n = len(col.events)
        if n == last:
            return True
        last = n
        time.sleep(0.15)
    return True


def one(col, type, **body):
    """The first event of `type` whose body has these values (waiting a little for it:
    connections are read in parallel, so processes' events interleave)."""
    col.wait_for(lambda ev: col.select(type, **body), timeout=3.0)
    found = col.select(type, **body)
    check(len(found) >= 1, "no %s event with %s" % (type, body),
          [e["body"] for e in col.select(type)])
    return found[0]


# ---------------------------------------------------------------- files

@test
def file_ops(col):
    d = tempfile.mkdtemp(prefix="tt-file-")
    try:
        r = run(col, [T + "/t_file", d])
        check(r.returncode == 0, "t_file failed", r.returncode, r.stdout, r.stderr)
        settle(col, lambda ev: any(e["type"] == "process_exit" for e in ev))
        a = os.path.join(d, "a.txt")
        e = one(col, "file", op="open", path=a, result=3)
        b = e["body"]
        check(b["flags"] == os.O_WRONLY | os.O_CREAT | os.O_TRUNC, "flags", b)
        check(b["mode"] == 0o640, "mode", b)
        check(b["flag_names"].split() == ["O_WRONLY", "O_CREAT", "O_TRUNC", "write"], "flag names", b)
        check(b["fd"] == 3, "fd", b)
        check(len(e["stack"]) >= 1 and e["stack"][0]["module"].endswith("/t_file"), "stack", e["stack"])
        e = one(col, "file", op="openat", path=a)
        check("write" not in e["body"]["flag_names"].split(), "read-only open flagged as write", e["body"])
        one(col, "file", op="creat", path=os.path.join(d, "b.txt"), mode=0o600)
        e = one(col, "file", op="fopen", path=os.path.join(d, "c.txt"))
        check("write" in e["body"]["flag_names"], "fopen w not flagged", e["body"])
        one(col, "file", op="fopen", path=a, flags=0)
        one(col, "file", op="rename", path=os.path.join(d, "b.txt"), path2=os.path.join(d, "d.txt"), result=0)
        one(col, "file", op="renameat", path=os.path.join(d, "d.txt"), path2=os.path.join(d, "e.txt"))
        one(col, "file", op="truncate", path=a, result=0)
        one(col, "file", op="ftruncate", path=os.path.join(d, "c.txt"), result=0)
        one(col, "file", op="unlink", path=os.path.join(d, "e.txt"), result=0)
        one(col, "file", op="unlinkat", path=os.path.join(d, "c.txt"), result=0)
        e = one(col, "file", op="open", path="/nonexistent/x")
        check(e["body"]["result"] == -1 and e["body"]["errno"] == 2, "failed open", e["body"])
    finally:
        shutil.rmtree(d, ignore_errors=True)


@test
def dirfd_paths_follow_moves(col):
    d = tempfile.mkdtemp(prefix="tt-dirfd-")
    try:
        r = run(col, [T + "/t_file", d, "dirfd"])
        check(r.returncode == 0 and r.stdout == b"ok\n", "t_file dirfd failed", r.returncode, r.stdout, r.stderr)
        settle(col, lambda ev: any(e["type"] == "process_exit" for e in ev))
        one(col, "file", op="openat", path=os.path.join(d, "A", "x1"))
        one(col, "file", op="openat", path=os.path.join(d, "B", "x2"))  # renamed by the process itself
        one(col, "file", op="openat", path=os.path.join(d, "C", "x3"))  # descriptor number reused
        one(col, "file", op="openat", path=os.path.join(d, "D", "x5"))  # renamed elsewhere, a second ago
        one(col, "file", op="openat", path=os.path.join(d, "D", "x6"))  # opened through the link L -> D
        one(col, "file", op="openat", path=os.path.join(d, "D", "s", "t", "y1"))  # learned from the walk's opens
        one(col, "file", op="openat", path=os.path.join(d, "D", "n", "y2"))  # learned, then renamed elsewhere
        one(col, "file", op="openat", path=os.path.join(d, "D", "s", "t", "y3"))  # learned, then number reused
    finally:
        shutil.rmtree(d, ignore_errors=True)


# ---------------------------------------------------------------- network

@test
def network_ops(col):
    r = run(col, [T + "/t_net"])
    check(r.returncode == 0, "t_net failed", r.returncode, r.stderr)
    out = dict(kv.split("=") for kv in r.stdout.decode().split())
    lport, cport = int(out["listen"]), int(out["client"])
    settle(col, lambda ev: any(e["type"] == "process_exit" for e in ev))
    b = one(col, "network", op="bind")["body"]
    check(b["family"] == "inet" and b["laddr"] == "127.0.0.1" and b["transport"] == "tcp", "bind", b)
    one(col, "network", op="listen", lport=lport, laddr="127.0.0.1")
    b = one(col, "network", op="connect", raddr="127.0.0.1", rport=lport)["body"]
    check(b["lport"] == cport and b["laddr"] == "127.0.0.1" and b["result"] == 0, "connect", b)
    b = one(col, "network", op="accept", lport=lport)["body"]
    check(b["rport"] == cport and b["raddr"] == "127.0.0.1", "accept", b)
    b = one(col, "network", op="connect", family="inet6", rport=9)["body"]
    check(b["transport"] == "udp" and b["raddr"] == "::1", "udp connect", b)
    dns = col.select("network", op="dns")
    check(len(dns) == 2, "two lookups", [e["body"] for e in dns])
    for e in dns:
        check(e["body"]["fqdn"][0] == "localhost" and "127.0.0.1" in e["body"]["resolved"], "dns", e["body"])


# ---------------------------------------------------------------- identity

@test
def identity_ops(col):
    if os.geteuid() != 0:
        print("   (skipped: needs root)")
        return
    r = run(col, [T + "/t_id"])
    check(r.returncode == 0, "t_id failed", r.returncode, r.stdout, r.stderr)
    settle(col, lambda ev: len([e for e in ev if e["type"] == "process_exit"]) >= 2)
    b = one(col, "identity", op="setgroups")["body"]
    check(b["to_id"] == [0, 100, 101], "setgroups", b)
    one(col, "identity", op="setegid", from_id=[0], to_id=[1000], result=0)
    one(col, "identity", op="setregid", from_id=[0, 0], to_id=[0, 1001])
    one(col, "identity", op="setresgid", to_id=[0, 1002, 0])
    one(col, "identity", op="setgid", to_id=[0])
    one(col, "identity", op="seteuid", from_id=[0], to_id=[1000])
    one(col, "identity", op="seteuid", from_id=[1000], to_id=[0])
    one(col, "identity", op="setreuid", to_id=[0, 1001])
    one(col, "identity", op="setresuid", from_id=[0, 0, 1001], to_id=[0, 1002, 0])
    one(col, "identity", op="setresuid", from_id=[0, 0, 0], to_id=[1003, 1003, 1003], result=0)
    b = one(col, "identity", op="setuid", from_id=[1003], to_id=[0])["body"]
    check(b["result"] == -1 and b["errno"] == 1, "refused setuid", b)


# ---------------------------------------------------------------- processes

@test
def process_ops(col):
    r = run(col, [T + "/t_proc", "tree"])
    check(r.returncode == 0 and r.stdout == b"from execvp\nok\n", "t_proc failed", r.returncode, r.stdout, r.stderr)
    settle(col, lambda ev: len([e for e in ev if e["type"] == "process_exit"]) >= 5)
    top = one(col, "process_start", exe=os.path.realpath(T + "/t_proc"))
    pid = top["pid"]
    forks = col.select("process", pid=pid, op="fork")
    check(len(forks) == 2 and all(e["body"]["child_pid"] > 0 for e in forks), "forks", [e["body"] for e in forks])
    e = one(col, "process", op="exec", argv=["echo", "from", "execvp"])
    check(e["body"]["path"] in ("/usr/bin/echo", "/bin/echo"), "execvp path", e["body"])
    check(e["pid"] == forks[0]["body"]["child_pid"], "exec in the forked child", e["pid"], forks[0]["body"])
    e = one(col, "process", op="spawn", path="/bin/true", argv=["/bin/true", "spawned"], result=0)
    child = e["body"]["child_pid"]
    one(col, "process_exit", exit_code=0) and check(col.select("process_start", pid=child), "spawned child intercepted")
    one(col, "process", op="vfork")
    e = one(col, "process", op="exec", path="/bin/sh", argv=["sh", "-c", "exit 0"])
    check(e["pid"] != pid, "exec after vfork runs in the child", e)
    r = run(col, [T + "/t_proc", "system"])
    check(r.returncode == 0 and r.stdout == b"3 from popen\n", "system/popen", r.returncode, r.stdout, r.stderr)
    e = one(col, "process", op="spawn", path="/bin/sh", argv=["sh", "-c", "exit 3"])
    check(e["body"]["result"] == 3 << 8, "system's status", e["body"])
    one(col, "process", op="spawn", path="/bin/sh", argv=["sh", "-c", "echo from popen"], result=0)
    fails = col.select("process", op="exec", path="/nonexistent/nope")
    check(len(fails) == 2 and fails[1]["body"]["result"] == -1 and fails[1]["body"]["errno"] == 2,
          "failed exec", [f["body"] for f in fails])


@test
def process_start_and_exit(col):
    env = {"TT_TEST_VAR": "hello world", "KUBERNETES_SERVICE_HOST": "10.0.0.1", "HOSTNAME": "pod-abc",
           "POD_NAMESPACE": "shop"}
    r = run(col, [T + "/t_proc", "exit", "3"], env=env)
    check(r.returncode == 3, "exit code 3", r.returncode)
    r = run(col, [T + "/t_proc", "xexit", "5"])
    check(r.returncode == 5, "exit code 5", r.returncode)
    r = run(col, [T + "/t_proc", "_exit", "6"])
    check(r.returncode == 6, "exit code 6", r.returncode)
    r = run(col, [T + "/t_proc", "abort"])
    check(r.returncode == 0, "abort child", r.returncode)
    settle(col, lambda ev: len([e for e in ev if e["type"] == "process_exit"]) >= 6)
    s = one(col, "process_start", argv=[T + "/t_proc", "exit", "3"])
    b = s["body"]
    check(b["hostname"] == socket.gethostname(), "hostname", b["hostname"])
    check(b["exe"] == os.path.realpath(T + "/t_proc"), "exe", b["exe"])
    check(b["ppid"] == os.getpid() and b["uid"] == os.getuid() and b["euid"] == os.geteuid(), "ids", b)
    check(b["cwd"] == os.getcwd(), "cwd", b["cwd"])
    check(b.get("cpu_count", 0) >= 1 and b.get("uptime_s", 0) > 0 and b.get("kernel"), "host", b)
    check(b.get("os_name") and b.get("os_version"), "os", b)
    check({"name": "TT_TEST_VAR", "value": "hello world"} in b["env"], "env")
    check(b.get("k8s_pod") == "pod-abc" and b.get("k8s_namespace") == "shop", "k8s", b.get("k8s_pod"))
    check(len(b["maps"]) > 5 and any(m.get("path", "").endswith("libc.so.6") for m in b["maps"]), "maps")
    check(s["size"] <= 256 * 1024, "record size")
    e = one(col, "process_exit", exit_code=3)
    check(e["pid"] == s["pid"] and e["body"]["runtime_ms"] >= 0, "exit 3", e)
    one(col, "process_exit", exit_code=5)
    one(col, "process_exit", exit_code=6)
    e = one(col, "process_exit", signal=6)
    check(e["body"]["crashed"] is True and "exit_code" not in e["body"], "abort", e["body"])


@test
def dependencies(col):
    lib = os.path.realpath(T + "/libdemo.so")
    r = run(col, [T + "/t_lib", lib])
    check(r.returncode == 0 and r.stdout == b"42\n", "t_lib", r.returncode, r.stdout, r.stderr)
    settle(col, lambda ev: any(e["type"] == "process_exit" for e in ev))
    import hashlib
    e = one(col, "dependency", path=lib)
    b = e["body"]
    check(b["sha256"] == hashlib.sha256(open(lib, "rb").read()).hexdigest(), "sha256", b)
    check(b["load"] == "dlopen" and b["parent"] == os.path.realpath(T + "/t_lib"), "parent", b)
    check(b["name"] == "libdemo.so.1" and b["dep_version"] == "1" and b["size"] == os.path.getsize(lib), "name", b)
    check(e["stack"] and e["stack"][0]["module"] == os.path.realpath(T + "/t_lib"), "dlopen stack", e["stack"])
    libc = col.select("dependency", name="libc.so.6")
    check(libc and libc[0]["body"]["load"] == "initial" and libc[0]["body"]["parent"] == os.path.realpath(T + "/t_lib"),
          "initial libc", [x["body"] for x in libc])
    one(col, "dependency", load="exe", path=os.path.realpath(T + "/t_lib"))
    # a bare name found through the program's RUNPATH ($ORIGIN): dlopen must search as the
    # program would, not as a wrapper in our library would
    col.clear()
    r = run(col, [T + "/t_lib", "libdemo.so"])
    check(r.returncode == 0 and r.stdout == b"42\n", "dlopen through RUNPATH", r.returncode, r.stdout, r.stderr)
    one(col, "dependency", path=lib, load="dlopen")


@test
def java_agent(col):
    """The Java agent's records come through this library's JNI entry points (hook_java.c)
    and decode strictly; the JVM's own file events still come from the hooks."""
    abi = subprocess.run([T + "/t_jni_abi"], capture_output=True)
    check(abi.returncode == 0, "JNI slots of jni_slots.h match jni.h", abi.stdout)
    jar = os.path.join(HERE, "..", "..", "..", "java-agent", "target", "telltale-java-agent.jar")
    java = os.path.join(os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64"), "bin", "java")
    if not (os.path.exists(jar) and os.path.exists(java)):
        print("   (skipped: no agent jar or no JDK)")
        return
    d = tempfile.mkdtemp(prefix="tt-java-")
    src = os.path.join(d, "Hello.java")
    data = os.path.join(d, "data.txt")
    open(data, "w").write("x")
    open(src, "w").write('public class Hello { public static void main(String[] a) throws Exception {'
                         ' try (var in = new java.io.FileInputStream(a[0])) { System.out.println("read " + in.read()); } } }')
    r = run(col, [java, "-javaagent:" + os.path.abspath(jar), src, data], env={"TELLTALE_JAVA_USAGE_MS": "200"},
            timeout=60)
    check(r.returncode == 0 and r.stdout == b"read 120\n", "java under the agent", r.returncode, r.stdout, r.stderr)
    check(b"WARNING" not in r.stderr, "no JVM warning on stderr", r.stderr)
    settle(col, lambda ev: any(e["type"] == "process_exit" for e in ev), timeout=10)
    one(col, "api", api="telltale.java_agent")
    base = one(col, "dependency", path="jrt:/java.base")
    check(base["body"]["language"] == "java" and base["body"]["load"] == "jdk_module", "java.base", base["body"])
    one(col, "dependency", path="jrt:/jdk.compiler")
    usage = col.select("java_method", jar="jrt:/java.base")
    check(usage and all(e["body"]["class"] == "*" for e in usage), "class usage of java.base", len(usage))
    names = [n for e in usage for n in e["body"].get("methods", [])]
    check("java.io.FileInputStream" in names, "FileInputStream among the classes used", len(names))
    f = one(col, "file", path=data)
    syms = [x.get("symbol") for x in f["stack"]]
    check("Hello.main" in syms and "java.io.FileInputStream.<init>" in syms, "Java frames on the file event", syms)
    if ARGS.v:
        print("     file event stack: %s" % [(x.get("module") or x.get("symbol"), x.get("line")) for x in f["stack"]])
    check(not col.lost, "nothing lost", col.lost)
    shutil.rmtree(d, ignore_errors=True)


@test
def java_agent_option(col):
    """A class-path launch of a runtime's `java` gets the launcher's -javaagent:JAR as
    -agentlib:instrument=JAR (java_opts.c: the JVM keeps its archived module graph), nothing else
    does, and the launcher's text is back once the JVM loads libinstrument.so."""
    d = tempfile.mkdtemp(prefix="tt-jopts-")
    jdk, slim, tool = d + "/jdk", d + "/slim", d + "/tool"
    for b in (jdk, slim, tool):
        os.makedirs(b + "/bin")
        os.makedirs(b + "/lib")
    shutil.copy(T + "/t_java_opts", jdk + "/bin/java")
    shutil.copy(T + "/libdemo.so", jdk + "/lib/libinstrument.so")
    shutil.copy(T + "/t_java_opts", slim + "/bin/java")  # a runtime without java.instrument
    shutil.copy(T + "/t_java_opts", tool + "/bin/jshell")  # another launcher of a runtime that has it
    shutil.copy(T + "/libdemo.so", tool + "/lib/libinstrument.so")
    jar = "/opt/telltale/lib/java/telltale-java-agent.jar"
    ja, al = "-javaagent:" + jar, "-agentlib:instrument=" + jar
    java = jdk + "/bin/java"

    def launch(exe, args, jto=ja, **extra):
        e = col.env(LIB)
        e.update({"TELLTALE_JAVA_AGENT_JAR": jar, "JAVA_TOOL_OPTIONS": jto})
        e.pop("JDK_JAVA_OPTIONS", None)
        for k, v in extra.items():
            if v is None:
                e.pop(k, None)
            else:
                e[k] = v
        r = subprocess.run([exe] + args, env=e, capture_output=True, timeout=30)
        check(r.returncode == 0 and not r.stderr, "stand-in launcher", args, r.returncode, r.stderr)
        return [l.split(" ", 1)[1] for l in r.stdout.decode().splitlines()]  # "main X", "loaded yes X"

    for args in (["-cp", "x", "Main"], ["-jar", "app.jar"], ["Main.java"], ["-classpath", "-m", "Main"],
                 ["-Xmx1g", "-Dx=y", "-XX:+UseG1GC", "-ea", "-verbose:gc", "-jar", "a.jar", "--module", "m"],
                 ["--add-opens", "java.base/java.lang=ALL-UNNAMED", "--class-path=x", "--enable-preview", "Main"]):
        check(launch(java, args) == [al], "class-path launch gets -agentlib:instrument", args, launch(java, args))
    for args in (["-m", "demo/demo.Main"], ["--module", "demo"], ["--module=demo"], ["-p", "mods", "-m", "demo"],
                 ["--module-path", "m", "-cp", "x", "Main"], ["--limit-modules", "java.base", "-cp", "x", "Main"],
                 ["--add-modules", "ALL-SYSTEM", "-jar", "a.jar"], ["@args.txt"], ["-cp", "x", "@more"],
                 ["-version"], ["--list-modules"], ["-jar"], [], ["--dry-run", "-jar", "a.jar"], [""]):
        check(launch(java, args) == [ja], "anything else keeps -javaagent", args, launch(java, args))
    # the launcher reads JDK_JAVA_OPTIONS too
    check(launch(java, ["-jar", "a.jar"], JDK_JAVA_OPTIONS=" -Xmx1g  -Dx=1 -cp y") == [al], "plain JDK_JAVA_OPTIONS")
    for v in ("--limit-modules java.base", "--add-modules=java.sql", "@opts", "-Dq='a b'", "-cp"):
        check(launch(java, ["-jar", "a.jar"], JDK_JAVA_OPTIONS=v) == [ja], "JDK_JAVA_OPTIONS with module options", v)
    check(launch(slim + "/bin/java", ["-jar", "a.jar"]) == [ja], "a runtime without java.instrument keeps -javaagent")
    check(launch(tool + "/bin/jshell", ["-jar", "a.jar"]) == [ja], "only the java launcher")
    # our option only, as a whole word; the user's options kept around it
    check(launch(java, ["-jar", "a.jar"], jto="-Xmx1g " + ja + "\t-Dx=1") == ["-Xmx1g " + al + "\t-Dx=1"], "user options")
    for jto in ("-javaagent:/other/agent.jar", ja + "x", "x" + ja, "-Dp=" + ja):
        check(launch(java, ["-jar", "a.jar"], jto=jto) == [jto], "not our option", jto)
    check(launch(java, ["-jar", "a.jar"], TELLTALE_JAVA_AGENT_JAR=None) == [ja], "no agent named: untouched")
    check(launch(java, ["-jar", "a.jar"], TELLTALE_CHANNEL=None) == [ja], "interceptor off: untouched")
    # a parent JVM's text reaching a modular launch (through its exec) is turned back
    check(launch(java, ["-m", "demo"], jto=al) == [ja], "parent's -agentlib:instrument undone for a modular launch")
    # put back when the JVM loads libinstrument.so (it has read its options), not at other loads
    out = launch(java, ["-jar", "a.jar"], T_DLOPEN=jdk + "/lib/libinstrument.so")
    check(out == [al, "yes " + ja], "restored at libinstrument.so", out)
    out = launch(java, ["-jar", "a.jar"], jto=al, T_DLOPEN=jdk + "/lib/libinstrument.so")
    check(out == [al, "yes " + ja], "a parent's swap restored to the launcher's text", out)
    out = launch(java, ["-jar", "a.jar"], T_DLOPEN=T + "/libdemo.so")
    check(out == [al, "yes " + al], "other libraries change nothing", out)
    shutil.rmtree(d, ignore_errors=True)


# ---------------------------------------------------------------- memory warnings

@test
def memory_warnings(col):
    r = run(col, [T + "/t_mem"])
    if r.stdout.startswith(b"layout"):
        print("   (skipped: unexpected heap layout)")
        return
    check(r.returncode == 0 and r.stdout == b"ok 25\n", "t_mem", r.returncode, r.stdout, r.stderr)
    settle(col, lambda ev: any(e["type"] == "process_exit" for e in ev))
    w = col.select("memory_warning")
    kinds = sorted(e["body"]["kind"] for e in w)
    check(kinds == ["sprintf_overflow", "strcat_overflow", "strcpy_overflow"], "one warning per kind", kinds)
    b = one(col, "memory_warning", kind="strcpy_overflow")["body"]
    check(b["dest_size"] == 24 and b["src_size"] == 26 and b["function"] == "strcpy", "strcpy", b)
    check(all(e["stack"] and e["stack"][0]["module"].endswith("/t_mem") for e in w), "stacks")


# ---------------------------------------------------------------- heartbeats

@test
def heartbeat(col):
    r = run(col, [T + "/t_hb", "750"], env={"TELLTALE_HEARTBEAT_MS": "200"})
    check(r.returncode == 0, "t_hb", r.returncode, r.stderr)
    settle(col, lambda ev: any(e["type"] == "process_exit" for e in ev))
    hb = col.select("heartbeat")
    check(len(hb) >= 2, "heartbeats", len(hb))
    first = hb[0]["body"]
    fds = first.get("fds", [])
    check(any(f.get("path") == "/etc/hostname" and f["state"] == "open" for f in fds), "open fd", fds)
    check(any(f.get("path") == os.path.realpath("/etc/os-release") and f["state"] == "closed" for f in fds),
          "short-lived fd", fds)
    check(first.get("threads_created", 0) >= 1 and first.get("forks", 0) >= 1, "counters", first)
    check(first.get("rss_kb", 0) > 0 and first.get("interval_ms", 0) >= 150, "resources", first)
    check("agent_cpu_ms" in first and first.get("threads", 0) >= 2, "agent", first)
    later = [h["body"] for h in hb[1:]]
    check(all(h.get("threads_created", 0) == 0 for h in later), "counters reset", later)
    check(all(not any(f.get("path") == "/etc/hostname" and f["state"] == "open" for f in h.get("fds", []))
              for h in later), "open fds reported once", later)


# ---------------------------------------------------------------- web applications

def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait_port(port, timeout=10):
    end = time.time() + timeout
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


@test
def webapp(col):
    port = free_port()
    d = tempfile.mkdtemp(prefix="tt-web-")
    os.makedirs(os.path.join(d, "api"))
    open(os.path.join(d, "api", "v1"), "w").write("hi\n")
    srv = subprocess.Popen([sys.executable, "-m", "http.server", "--bind", "127.0.0.1", str(port)],
                           cwd=d, env=col.env(LIB), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        check(wait_port(port), "server did not start")
        token = "eyJhbGciOiJIUzI1NiJ9.test-token.signature"
        url = "http://127.0.0.1:%d/api/v1?x=1" % port
        for _ in range(2):
            r = subprocess.run(["curl", "-s", "-H", "Authorization: Bearer " + token, url], capture_output=True, timeout=10)
            check(r.returncode == 0 and r.stdout == b"hi\n", "curl", r.returncode, r.stdout)
        r = subprocess.run(["curl", "-s", "-o", "/dev/null", "http://127.0.0.1:%d/other" % port], timeout=10)
        settle(col, lambda ev: len([e for e in ev if e["type"] == "webapp_uri"]) >= 2 and
               any(e["type"] == "bearer_token" for e in ev))
        apps = col.select("webapp")
        check(len(apps) == 1, "one webapp per port", [a["body"] for a in apps])
        b = apps[0]["body"]
        check(b["protocol"] == "HTTP/1.1" and b["lport"] == port and b["family"] == "inet" and
              b["laddr"] == "127.0.0.1" and b["raddr"] == "127.0.0.1" and b["tls"] is False, "webapp", b)
        uris = col.select("webapp_uri")
        check(sorted((u["body"]["method"], u["body"]["uri"]) for u in uris) ==
              [("GET", "/api/v1?x=1"), ("GET", "/other")], "uris once each", [u["body"] for u in uris])
        check(all(u["body"]["lport"] == port for u in uris), "uri ports")
        toks = col.select("bearer_token")
        check(len(toks) == 1, "one bearer event per token", [t["body"] for t in toks])
        b = toks[0]["body"]
        check(b["auth_type"] == "bearer" and b["value"] == token and b["lport"] == port and
              b["uri"] == "/api/v1?x=1", "bearer", b)
        check(col.select("network", op="accept", lport=port), "accept seen")
    finally:
        srv.terminate()
        srv.wait(timeout=10)
        shutil.rmtree(d, ignore_errors=True)


# ---------------------------------------------------------------- behaviour unchanged

def serve_plain(d):
    port = free_port()
    srv = subprocess.Popen([sys.executable, "-m", "http.server", "--bind", "127.0.0.1", str(port)],
                           cwd=d, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    check(wait_port(port), "plain server did not start")
    return srv, port


@test
def behaviour_unchanged(col):
    d = tempfile.mkdtemp(prefix="tt-same-")
    open(os.path.join(d, "f.txt"), "w").write("same\n")
    srv, port = serve_plain(d)
    try:
        cmds = [
            ["bash", "-c", "printf 'c\\nb\\na\\n' | sort | head -2; (exit 3); echo rc=$?; ls / | wc -l >/dev/null"],
            ["bash", "-c", "for i in 1 2 3; do echo $i; done | tac; false"],
            ["git", "--version"],
            ["openssl", "version"],
            ["curl", "-s", "http://127.0.0.1:%d/f.txt" % port],
            ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:%d/missing" % port],
            [sys.executable, "-c", "import json,sys; print(json.dumps({'a': 1})); sys.exit(4)"],
        ]
        for cmd in cmds:
            if shutil.which(cmd[0]) is None:
                print("   (skipping %s: not installed)" % cmd[0])
                continue
            plain = subprocess.run(cmd, capture_output=True, timeout=30)
            variants = {
                "recording": col.env(LIB),
                "channel nowhere": dict(col.env(LIB), TELLTALE_CHANNEL="@telltale-nowhere-%d" % os.getpid()),
                "no channel": {k: v for k, v in col.env(LIB).items() if k != "TELLTALE_CHANNEL"},
            }
            for name, env in variants.items():
                t0 = time.time()
                r = subprocess.run(cmd, capture_output=True, timeout=30, env=env)
                check((r.returncode, r.stdout, r.stderr) == (plain.returncode, plain.stdout, plain.stderr),
                      "%s differs with the interceptor (%s)" % (cmd, name),
                      (plain.returncode, plain.stdout, plain.stderr), (r.returncode, r.stdout, r.stderr))
                check(time.time() - t0 < 10, "%s too slow (%s)" % (cmd, name))
        settle(col)
        check(col.select("process_start", exe="/usr/bin/git"), "git was intercepted")
    finally:
        srv.terminate()
        srv.wait(timeout=10)
        shutil.rmtree(d, ignore_errors=True)


def maps_reads(strace_out):
    """read() calls that returned /proc/self/maps text (lines such as "7f..-7f.. r-xp")."""
    n = 0
    for line in open(strace_out, errors="replace"):
        if " read(" in line and ("r-xp" in line or "rw-p" in line or "r--p" in line):
            n += 1
    return n


@test
def new_threads_find_their_stack_cheaply(col):
    """Every new thread's first stack trace needs its stack's bounds. Where the kernel has
    PROCMAP_QUERY (Linux 6.11+) one ioctl answers: /proc/self/maps is not read once per thread
    (http.server starts a thread per request). Stacks stay complete on every thread."""
    script = ("import threading\n"
              "def work():\n    open('/etc/hostname').read()\n"
              "for _ in range(%d):\n    t = threading.Thread(target=work); t.start(); t.join()\n")
    counts = {}
    strace = shutil.which("strace")
    for threads in (4, 40):
        col.clear()
        out = tempfile.mktemp(prefix="tt-strace-")
        argv = [sys.executable, "-c", script % threads]
        if strace:
            argv = [strace, "-f", "-qq", "-s", "64", "-e", "trace=read", "-e", "signal=none", "-o", out] + argv
        r = run(col, argv)
        check(r.returncode == 0, "python threads failed", r.returncode, r.stderr[-500:])
        settle(col, lambda ev: len([e for e in ev if e["type"] == "file" and e["body"].get("path") == "/etc/hostname"])
               >= threads)
        opens = [e for e in col.select("file", path="/etc/hostname")]
        check(len(opens) == threads, "one open per thread", len(opens))
        check(all(len(e["stack"]) >= 3 for e in opens), "every thread's open has its stack",
              [len(e["stack"]) for e in opens])
        check(len({e["tid"] for e in opens}) == threads, "from distinct threads", [e["tid"] for e in opens])
        if strace:
            counts[threads] = maps_reads(out)
            os.unlink(out)
    release = tuple(int(x) for x in re.findall(r"\d+", os.uname().release)[:2])
    if strace and release >= (6, 11):
        check(counts[40] == counts[4], "/proc/self/maps read per thread despite PROCMAP_QUERY", counts)
    elif not strace:
        print("   (strace not installed: maps reads not counted)")


@test
def recycled_thread_scratch_keeps_call_sites_apart(col):
    """A new thread reuses an exited thread's scratch area and stack cache (python's http.server
    starts a thread per request): each open still carries its own call site's stack, in the
    order the threads ran, however the two sites alternate."""
    order = "aabbabbaabab"
    r = run(col, [T + "/t_thread", order])
    check(r.returncode == 0 and r.stdout == b"ok\n", "t_thread failed", r.returncode, r.stdout, r.stderr)
    settle(col, lambda ev: len([e for e in ev if e["type"] == "file" and e["body"].get("path") == "/etc/hostname"])
           >= len(order))
    opens = sorted(col.select("file", path="/etc/hostname"), key=lambda e: e["time_us"])
    check(len(opens) == len(order), "one open per thread", len(opens))
    sites = [(e["stack"][0].get("module"), e["stack"][0].get("offset")) if e["stack"] else None for e in opens]
    by_letter = {}
    for letter, site in zip(order, sites):
        by_letter.setdefault(letter, set()).add(site)
    check(all(len(v) == 1 for v in by_letter.values()), "each site always reported with its own stack", by_letter)
    check(len(set(sites)) == 2 and all(s and s[0].endswith("/t_thread") for s in sites),
          "two distinct call sites in t_thread", set(sites))
    check(len({e["tid"] for e in opens}) == len(order), "from distinct threads", [e["tid"] for e in opens])


@test
def full_channel_counts_lost(col):
    """A forwarder that does not read must not block the program; what could not be sent is
    declared in a lost record once the channel drains."""
    col.paused = True
    try:
        p = subprocess.Popen([T + "/t_proc", "opens", "20000", "1500"], env=col.env(LIB, TELLTALE_STACKS="0"),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(0.8)
        col.paused = False
        out, err = p.communicate(timeout=30)
        check(p.returncode == 0 and out == b"done\n" and err == b"", "program", p.returncode, out, err)
    finally:
        col.paused = False
    settle(col, lambda ev: any(e["type"] == "process_exit" for e in ev))
    settle(col)
    opens = len(col.select("file", path="/dev/null"))
    lost = sum(n for n, _ in col.lost)
    check(lost > 0, "nothing lost (channel never filled?)", opens)
    check(opens < 20001, "opens", opens)
    # every file event is either received or counted (other events may be lost too)
    check(opens + lost >= 20001, "loss not accounted", opens, lost)


class Ring:
    """The forwarder's side of the shared-memory ring (common/tt_ring.h), enough for tests."""
    CTL, MAGIC, TOKEN = 4096, 0x31474E4952545454, 0x7E57

    def __init__(self, size=2 << 20):
        self.size = size
        self.fd = os.memfd_create("tt-test-ring", 0)
        os.set_inheritable(self.fd, True)
        os.ftruncate(self.fd, self.CTL + size)
        self.m = mmap.mmap(self.fd, self.CTL + size)
        struct.pack_into("<QQQQ", self.m, 0, self.MAGIC, self.TOKEN, size, 256 * 1024)

    def env(self):
        return {"TELLTALE_RING": "%d:%x" % (self.fd, self.TOKEN)}

    def _copy(self, pos, n):
        off = pos % self.size
        first = min(n, self.size - off)
        return bytes(self.m[self.CTL + off:self.CTL + off + first]) + bytes(self.m[self.CTL:self.CTL + n - first])

    def _zero(self, pos, n):
        off = pos % self.size
        first = min(n, self.size - off)
        self.m[self.CTL + off:self.CTL + off + first] = bytes(first)
        self.m[self.CTL:self.CTL + n - first] = bytes(n - first)

    def take(self):
        """Published records at head, in order (stops at one still being written)."""
        out = []
        (head,) = struct.unpack_from("<Q", self.m, 128)
        (tail,) = struct.unpack_from("<Q", self.m, 64)
        while head < tail:
            commit, n, _pid = struct.unpack_from("<III", self.m, self.CTL + head % self.size)
            if commit != ((head >> 4) & 0xFFFFFFFF) | 0x80000000:
                break
            out.append(self._copy(head + 16, n))
            need = 16 + ((n + 15) & ~15)
            self._zero(head, need)
            head += need
            struct.pack_into("<Q", self.m, 128, head)
        return out

    def close(self):
        self.m.close()
        os.close(self.fd)


@test
def ring_full_counts_lost(col):
    """Through the shared-memory ring: a consumer that stops reading never blocks the program;
    what the full ring refused is declared in a lost record once there is room; every record
    decodes and each process's events come in order."""
    ring = Ring()
    try:
        p = subprocess.Popen([T + "/t_proc", "opens", "60000", "1500"],
                             env=dict(col.env(LIB, TELLTALE_STACKS="0"), **ring.env()), pass_fds=(ring.fd,),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(0.8)  # nobody reads: the 2 MiB ring fills
        recs = []
        while p.poll() is None:
            recs += ring.take()
            time.sleep(0.002)
        out, err = p.communicate(timeout=30)
        recs += ring.take()
        check(p.returncode == 0 and out == b"done\n" and err == b"", "program", p.returncode, out, err)
    finally:
        ring.close()
    with col.lock:
        for r in recs:
            col.records += 1
            col.max_record = max(col.max_record, len(r))
            try:
                col._record(r)
            except DecodeError as e:
                col.errors.append(str(e))
    check(col.conns == 0, "the socket was not used", col.conns)
    opens = len(col.select("file", path="/dev/null"))
    lost = sum(n for n, _ in col.lost)
    check(lost > 0, "nothing lost (ring never filled?)", opens)
    check(opens + lost >= 60001, "loss not accounted", opens, lost)
    one(col, "process_exit", exit_code=0)
    times = [e["time_us"] for e in col.events]
    check(times == sorted(times), "events of one process in order")


@test
def program_closes_our_descriptor(col):
    """A daemon closing every descriptor closes ours too: the next event reconnects, and
    the program's own next descriptor is the lowest free one as always."""
    r = run(col, [T + "/t_proc", "closeall"])
    check(r.returncode == 0 and r.stdout == b"fd=3\n" and r.stderr == b"", "closeall", r.returncode, r.stdout, r.stderr)
    one(col, "file", path="/dev/null", fd=3)
    one(col, "process_exit", exit_code=0)
    check(col.conns == 2, "one reconnection", col.conns)


@test
def forwarder_goes_away(col):
    """The forwarder dies while the program runs: nothing changes for the program."""
    p = subprocess.Popen([T + "/t_proc", "opens", "3000", "400"], env=col.env(LIB), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    time.sleep(0.1)
    col.vanish()
    out, err = p.communicate(timeout=20)
    check(p.returncode == 0 and out == b"done\n" and err == b"", "program", p.returncode, out, err)


# ---------------------------------------------------------------- musl

@test
def musl_build(col):
    M = T + "/musl"
    d = tempfile.mkdtemp(prefix="tt-musl-")
    try:
        r = run(col, [M + "/t_file", d], lib=MUSL_LIB)
        check(r.returncode == 0 and r.stdout == b"ok\n", "musl t_file", r.returncode, r.stdout, r.stderr)
        r = run(col, [M + "/t_file", d, "dirfd"], lib=MUSL_LIB)
        check(r.returncode == 0 and r.stdout == b"ok\n", "musl t_file dirfd", r.returncode, r.stdout, r.stderr)
        r = run(col, [M + "/t_net"], lib=MUSL_LIB)
        check(r.returncode == 0, "musl t_net", r.returncode, r.stderr)
        self = os.path.realpath(M + "/t_proc")
        r = run(col, [M + "/t_proc", "tree", self], lib=MUSL_LIB)
        check(r.returncode == 0 and r.stdout == b"from execvp\nok\n", "musl t_proc", r.returncode, r.stdout, r.stderr)
        r = run(col, [M + "/t_proc", "exit", "9"], lib=MUSL_LIB)
        check(r.returncode == 9, "musl exit", r.returncode)
        settle(col, lambda ev: any(e["type"] == "process_exit" and e["body"].get("exit_code") == 9 for e in ev))
        for sub, name in (("B", "x2"), ("C", "x3"), ("D", "x5"), ("D", "x6")):
            one(col, "file", op="openat", path=os.path.join(d, sub, name))
        e = one(col, "file", op="open", path=os.path.join(d, "a.txt"))
        check(e["body"]["mode"] == 0o640 and e["stack"] and e["stack"][0]["module"].endswith("/musl/t_file"),
              "musl open", e)
        one(col, "network", op="accept")
        one(col, "network", op="dns")
        one(col, "process", op="spawn", path=self, result=0)
        one(col, "process", op="exec", path=self, argv=[self, "echo", "from", "execvp"])
        one(col, "process", op="vfork")
        s = one(col, "process_start", exe=os.path.realpath(M + "/t_file"))
        check(s["body"]["argv"][1] == d, "musl argv", s["body"]["argv"])
        deps = col.select("dependency", pid=s["pid"])
        check(any(x["body"]["path"] == "/lib/ld-musl-x86_64.so.1" for x in deps), "musl libc dependency",
              [x["body"]["path"] for x in deps])
        one(col, "process_exit", exit_code=9)
        r = run(col, [M + "/t_lib", os.path.realpath(M + "/libdemo.so")], lib=MUSL_LIB)
        check(r.returncode == 0 and r.stdout == b"42\n", "musl dlopen", r.returncode, r.stdout, r.stderr)
        e = one(col, "dependency", path=os.path.realpath(M + "/libdemo.so"), load="dlopen")
        check(e["body"]["parent"] == os.path.realpath(M + "/t_lib") and len(e["body"]["sha256"]) == 64, "musl dlopen event", e["body"])
        if os.geteuid() == 0:
            r = run(col, [M + "/t_id"], lib=MUSL_LIB)
            check(r.returncode == 0, "musl t_id", r.returncode, r.stderr)
            settle(col, lambda ev: any(e["type"] == "identity" and e["body"]["op"] == "setuid" and
                                       e["body"].get("result") == -1 for e in ev))
            one(col, "identity", op="setresuid", to_id=[1003, 1003, 1003])
    finally:
        shutil.rmtree(d, ignore_errors=True)


@test
def mixed_c_libraries(col):
    """A child of the other C library starts with the other build in LD_PRELOAD (a loader
    would refuse ours), or without it."""
    M = T + "/musl"
    r = run(col, [M + "/t_proc", "tree"], lib=MUSL_LIB)       # musl parent, glibc children
    check(r.returncode == 0 and r.stdout == b"from execvp\nok\n" and r.stderr == b"", "musl -> glibc",
          r.returncode, r.stdout, r.stderr)
    r = run(col, ["bash", "-c", os.path.realpath(M + "/t_proc") + " exit 4; echo $?"])  # glibc -> musl
    check(r.returncode == 0 and r.stdout == b"4\n" and r.stderr == b"", "glibc -> musl", r.returncode, r.stdout, r.stderr)
    settle(col, lambda ev: any(e["type"] == "process_exit" and e["body"].get("exit_code") == 4 for e in ev))
    check(col.select("process_start", exe="/usr/bin/echo"), "glibc child intercepted by the glibc build")
    check(col.select("process_start", exe=os.path.realpath(M + "/t_proc"), argv=[os.path.realpath(M + "/t_proc"), "exit", "4"]),
          "musl child intercepted by the musl build")
    # without the other build at hand the child runs uninstrumented, but runs
    lone = tempfile.mkdtemp(prefix="tt-lone-")
    shutil.copy(LIB, os.path.join(lone, "libtelltale.so"))
    r = run(col, ["bash", "-c", os.path.realpath(M + "/t_proc") + " exit 5; echo $?"], lib=os.path.join(lone, "libtelltale.so"))
    check(r.returncode == 0 and r.stdout == b"5\n" and r.stderr == b"", "no sibling", r.returncode, r.stdout, r.stderr)
    shutil.rmtree(lone, ignore_errors=True)


@test
def static_binary_coverage(col):
    """exec of a static binary cannot be interposed: the coverage event says so."""
    src = os.path.join(tempfile.mkdtemp(prefix="tt-static-"), "s.c")
    open(src, "w").write("int main(void) { return 0; }\n")
    exe = src[:-2]
    r = subprocess.run(["musl-gcc", "-static", "-o", exe, src], capture_output=True)
    if r.returncode != 0:
        print("   (skipped: no static toolchain)")
        return
    r = run(col, ["bash", "-c", exe + "; exit $?"])
    check(r.returncode == 0, "static run", r.returncode, r.stderr)
    settle(col, lambda ev: any(e["type"] == "api" for e in ev))
    e = one(col, "api", api="telltale.coverage")
    check(e["body"]["args"] == [exe, "static"], "coverage", e["body"])
    shutil.rmtree(os.path.dirname(src), ignore_errors=True)


def main():
    global ARGS, LIB, MUSL_LIB, T
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(HERE, "..", "..", "build"))
    ap.add_argument("-k", default="")
    ap.add_argument("-v", action="store_true")
    ARGS = ap.parse_args()
    b = os.path.abspath(ARGS.build)
    LIB = os.path.join(b, "glibc", "libtelltale.so")
    MUSL_LIB = os.path.join(b, "musl", "libtelltale.so")
    T = os.path.join(b, "tests", "interceptor")
    os.environ.pop("LD_PRELOAD", None)
    # a private hash cache, so the first-hash path runs too
    os.environ["TELLTALE_CACHE_DIR"] = tempfile.mkdtemp(prefix="tt-cache-")
    failed = []
    t_all = time.time()
    for fn in TESTS:
        if ARGS.k not in fn.__name__:
            continue
        col = Collector()
        t0 = time.time()
        try:
            fn(col)
            settle(col, timeout=1.0)
            check(not col.errors, "events failed strict decoding", col.errors[:5])
            print("ok   %-28s %5.1fs  %4d events, largest record %d B" %
                  (fn.__name__, time.time() - t0, len(col.events), col.max_record))
        except Exception as e:
            failed.append(fn.__name__)
            print("FAIL %-28s %5.1fs  %s" % (fn.__name__, time.time() - t0, e))
            if col.errors:
                print("     decode errors: %s" % col.errors[:5])
            if ARGS.v or not isinstance(e, Fail):
                traceback.print_exc()
        finally:
            col.close()
    shutil.rmtree(os.environ["TELLTALE_CACHE_DIR"], ignore_errors=True)
    print("%d tests, %d failed, %.1fs" % (len([t for t in TESTS if ARGS.k in t.__name__]), len(failed),
                                         time.time() - t_all))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
