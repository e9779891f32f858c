#!/usr/bin/env python3
"""A stand-in for the forwarder's receiving side, for tests of libtelltale.so.

It binds the abstract SOCK_SEQPACKET channel of docs/interceptor.md, receives records
(kind 1 = event: u64 time_us + envelope without dt_us; kind 2 = lost: u32 count, u32 pid),
decodes every event strictly against the schema of docs/protocol.md §9 / Schemas.java
(unknown fields, wrong wire types, oversized values, too many items, missing required
fields and invalid UTF-8 are errors, as on the appliance) and keeps them for assertions.

    python3 ttcollect.py [--lib PATH] -- CMD ARGS...   # run CMD intercepted, print events
"""
import json
import os
import socket
import struct
import subprocess
import sys
import threading
import time

PATH = 4096
ARGS = 4096

# (number, name, kind, max_bytes, max_items (0 = single), required, nested)
S, U, I, B, Y, M = "string", "uint", "sint", "bool", "bytes", "message"


def f(num, name, kind, maxb=0, items=0, req=False, nested=None):
    return (num, name, kind, maxb, items, req, nested)


STACK_FRAME = [f(1, "module", S, PATH), f(2, "offset", U), f(3, "symbol", S, 1024),
               f(4, "file", S, PATH), f(5, "line", U), f(6, "build_id", S, 128)]
ENV_VAR = [f(1, "name", S, 1024, req=True), f(2, "value", S, 32768), f(3, "hash", S, 128),
           f(4, "masked", B)]
MEM_MAP = [f(1, "start", U, req=True), f(2, "end", U, req=True), f(3, "perms", S, 8),
           f(4, "offset", U), f(5, "path", S, PATH)]
FD = [f(1, "num", I), f(2, "kind", S, 16), f(3, "path", S, PATH), f(4, "laddr", S, 128),
      f(5, "lport", U), f(6, "raddr", S, 128), f(7, "rport", U), f(8, "state", S, 16)]

TYPES = {
    1: ("process_start", [
        f(1, "hostname", S, 256, req=True), f(2, "uptime_s", U), f(3, "cpu_count", U),
        f(4, "cpu_model", S, 256), f(5, "os_name", S, 256), f(6, "os_version", S, 256),
        f(7, "cloud", S, 64), f(8, "container_runtime", S, 64), f(9, "container_id", S, 128),
        f(10, "ppid", U), f(11, "uid", U), f(12, "gid", U), f(13, "euid", U), f(14, "egid", U),
        f(15, "k8s_pod", S, 256), f(16, "k8s_namespace", S, 256),
        f(17, "exe", S, PATH, req=True), f(18, "argv", S, ARGS * 8, ARGS), f(19, "cwd", S, PATH),
        f(20, "env", M, 0, ARGS, nested=ENV_VAR), f(21, "maps", M, 0, 65536, nested=MEM_MAP),
        f(22, "kernel", S, 256), f(23, "cpu_arch", S, 32)]),
    2: ("process_exit", [f(1, "exit_code", I), f(2, "signal", U), f(3, "crashed", B),
                         f(4, "runtime_ms", U)]),
    5: ("api", [f(1, "api", S, 128, req=True), f(2, "args", S, ARGS, 64), f(3, "result", I)]),
    6: ("file", [f(1, "op", S, 32, req=True), f(2, "path", S, PATH, req=True), f(3, "path2", S, PATH),
                 f(4, "flags", U), f(5, "mode", U), f(6, "fd", I), f(7, "result", I),
                 f(8, "errno", U), f(9, "flag_names", S, 256)]),
    7: ("network", [f(1, "op", S, 32, req=True), f(2, "family", S, 16), f(3, "laddr", S, PATH),
                    f(4, "lport", U), f(5, "raddr", S, PATH), f(6, "rport", U),
                    f(7, "fqdn", S, 1024, 256), f(8, "resolved", S, 128, 1024), f(9, "fd", I),
                    f(10, "result", I), f(11, "transport", S, 16), f(12, "errno", U)]),
    8: ("identity", [f(1, "op", S, 32, req=True), f(2, "from_id", U, 0, 65536),
                     f(3, "to_id", U, 0, 65536, req=True), f(4, "result", I), f(5, "errno", U)]),
    9: ("process", [f(1, "op", S, 32, req=True), f(2, "path", S, PATH), f(3, "argv", S, ARGS * 8, ARGS),
                    f(4, "child_pid", U), f(5, "result", I), f(6, "errno", U)]),
    10: ("dependency", [f(1, "path", S, PATH, req=True), f(2, "sha256", Y, 32), f(3, "parent", S, PATH),
                        f(4, "language", S, 32), f(5, "dep_version", S, 256), f(6, "load", S, 32),
                        f(7, "size", U), f(8, "name", S, 512), f(9, "purl", S, 1024), f(10, "first_class", S, 1024)]),
    11: ("webapp", [f(1, "protocol", S, 32, req=True), f(2, "family", S, 16), f(3, "laddr", S, PATH),
                    f(4, "lport", U, req=True), f(5, "raddr", S, PATH), f(6, "rport", U), f(7, "tls", B)]),
    12: ("webapp_uri", [f(1, "method", S, 32, req=True), f(2, "uri", S, 8192, req=True),
                        f(3, "lport", U), f(4, "status", U)]),
    13: ("bearer_token", [f(1, "auth_type", S, 32, req=True), f(2, "value", S, 16384),
                          f(3, "token_hash", S, 128), f(4, "token_masked", S, 64), f(5, "lport", U),
                          f(6, "uri", S, 8192), f(7, "tls", B)]),
    14: ("heartbeat", [f(1, "fds", M, 0, 65536, nested=FD), f(2, "cpu_user_ms", U), f(3, "cpu_sys_ms", U),
                       f(4, "rss_kb", U), f(5, "vsz_kb", U), f(6, "agent_cpu_ms", U),
                       f(7, "agent_rss_kb", U), f(8, "threads_created", U), f(9, "forks", U),
                       f(10, "threads", U), f(11, "interval_ms", U)]),
    15: ("memory_warning", [f(1, "kind", S, 64, req=True), f(2, "function", S, 128), f(3, "detail", S, 1024),
                            f(4, "dest_size", U), f(5, "src_size", U), f(6, "suppressed", U)]),
    16: ("java_method", [f(1, "class", S, 1024, req=True), f(2, "methods", S, 1024, 65536),
                         f(3, "jar", S, PATH), f(4, "purl", S, 1024), f(5, "count", U)]),
}


