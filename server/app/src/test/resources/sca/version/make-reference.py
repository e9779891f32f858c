#!/usr/bin/env python3
"""Writes the reference orderings the version tests check against: random versions of each
ecosystem's shapes, compared by the ecosystem's own tool.

Needs dpkg (dpkg --compare-versions), rpm (rpm.vercmp through rpm --eval), Python's
packaging library, and node with the semver package (NODE_PATH pointing at it). Run from this
directory; the output is deterministic for a given seed and tool versions.
"""
import json
import random
import subprocess

PAIRS = 1500


def pick(r, *choices):
    return r.choice(choices)


def join(r, pieces, n):
    return "".join(r.choice(pieces) for _ in range(n))


def dpkg_version(r):
    return (pick(r, "", "", "", "1:", "0:", "2:", "10:")
            + pick(r, "0", "1", "2", "10", "01", "1.0", "2.30")
            + join(r, [".", "0", "1", "2", "10", "a", "b", "z", "A", "~", "~rc1", "~~", "+", "+b1", ".", "-", "00"],
                   r.randrange(6))
            + pick(r, "", "", "-1", "-0", "-2", "-1ubuntu1", "-1ubuntu1.2", "-1+deb12u1", "-1~deb12u1", "-1.1",
                   "-0+b1", "-~", "-a"))


def dpkg_valid(v):
    s = v.split(":", 1)[1] if ":" in v else v
    up, _, rev = s.rpartition("-") if "-" in s else (s, "", "")
    ok = lambda part, extra: all(c.isalnum() or c in extra for c in part)
    return up[:1].isdigit() and ok(up, ".-+~:") and ok(rev, ".+~") and not s.endswith("-")


def dpkg_compare(a, b):
    if subprocess.run(["dpkg", "--compare-versions", a, "lt", b]).returncode == 0:
        return -1
    return 0 if subprocess.run(["dpkg", "--compare-versions", a, "eq", b]).returncode == 0 else 1


def rpm_version(r, release):
    v = (pick(r, "0", "1", "2", "10", "a", "1.0")
         + join(r, [".", "0", "1", "2", "10", "a", "b", "rc", "~", "^", "git", "_", "+", ".", "00"], r.randrange(6)))
    if release:
        v = pick(r, "", "", "1:", "0:", "2:") + v + "-" + pick(r, "1", "2", "10", "1.el9", "1.el9_4", "1.el9_4.1",
                                                               "0.1~rc1", "2^git1", "1.fc40", "a")
    return v


def rpm_compare_all(pairs):
    table = ",".join("{%s,%s}" % (json.dumps(a), json.dumps(b)) for a, b in pairs)
    script = "%{lua: for _, p in ipairs({" + table + "}) do print(rpm.vercmp(p[1], p[2]) .. ' ') end}"
    out = subprocess.run(["rpm", "--eval", script], capture_output=True, text=True, check=True).stdout
    return [int(x) for x in out.split()]


def pep440_version(r):
    return (pick(r, "", "", "", "1!", "v", "0!")
            + pick(r, "0", "1", "1.0", "1.0.0", "2", "1.2", "10", "1.01", "2013.10")
            + pick(r, "", "", "a", "b", "rc", "alpha", "c", "-pre", ".b", "preview", "_beta") + pick(r, "", "1", "2", "10")
            + pick(r, "", "", ".post1", "-1", "post2", ".r", "-2", ".rev3", "_post")
            + pick(r, "", "", ".dev0", ".dev", "dev3", "-dev10")
            + pick(r, "", "", "", "+abc", "+5", "+abc.5", "+ubuntu-1", "+1.2", "+ABC", "+05", "+", "+a..b"))


def semver_version(r):
    pre = ".".join(pick(r, "alpha", "beta", "rc", "1", "2", "11", "0", "x-y", "a1", "-", "01", "rc")
                   for _ in range(r.randrange(1, 4)))
    return (pick(r, "", "", "v")
            + ".".join(pick(r, "0", "1", "2", "10", "0", "1", "01") for _ in range(3))
            + ("" if r.random() < 0.4 else "-" + pre)
            + pick(r, "", "", "+build.1", "+001", "+a.b"))


def semver_compare_all(pairs):
    script = ("const s=require('semver');const p=JSON.parse(require('fs').readFileSync(0,'utf8'));"
              "for(const [a,b] of p){console.log(s.valid(a)&&s.valid(b)?s.compare(a,b):'x')}")
    out = subprocess.run(["node", "-e", script], input=json.dumps(pairs), capture_output=True, text=True,
                         check=True).stdout
    return out.split()


def write(name, header, rows):
    with open(name, "w") as f:
        f.write("# " + header + "\n")
        for row in rows:
            f.write("\t".join(str(x) for x in row) + "\n")


def near(r, make, pool):
    """Half the pairs take both versions from a small pool, so that near-equal pairs are common."""
    return pick(r, *pool) if r.random() < 0.5 else make(r)


def main():
    r = random.Random(11)
    pool = [v for v in (dpkg_version(r) for _ in range(200)) if dpkg_valid(v)][:40]
    pairs = []
    while len(pairs) < PAIRS:
        a, b = near(r, dpkg_version, pool), near(r, dpkg_version, pool)
        if dpkg_valid(a) and dpkg_valid(b):
            pairs.append((a, b))
    write("dpkg-reference.tsv", "a, b, dpkg --compare-versions (dpkg 1.21)",
          [(a, b, dpkg_compare(a, b)) for a, b in pairs])

    pairs = []
    for i in range(PAIRS):
        release = i % 2 == 0  # rpm compares releases only when both versions have one
        pairs.append((rpm_version(r, release), rpm_version(r, release)))
    write("rpm-reference.tsv", "a, b, rpm.vercmp (rpm 4.18)",
          [(a, b, c) for (a, b), c in zip(pairs, rpm_compare_all(pairs))])

    import packaging
    from packaging.version import InvalidVersion, Version
    packaging_version = packaging.__version__
    rows = []
    pool = [pep440_version(r) for _ in range(60)]
    while len(rows) < PAIRS:
        a, b = near(r, pep440_version, pool), near(r, pep440_version, pool)
        try:
            va, vb = Version(a), Version(b)
        except InvalidVersion:
            continue
        rows.append((a, b, (va > vb) - (va < vb)))
    write("pep440-reference.tsv", "a, b, packaging.version.Version (packaging %s)" % packaging_version, rows)
    candidates = [pep440_version(r) for _ in range(PAIRS)]

    def valid(v):
        try:
            Version(v)
            return True
        except InvalidVersion:
            return False
    write("pep440-validity.tsv", "version, accepted by packaging.version.Version (packaging %s)" % packaging_version,
          [(v, str(valid(v)).lower()) for v in candidates])

    pool = [semver_version(r) for _ in range(60)]
    pairs = [(near(r, semver_version, pool), near(r, semver_version, pool)) for _ in range(PAIRS * 3)]
    rows = [(a, b, c) for (a, b), c in zip(pairs, semver_compare_all(pairs)) if c != "x"][:PAIRS]
    write("semver-reference.tsv", "a, b, semver.compare (node-semver 7)", rows)


if __name__ == "__main__":
    main()
