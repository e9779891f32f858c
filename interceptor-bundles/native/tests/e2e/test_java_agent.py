#!/usr/bin/env python3
"""The Java agent end to end: real multi-jar applications, built here from Maven artifacts of
the local repository, run under `telltale run` (interceptor + forwarder + agent jar) against a
real appliance.

- a class-path application (commons-lang3, gson, its own class directory);
- a Spring Boot-style fat jar: BOOT-INF/classes, BOOT-INF/lib/*.jar stored, and a tiny launcher
  class loader that gives its classes the code sources Spring Boot gives them (both URL forms);
- on every Java runtime of the machine (11, 17 and 25 in CI; 21 when installed).

Checks: outputs unchanged; no agent class visible to the application; dependency events with
the right path, SHA-256 (of the nested entry's bytes for nested jars), coordinates and parent;
class usage batches; the appliance's inventory shows the jars with their purls and hashes; and
-javaagent without telltale run stays silent.

Prints "N passed, N failed" last. Environment: BUILD (absolute build dir), AGENT_JAR (optional).
"""
import hashlib
import io
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "forwarder"))
import test_forwarder as tf  # noqa: E402  (the appliance harness and helpers)

os.environ.pop("TELLTALE_LIBRARY", None)

BUILD = tf.BUILD
TT = tf.TT
LIB = os.path.join(BUILD, "glibc", "libtelltale.so")
AGENT_JAR = os.environ.get("AGENT_JAR") or os.path.join(HERE, "..", "..", "..", "java-agent", "target",
                                                        "telltale-java-agent.jar")
M2 = os.path.join(os.path.expanduser("~"), ".m2", "repository")
JARS = {
    "commons-lang3": ("org.apache.commons", "commons-lang3", "3.18.0"),
    "gson": ("com.google.code.gson", "gson", "2.13.2"),
    "jackson-core": ("com.fasterxml.jackson.core", "jackson-core", "2.21.3"),
    # older than 2.15.0: GHSA-h46c-h94j-95f3 (tests/e2e/osv) applies
    "jackson-core-old": ("com.fasterxml.jackson.core", "jackson-core", "2.13.5"),
    # on the vulnerable application's class path but never used
    "commons-lang3-old": ("org.apache.commons", "commons-lang3", "3.17.0"),
}
TMP = tempfile.mkdtemp(prefix="tt-java-e2e-")
check = tf.check


def m2_jar(key):
    g, a, v = JARS[key]
    return os.path.join(M2, *g.split("."), a, v, "%s-%s.jar" % (a, v))


def purl(key):
    g, a, v = JARS[key]
    return "pkg:maven/%s/%s@%s" % (g, a, v)


def sha(data):
    return hashlib.sha256(data).hexdigest()


def runtimes():
    """Java runtimes installed here, by feature version."""
    out = {}
    for d in sorted(os.listdir("/usr/lib/jvm")):
        java = os.path.join("/usr/lib/jvm", d, "bin", "java")
        if os.path.exists(java) and not os.path.islink(os.path.join("/usr/lib/jvm", d)):
            r = subprocess.run([java, "-XshowSettings:properties", "-version"], capture_output=True, text=True)
            for line in r.stderr.splitlines():
                if "java.specification.version" in line:
                    out.setdefault(line.split("=")[1].strip(), java)
    return out