class DecodeError(Exception):
    pass


def varint(buf, pos):
    v = 0
    shift = 0
    while True:
        if pos >= len(buf):
            raise DecodeError("truncated varint")
        b = buf[pos]
        pos += 1
        v |= (b & 0x7F) << shift
        if not b & 0x80:
            return v, pos
        shift += 7
        if shift > 63:
            raise DecodeError("varint too long")


def fields(buf):
    """Yields (number, wire_type, value) of a protobuf message."""
    pos = 0
    while pos < len(buf):
        tag, pos = varint(buf, pos)
        num, wt = tag >> 3, tag & 7
        if wt == 0:
            v, pos = varint(buf, pos)
        elif wt == 2:
            n, pos = varint(buf, pos)
            if pos + n > len(buf):
                raise DecodeError("field %d: length %d past the end" % (num, n))
            v = bytes(buf[pos:pos + n])
            pos += n
        else:
            raise DecodeError("field %d: wire type %d" % (num, wt))
        yield num, wt, v


def decode_msg(buf, schema, where):
    by_num = {d[0]: d for d in schema}
    out = {}
    for num, wt, v in fields(buf):
        d = by_num.get(num)
        if d is None:
            raise DecodeError("%s: unknown field %d" % (where, num))
        _, name, kind, maxb, items, req, nested = d
        want = 2 if kind in (S, Y, M) else 0
        if wt != want:
            raise DecodeError("%s.%s: wire type %d, expected %d" % (where, name, wt, want))
        if kind == S:
            try:
                val = v.decode("utf-8")
            except UnicodeDecodeError:
                raise DecodeError("%s.%s: invalid UTF-8" % (where, name))
            if len(v) > maxb:
                raise DecodeError("%s.%s: %d bytes > %d" % (where, name, len(v), maxb))
        elif kind == Y:
            if len(v) > maxb:
                raise DecodeError("%s.%s: %d bytes > %d" % (where, name, len(v), maxb))
            val = v.hex()
        elif kind == M:
            val = decode_msg(v, nested, where + "." + name)
        elif kind == I:
            val = (v >> 1) ^ -(v & 1)
        elif kind == B:
            if v > 1:
                raise DecodeError("%s.%s: bool %d" % (where, name, v))
            val = bool(v)
        else:
            val = v
        if items:
            lst = out.setdefault(name, [])
            if len(lst) >= items:
                raise DecodeError("%s.%s: more than %d values" % (where, name, items))
            lst.append(val)
        else:
            if name in out:
                raise DecodeError("%s.%s: repeated value for a single field" % (where, name))
            out[name] = val
    for d in schema:
        if d[5] and d[1] not in out:
            raise DecodeError("%s: missing required field %s" % (where, d[1]))
    return out