def build_apps(javac):
    """Compiles the applications; returns (class dir of App, fat jar path)."""
    classes = os.path.join(TMP, "classes")
    fat_classes = os.path.join(TMP, "fat-classes")
    cp = ":".join(m2_jar(k) for k in JARS)
    subprocess.run([javac, "--release", "11", "-d", classes, "-cp", cp, os.path.join(HERE, "java", "App.java")],
                   check=True)
    subprocess.run([javac, "--release", "11", "-d", fat_classes, "-cp", cp, os.path.join(HERE, "java", "FatApp.java"),
                    os.path.join(HERE, "java", "Launcher.java")], check=True)
    subprocess.run([javac, "--release", "11", "-d", classes, os.path.join(HERE, "java", "EnvApp.java")], check=True)
    modular = os.path.join(TMP, "mods", "demo")
    src = os.path.join(HERE, "java", "modular")
    subprocess.run([javac, "--release", "11", "-d", modular, os.path.join(src, "module-info.java"),
                    os.path.join(src, "demo", "Main.java")], check=True)
    fat = os.path.join(TMP, "shop-app.jar")
    with zipfile.ZipFile(fat, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\nMain-Class: launcher.Launcher\n")
        z.writestr("META-INF/maven/com.example/shop-app/pom.properties",
                   "groupId=com.example\nartifactId=shop-app\nversion=1.4.2\n")
        for root, _, files in os.walk(fat_classes):
            for f in files:
                full = os.path.join(root, f)
                rel = os.path.relpath(full, fat_classes)
                z.write(full, rel if rel.startswith("launcher/") else "BOOT-INF/classes/" + rel)
        for k in ("commons-lang3", "jackson-core"):
            # Spring Boot stores nested jars uncompressed
            z.write(m2_jar(k), "BOOT-INF/lib/" + os.path.basename(m2_jar(k)), compress_type=zipfile.ZIP_STORED)
    return classes, fat


def agent_run(app, token, component, args, env=None):
    spool = os.path.join(TMP, "spool-" + component)
    cmd = [TT, "run", "--portal", app.portal, "--token", token, "--ca", app.ca, "--spool", spool,
           "-a", "e2e-java", "-c", component, "-V", "1.0", "--"] + args
    e = dict(os.environ, TELLTALE_JAVA_AGENT_JAR=os.path.abspath(AGENT_JAR), TELLTALE_JAVA_USAGE_MS="500")
    e.update(env or {})
    return subprocess.run(cmd, capture_output=True, timeout=180, env=e)


def fields(e):
    return e.get("fields", {})


def by_path(events):
    return {fields(e).get("path"): fields(e) for e in events}


def dependencies(app, comp, paths, wait=30):
    """The component's dependency events by path, once every one of paths is there (or after wait s):
    the agent hashes on its own thread, so the events of one run arrive in no fixed order."""
    deadline = time.time() + wait
    while True:
        deps = by_path(app.events("component:%s AND type:dependency AND language:java" % comp, expect=len(paths),
                                  wait=wait))
        if all(p in deps for p in paths) or time.time() >= deadline:
            return deps
        time.sleep(0.5)


def test_classpath_app(app, token, java, feature, classes):
    comp = "cp%s" % feature
    cp = ":".join([classes, m2_jar("commons-lang3"), m2_jar("gson")])
    target = os.path.join(TMP, "input-%s.txt" % feature)
    open(target, "w").write("x")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    port = str(listener.getsockname()[1])
    plain = subprocess.run([java, "-cp", cp, "App", target, port], capture_output=True, timeout=60)
    r = agent_run(app, token, comp, [java, "-cp", cp, "App", target, port])
    listener.close()
    check(r.returncode == 0 and r.stdout == plain.stdout,
          "java %s: the class-path app runs unchanged: %r / %r %r" % (feature, r.stdout, plain.stdout, r.stderr[-400:]))
    check(b"agent hidden" in r.stdout, "java %s: no agent class is visible to the application" % feature)
    check(stderr_unchanged(plain, r), "java %s: nothing on stderr but the JVM's note: %r" % (feature, r.stderr))
    deps = dependencies(app, comp, [m2_jar("commons-lang3"), m2_jar("gson"), classes])
    for k in ("commons-lang3", "gson"):
        d = deps.get(m2_jar(k))
        check(d is not None, "java %s: %s reported (%d dependencies seen)" % (feature, k, len(deps)))
        if d:
            check(d.get("purl") == purl(k), "java %s: %s purl %s" % (feature, k, d.get("purl")))
            check(d.get("sha256") == sha(open(m2_jar(k), "rb").read()),
                  "java %s: %s sha256 %s" % (feature, k, d.get("sha256")))
            check(d.get("dep_version") == JARS[k][2] and d.get("load") == "classpath",
                  "java %s: %s version and load kind (%s, %s)" % (feature, k, d.get("dep_version"), d.get("load")))
            check((d.get("first_class") or "").startswith(JARS[k][0].replace("code.", "")[:10]),
                  "java %s: %s first class %s" % (feature, k, d.get("first_class")))
    d = deps.get(classes)
    check(d is not None and d.get("load") == "classdir", "java %s: the class directory is reported" % feature)
    check(any(p == "jrt:/java.base" for p in deps), "java %s: the JDK module java.base is reported" % feature)
    usage = app.events("component:%s AND type:java_method AND jar:%s" % (comp, m2_jar("commons-lang3")), expect=1,
                       wait=30)
    names = [n for e in usage for n in (fields(e).get("methods") or [])]
    check("org.apache.commons.lang3.StringUtils" in names,
          "java %s: class usage names StringUtils (%d names in %d batches)" % (feature, len(names), len(usage)))
    check(all(fields(e).get("purl") == purl("commons-lang3") for e in usage),
          "java %s: class usage carries the dependency's purl" % feature)
    java_frames(app, comp, feature, "type:file AND path:%s" % target, "java.io.FileInputStream.<init>", "file")
    java_frames(app, comp, feature, "type:network AND op:connect AND rport:%s" % port, "java.net.Socket.<init>",
                "network")
    notes = app.events("component:%s AND type:api AND api:telltale.java_agent" % comp, expect=1, wait=10)
    check(any((fields(e).get("args") or [""])[0] == "started" for e in notes), "java %s: the agent's start note" % feature)
    check(not any((fields(e).get("args") or [""])[0] == "warning" for e in notes),
          "java %s: no agent warning: %s" % (feature, [fields(e).get("args") for e in notes][:2]))
    inv = inventory(app, comp, [purl("commons-lang3"), purl("gson")])
    pk = {p["purl"]: p for p in inv.get("packages", [])}
    for k in ("commons-lang3", "gson"):
        p = pk.get(purl(k))
        check(p is not None, "java %s: the inventory lists %s (%s)" % (feature, purl(k), sorted(pk)[:8]))
        if p:
            check(sha(open(m2_jar(k), "rb").read()) in p.get("hashes", {}).values(),
                  "java %s: the inventory holds %s's SHA-256: %s" % (feature, k, p.get("hashes")))


def test_agent_option(app, token, java, feature, classes):
    """A class-path launch gets the agent as -agentlib:instrument (the JVM keeps its archived
    module graph), while the application and its children see the launcher's -javaagent text;
    the agent's worker thread runs at nice 19."""
    comp = "opt%s" % feature
    r = agent_run(app, token, comp, [java, "-Xlog:cds=info:file=%s/cds-%s.log" % (TMP, feature), "-cp", classes,
                                     "EnvApp"])
    check(r.returncode == 0 and r.stdout.startswith(b"app javaagent\nchild javaagent\n"),
          "java %s: the application and its child see the launcher's option: %r %r" % (feature, r.stdout, r.stderr))
    check(r.stdout.endswith(b"agent thread nice 19\n"),
          "java %s: the agent's worker runs behind every other thread (nice 19): %r" % (feature, r.stdout))
    check(b"Picked up JAVA_TOOL_OPTIONS: -agentlib:instrument=" in r.stderr,
          "java %s: the JVM itself was given -agentlib:instrument: %r" % (feature, r.stderr))
    if int(feature) >= 17:
        log = open("%s/cds-%s.log" % (TMP, feature)).read()
        check("full module graph: enabled" in log,
              "java %s: the CDS archive's module graph stays in use: %s" %
              (feature, [l for l in log.splitlines() if "module" in l][:3]))
    notes = app.events("component:%s AND type:api AND api:telltale.java_agent" % comp, expect=1, wait=20)
    check(any((fields(e).get("args") or [""])[0] == "started" for e in notes), "java %s: the agent started" % feature)


def test_modular_app(app, token, java, feature):
    """java -p DIR -m MODULE resolves java.instrument only through -javaagent: it keeps that
    option (-agentlib:instrument would abort this JVM) and the agent works."""
    comp = "mod%s" % feature
    target = os.path.join(TMP, "modular-%s.txt" % feature)
    open(target, "w").write("x")
    args = [java, "-p", os.path.join(TMP, "mods"), "-m", "demo/demo.Main", target]
    plain = subprocess.run(args, capture_output=True, timeout=60)
    r = agent_run(app, token, comp, args)
    check(plain.stdout == b"modular read 120\ntool options none\n", "java %s: the modular app alone: %r %r" %
          (feature, plain.stdout, plain.stderr))
    check(r.returncode == 0 and r.stdout == b"modular read 120\ntool options javaagent\n",
          "java %s: the modular app runs under the agent: %r %r" % (feature, r.stdout, r.stderr[-400:]))
    check(b"Picked up JAVA_TOOL_OPTIONS: -javaagent:" in r.stderr,
          "java %s: the modular JVM was given -javaagent: %r" % (feature, r.stderr))
    deps = dependencies(app, comp, ["jrt:/java.base", os.path.join(TMP, "mods", "demo")])
    check("jrt:/java.base" in deps, "java %s: the modular app's JDK modules are reported (%s)" % (feature, sorted(deps)))
    java_frames(app, comp, feature, "type:file AND path:%s" % target, "java.io.FileInputStream.<init>", "file",
                main="demo.Main.main", source="Main.java")


def java_frames(app, comp, feature, q, jdk_symbol, what, main="App.main", source="App.java"):
    """The interceptor's event for a call made from Java carries the Java frames after the native ones."""
    got = app.events("component:%s AND %s" % (comp, q), expect=1, wait=20)
    stacks = [e.get("stack") or [] for e in got]
    ok = [s for s in stacks if any(f.get("symbol") == main and f.get("file") == source and f.get("line")
                                   for f in s) and any(f.get("symbol") == jdk_symbol for f in s)]
    check(ok, "java %s: the %s event has Java frames (%s at %s:N, %s): %s" %
          (feature, what, main, source, jdk_symbol, [[f.get("symbol") or f.get("module") for f in s][:12] for s in stacks][:2]))
    if ok:
        native = [i for i, f in enumerate(ok[0]) if f.get("module")]
        javas = [i for i, f in enumerate(ok[0]) if f.get("symbol") and not f.get("module")]
        check(native and javas and max(native) < min(javas), "java %s: native frames first, then Java's" % feature)


def inventory(app, comp, purls):
    """The version's inventory once it lists every purl of purls (or after 30 s)."""
    deadline = time.time() + 30
    while True:
        try:
            app.login()
            inv = app.request("GET", "/api/v1/applications/e2e-java/components/%s/versions/1.0/inventory" % comp)
            if set(purls) <= {p["purl"] for p in inv.get("packages", [])} or time.time() > deadline:
                return inv
        except urllib.error.HTTPError as e:
            if e.code != 404 or time.time() > deadline:
                raise
        time.sleep(1)


def stderr_unchanged(plain, r):
    """The agent adds nothing to stderr but the JVM's own JAVA_TOOL_OPTIONS note."""
    lines = [l for l in r.stderr.splitlines() if not l.startswith(b"Picked up JAVA_TOOL_OPTIONS:")]
    return lines == plain.stderr.splitlines()


def import_advisories(app, files):
    """Imports OSV records into the appliance's vulnerability database (a zip, as an Admin would)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for f in files:
            z.write(f, os.path.basename(f))
    app.login()
    req = urllib.request.Request("https://localhost:%d/api/v1/vulndb/import" % app.https, data=buf.getvalue(),
                                 headers={"Authorization": "Bearer " + app.token, "Content-Type": "application/zip"},
                                 method="POST")
    with urllib.request.urlopen(req, context=app._ctx(), timeout=30) as resp:
        job = json.loads(resp.read())["id"]
    deadline = time.time() + 60
    state = "QUEUED"
    while state in ("QUEUED", "RUNNING") and time.time() < deadline:
        time.sleep(0.2)
        state = app.request("GET", "/api/v1/vulndb/imports/%d" % job)["state"]
    return state


def test_vulnerable_dependency(app, token, java, javac):
    """SCA on what the Java agent saw: a vulnerable jackson-core that parses JSON is found, flagged
    as used at run time and raises an alert; a jar on the class path that never runs is not in the
    inventory at all (the agent reports what the JVM loads classes from)."""
    classes = os.path.join(TMP, "parse-classes")
    cp = m2_jar("jackson-core-old")
    subprocess.run([javac, "--release", "11", "-d", classes, "-cp", cp, os.path.join(HERE, "java", "Parse.java")],
                   check=True)
    run_cp = ":".join([classes, cp, m2_jar("commons-lang3-old")])
    r = agent_run(app, token, "parser", [java, "-cp", run_cp, "Parse"])
    check(r.returncode == 0 and r.stdout.strip() == b"tokens 8", "the parser runs: %r %r" % (r.stdout, r.stderr[-300:]))
    state = import_advisories(app, [os.path.join(HERE, "osv", "GHSA-h46c-h94j-95f3.json")])
    check(state == "SUCCEEDED", "the advisory imports: %s" % state)
    found = []
    deadline = time.time() + 60
    while not found and time.time() < deadline:
        app.login()
        app.request("POST", "/api/v1/findings/scan", {})
        found = [f for f in app.request("GET", "/api/v1/findings", params={"application": "e2e-java",
                                                                          "component": "parser"})["findings"]
                 if f["advisory"] == "GHSA-h46c-h94j-95f3"]
        if not found:
            time.sleep(1)
    check(len(found) == 1 and found[0]["used_at_runtime"] and found[0]["package_version"] == "2.13.5"
          and found[0]["cves"] == ["CVE-2025-52999"] and found[0]["fixed_versions"] == ["2.15.0"],
          "jackson-core 2.13.5: vulnerable and used: %s" % found)
    alerts = app.request("GET", "/api/v1/alerts", params={"rule": "supply-chain.vulnerable-package",
                                                          "application": "e2e-java", "component": "parser"})["alerts"]
    check(len(alerts) == 1 and alerts[0]["severity"] == "P2", "one P2 alert for the used vulnerable jar: %s" % alerts)
    inv = app.request("GET", "/api/v1/applications/e2e-java/components/parser/versions/1.0/inventory")
    lang = [p for p in inv["packages"] if p["purl"].startswith("pkg:maven/org.apache.commons/commons-lang3")]
    check(not lang, "commons-lang3 on the class path but never loaded is not in the inventory: %s" % lang)

    # Method tracing: the first traced run's forwarder learns from its WELCOME which packages are
    # vulnerable and writes them to its spool; the agent takes classes loaded after that (the next
    # JVM at the latest) and reports the methods that ran.
    traced = {"TELLTALE_JAVA_METHODS": "vulnerable"}
    trace_file = os.path.join(TMP, "spool-parser", "java-trace")
    purl = "pkg:maven/com.fasterxml.jackson.core/jackson-core@2.13.5"
    for attempt in range(2):
        r = agent_run(app, token, "parser", [java, "-cp", run_cp, "Parse"], env=traced)
        check(r.returncode == 0 and r.stdout.strip() == b"tokens 8",
              "the traced parser runs unchanged: %r %r" % (r.stdout, r.stderr[-300:]))
    listed = open(trace_file).read().split() if os.path.exists(trace_file) else []
    check(listed == [purl], "the forwarder wrote the version's vulnerable packages to its spool: %s" % listed)
    usage = {}
    deadline = time.time() + 60
    while time.time() < deadline:
        usage = app.request("GET", "/api/v1/findings/%d" % found[0]["id"])["usage"]
        if usage["methods_executed"] > 0:
            break
        time.sleep(1)
    methods = usage.get("methods", [])
    check("com.fasterxml.jackson.core.JsonFactory.createParser(String)" in methods
          and "com.fasterxml.jackson.core.json.ReaderBasedJsonParser.nextToken()" in methods,
          "the finding names the vulnerable jar's methods that ran: %s" % methods[:20])
    check(all(m.startswith("com.fasterxml.jackson.core.") for m in methods) and usage["classes_loaded"] > 0,
          "only jackson-core's code, and its classes loaded: %s" % usage)


def test_fat_jar(app, token, java, feature, fat):
    comp = "fat%s" % feature
    plain = subprocess.run([java, "-jar", fat], capture_output=True, timeout=60)
    r = agent_run(app, token, comp, [java, "-jar", fat])
    check(r.returncode == 0 and r.stdout == plain.stdout and b"hello" in r.stdout,
          "java %s: the fat jar runs unchanged: %r / %r %r" % (feature, r.stdout, plain.stdout, r.stderr[-400:]))
    check(stderr_unchanged(plain, r), "java %s: fat jar: nothing on stderr but the JVM's note: %r" % (feature, r.stderr))
    deps = dependencies(app, comp, [fat] + [fat + "!/BOOT-INF/lib/" + os.path.basename(m2_jar(k))
                                            for k in ("commons-lang3", "jackson-core")])
    z = zipfile.ZipFile(fat)
    outer = deps.get(fat)
    check(outer is not None and outer.get("purl") == "pkg:maven/com.example/shop-app@1.4.2"
          and outer.get("sha256") == sha(open(fat, "rb").read()),
          "java %s: the fat jar itself is reported with its coordinates and hash: %s" % (feature, outer))
    for k in ("commons-lang3", "jackson-core"):
        entry = "BOOT-INF/lib/" + os.path.basename(m2_jar(k))
        d = deps.get(fat + "!/" + entry)
        check(d is not None, "java %s: nested %s reported (%s)" % (feature, k, sorted(deps)))
        if d:
            check(d.get("sha256") == sha(z.read(entry)), "java %s: nested %s hashed as the entry's bytes" % (feature, k))
            check(d.get("purl") == purl(k) and d.get("parent") == fat and d.get("load") == "nested",
                  "java %s: nested %s purl, parent, load: %s %s %s" % (feature, k, d.get("purl"), d.get("parent"),
                                                                      d.get("load")))
    cls = deps.get(fat + "!/BOOT-INF/classes")
    check(cls is not None and cls.get("parent") == fat and cls.get("first_class") == "app.FatApp",
          "java %s: BOOT-INF/classes reported as a nested class directory: %s" % (feature, cls))
    inv = inventory(app, comp, [purl("jackson-core"), purl("commons-lang3")])
    pk = {p["purl"]: p for p in inv.get("packages", [])}
    p = pk.get(purl("jackson-core"))
    check(p is not None and sha(z.read("BOOT-INF/lib/" + os.path.basename(m2_jar("jackson-core")))) in
          p.get("hashes", {}).values(), "java %s: the inventory lists nested jackson-core with its hash" % feature)


def test_bundle(app, token, java, classes):
    """The downloadable bundle: its launcher finds lib/java/telltale-java-agent.jar by itself and
    appends it to the user's JAVA_TOOL_OPTIONS."""
    bundles = os.path.join(TMP, "bundles")
    subprocess.run([os.path.join(HERE, "..", "..", "..", "assembly", "assemble.sh"), BUILD, bundles, AGENT_JAR],
                   check=True, capture_output=True)
    home = os.path.join(TMP, "bundle-home")
    os.makedirs(home, exist_ok=True)
    subprocess.run(["tar", "-xzf", os.path.join(bundles, "telltale-agent-linux-x86_64-glibc.tar.gz"), "-C", home,
                    "--strip-components=1"], check=True)
    check(os.path.exists(os.path.join(home, "lib", "java", "telltale-java-agent.jar")), "the bundle ships the agent jar")
    cp = ":".join([classes, m2_jar("commons-lang3"), m2_jar("gson")])
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELLTALE_")}
    env["JAVA_TOOL_OPTIONS"] = "-Dtt.user=kept"
    plain = subprocess.run([java, "-cp", cp, "App"], capture_output=True, timeout=60, env=env)
    r = subprocess.run([os.path.join(home, "bin", "telltale"), "run", "--portal", app.portal, "--token", token, "--ca",
                        app.ca, "--spool", os.path.join(TMP, "spool-bundle"), "-a", "e2e-java", "-c", "bundle", "-V",
                        "1.0", "--", java, "-cp", cp, "App"], capture_output=True, timeout=180, env=env)
    check(r.returncode == 0 and r.stdout == plain.stdout and b"user option kept" in r.stdout,
          "the bundle's launcher keeps the user's JAVA_TOOL_OPTIONS: %r %r" % (r.stdout, r.stderr[-300:]))
    notes = app.events("component:bundle AND type:api AND api:telltale.java_agent", expect=1, wait=20)
    check(len(notes) >= 1, "the bundle's agent jar was found and started")


def test_without_forwarder(java, feature, classes):
    """-javaagent by hand, no telltale run: the agent does nothing and says nothing."""
    cp = ":".join([classes, m2_jar("commons-lang3"), m2_jar("gson")])
    plain = subprocess.run([java, "-cp", cp, "App"], capture_output=True, timeout=60)
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELLTALE_") and k != "LD_PRELOAD"}
    r = subprocess.run([java, "-javaagent:" + os.path.abspath(AGENT_JAR), "-cp", cp, "App"], capture_output=True,
                       timeout=60, env=env)
    check(r.returncode == 0 and r.stdout == plain.stdout and r.stderr == plain.stderr,
          "java %s: -javaagent without telltale run is silent and harmless: %r %r" % (feature, r.stdout, r.stderr))
    check(b"agent hidden" in r.stdout, "java %s: agent classes hidden without telltale run too" % feature)


def main():
    for f, what in ((TT, "telltale"), (LIB, "libtelltale.so"), (AGENT_JAR, "the agent jar"), (tf.JAR, "the appliance")):
        if not os.path.exists(f) and os.environ.get("TELLTALE_REQUIRE_E2E") != "1":
            print("-- Java agent end to end SKIPPED: %s is not built (%s)" % (what, f))
            return 0
        if not os.path.exists(f):
            print("  FAIL: %s is not built (%s)" % (what, f))
            print("0 passed, 1 failed")
            return 1
    for k in JARS:
        if not os.path.exists(m2_jar(k)):
            # a fresh machine may not have it yet: Maven fetches it from Central into ~/.m2
            subprocess.run(["mvn", "-B", "-q", "-ntp", "dependency:get", "-Dtransitive=false",
                            "-Dartifact=%s:%s:%s" % JARS[k]], capture_output=True, timeout=300)
    missing = [m2_jar(k) for k in JARS if not os.path.exists(m2_jar(k))]
    if missing:
        print("  FAIL: Maven artifacts missing from the local repository: %s" % missing)
        print("0 passed, 1 failed")
        return 1
    found = runtimes()
    print("-- Java runtimes:", ", ".join("%s (%s)" % (k, v) for k, v in sorted(found.items())))
    jdk = os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64")
    classes, fat = build_apps(os.path.join(jdk, "bin", "javac"))
    app = tf.Appliance()
    app.data = os.path.join(TMP, "appliance")
    app.start()
    try:
        token = app.run_token("e2e-java")
        only = os.environ.get("TELLTALE_E2E_ONLY")  # a developer's shortcut: "vulnerable" runs that test alone
        if only == "vulnerable":
            found = {}
        for feature, java in sorted(found.items()):
            for name, t in (("classpath", lambda: test_classpath_app(app, token, java, feature, classes)),
                            ("fat jar", lambda: test_fat_jar(app, token, java, feature, fat)),
                            ("agent option", lambda: test_agent_option(app, token, java, feature, classes)),
                            ("modular app", lambda: test_modular_app(app, token, java, feature)),
                            ("no forwarder", lambda: test_without_forwarder(java, feature, classes))):
                print("-- java %s: %s" % (feature, name), flush=True)
                try:
                    t()
                except Exception:
                    check(False, "java %s %s raised:\n%s" % (feature, name, traceback.format_exc()))
        print("-- vulnerable dependency", flush=True)
        try:
            test_vulnerable_dependency(app, token, os.path.join(jdk, "bin", "java"), os.path.join(jdk, "bin", "javac"))
        except Exception:
            check(False, "vulnerable dependency raised:\n%s" % traceback.format_exc())
        if not only:
            print("-- bundle", flush=True)
            try:
                test_bundle(app, token, found[max(found, key=int)], classes)
            except Exception:
                check(False, "bundle raised:\n%s" % traceback.format_exc())
    finally:
        app.stop()
    tf.clean_up(TMP)
    print("%d passed, %d failed" % (tf.passed, tf.failed))
    return 1 if tf.failed else 0


if __name__ == "__main__":
    sys.exit(main())