def decode_event(buf):
    ev = {"stack": []}
    body = None
    for num, wt, v in fields(buf):
        if num == 1 and wt == 0:
            if "code" in ev:
                raise DecodeError("envelope: repeated type")
            ev["code"] = v
        elif num == 2:
            raise DecodeError("envelope: dt_us must not cross the local channel")
        elif num == 3 and wt == 0:
            ev["pid"] = v
        elif num == 4 and wt == 0:
            ev["tid"] = v
        elif num == 5 and wt == 2:
            if len(ev["stack"]) >= 256:
                raise DecodeError("envelope: more than 256 frames")
            ev["stack"].append(decode_msg(v, STACK_FRAME, "stack"))
        elif num == 6 and wt == 2:
            if body is not None:
                raise DecodeError("envelope: repeated body")
            body = v
        else:
            raise DecodeError("envelope: unknown field %d (wire type %d)" % (num, wt))
    if "code" not in ev:
        raise DecodeError("envelope: missing type")
    t = TYPES.get(ev["code"])
    if t is None:
        raise DecodeError("unknown event type %d" % ev["code"])
    ev["type"] = t[0]
    ev["body"] = decode_msg(body or b"", t[1], t[0])
    return ev


class Collector:
    """Receives records on an abstract SEQPACKET socket in background threads."""

    def __init__(self, name=None):
        self.name = name or "telltale-test-%d-%d" % (os.getpid(), int(time.time() * 1e6) % 10**9)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.sock.bind("\0" + self.name)
        self.sock.listen(128)
        self.lock = threading.Condition()
        self.events = []
        self.lost = []
        self.errors = []
        self.records = 0
        self.max_record = 0
        self.conns = 0
        self.closed = False
        self.paused = False
        self.conn_socks = []
        self.acceptor = threading.Thread(target=self._accept, daemon=True)
        self.acceptor.start()

    @property
    def channel(self):
        return "@" + self.name

    def env(self, lib, **extra):
        e = dict(os.environ)
        e["LD_PRELOAD"] = lib
        e["TELLTALE_CHANNEL"] = self.channel
        e.update({k: str(v) for k, v in extra.items()})
        return e

    def _accept(self):
        while not self.closed:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            with self.lock:
                self.conns += 1
                self.conn_socks.append(c)
            threading.Thread(target=self._read, args=(c,), daemon=True).start()

    def _read(self, c):
        while True:
            while self.paused:
                time.sleep(0.01)
            try:
                rec = c.recv(512 * 1024)
            except OSError:
                return
            if not rec:
                c.close()
                return
            with self.lock:
                self.records += 1
                self.max_record = max(self.max_record, len(rec))
                try:
                    self._record(rec)
                except DecodeError as e:
                    self.errors.append("%s (record %s...)" % (e, rec[:48].hex()))
                self.lock.notify_all()

    def _record(self, rec):
        if len(rec) > 256 * 1024:
            raise DecodeError("record of %d bytes > 256 KiB" % len(rec))
        kind = rec[0]
        if kind == 1:
            if len(rec) < 10:
                raise DecodeError("short event record")
            (t,) = struct.unpack_from("<Q", rec, 1)
            ev = decode_event(rec[9:])
            ev["time_us"] = t
            ev["size"] = len(rec)
            self.events.append(ev)
        elif kind == 2:
            if len(rec) != 9:
                raise DecodeError("lost record of %d bytes" % len(rec))
            self.lost.append(struct.unpack_from("<II", rec, 1))
        else:
            raise DecodeError("record kind %d" % kind)

    def select(self, type=None, pid=None, **body):
        with self.lock:
            out = []
            for e in self.events:
                if type is not None and e["type"] != type:
                    continue
                if pid is not None and e.get("pid") != pid:
                    continue
                if all(e["body"].get(k) == v for k, v in body.items()):
                    out.append(e)
            return out

    def wait_for(self, pred, timeout=5.0):
        """Waits until pred(events) is truthy; returns its value (or the last, falsy)."""
        end = time.time() + timeout
        with self.lock:
            while True:
                v = pred(list(self.events))
                if v or time.time() >= end:
                    return v
                self.lock.wait(max(0.01, min(0.2, end - time.time())))

    def clear(self):
        with self.lock:
            self.events.clear()
            self.lost.clear()

    def vanish(self):
        """The forwarder dies: listener and every connection go away."""
        self.close()
        with self.lock:
            for c in self.conn_socks:
                try:
                    c.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self):
        # shutdown wakes the accept thread; a bare close would leave it blocked, and the
        # descriptor number, reused by the next collector, could then be accepted on here
        self.closed = True
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.acceptor.join(timeout=2)
        self.sock.close()


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    lib = os.path.join(here, "..", "..", "build", "glibc", "libtelltale.so")
    if "--lib" in argv:
        i = argv.index("--lib")
        lib = argv[i + 1]
        del argv[i:i + 2]
    if "--" not in argv:
        print(__doc__)
        return 2
    cmd = argv[argv.index("--") + 1:]
    col = Collector()
    r = subprocess.run(cmd, env=col.env(os.path.abspath(lib)))
    time.sleep(0.3)
    for e in col.events:
        print(json.dumps(e))
    for l in col.lost:
        print(json.dumps({"lost": l[0], "pid": l[1]}))
    for err in col.errors:
        print("DECODE ERROR:", err, file=sys.stderr)
    return r.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
