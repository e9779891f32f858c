#!/usr/bin/env python3
"""A stand-in interceptor: speaks the channel format of docs/interceptor.md to the forwarder
named by TELLTALE_CHANNEL, so the forwarder can be tested without libtelltale.so.

  chansend.py --tag T --events N       N `file` events, path /tt-test/T/<i>, in order
  chansend.py --bearer VALUE           one bearer_token event carrying VALUE in clear
  chansend.py --env NAME=VALUE         one process_start event with that environment variable
  chansend.py --lost N                 a `lost` record for N events
  chansend.py --garbage                a record of an unknown kind
  --sleep S                            sleep S seconds after sending (keeps the program alive)
  --hold FILE                          after sending, stay alive while FILE exists (at most 120 s)
  --rate R                             at most R events per second
  --procs P                            send from P forked processes (one connection each)
"""
import argparse
import os
import socket
import struct
import sys
import time


def varint(v):
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def field_varint(num, v):
    return varint(num << 3) + varint(v)


def field_bytes(num, b):
    if isinstance(b, str):
        b = b.encode()
    return varint(num << 3 | 2) + varint(len(b)) + b


def envelope(etype, body, pid=None, tid=None, stack=True):
    pid = pid or os.getpid()
    ev = field_varint(1, etype) + field_varint(3, pid) + field_varint(4, tid or pid)
    if stack:
        ev += field_bytes(5, field_bytes(1, "/usr/lib/libfake.so") + field_varint(2, 0x1234))
    return ev + field_bytes(6, body)


def event_record(ev, t_us=None):
    return b"\x01" + struct.pack("<Q", t_us or int(time.time() * 1e6)) + ev


def connect():
    name = os.environ.get("TELLTALE_CHANNEL")
    if not name:
        sys.exit("chansend: TELLTALE_CHANNEL is not set")
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
    s.connect("\0" + name[1:])
    return s


def send_events(s, tag, n, start, rate):
    t0 = time.time()
    for i in range(start, start + n):
        body = field_bytes(1, "open") + field_bytes(2, "/tt-test/%s/%d" % (tag, i)) + field_varint(6, 6)  # fd 3, zigzag
        s.send(event_record(envelope(6, body)))
        if rate:
            ahead = (i - start + 1) / rate - (time.time() - t0)
            if ahead > 0:
                time.sleep(ahead)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tag", default="t")
    ap.add_argument("--events", type=int, default=0)
    ap.add_argument("--bearer")
    ap.add_argument("--env", action="append", default=[])
    ap.add_argument("--lost", type=int, default=0)
    ap.add_argument("--garbage", action="store_true")
    ap.add_argument("--sleep", type=float, default=0)
    ap.add_argument("--rate", type=float, default=0)
    ap.add_argument("--procs", type=int, default=1)
    ap.add_argument("--hold")
    a = ap.parse_args()

    children = []
    per = a.events // a.procs
    for p in range(a.procs):
        n = per if p < a.procs - 1 else a.events - per * (a.procs - 1)
        if a.procs > 1:
            pid = os.fork()
            if pid:
                children.append(pid)
                continue
        s = connect()
        send_events(s, a.tag, n, p * per, a.rate)
        if p == 0:
            if a.bearer:
                body = field_bytes(1, "Bearer") + field_bytes(2, a.bearer) + field_varint(5, 8080) + field_bytes(6, "/api/" + a.tag)
                s.send(event_record(envelope(13, body)))
            for kv in a.env:
                name, _, value = kv.partition("=")
                env = field_bytes(1, name) + field_bytes(2, value)
                body = (field_bytes(1, "testhost") + field_bytes(17, "/usr/bin/" + a.tag) + field_bytes(18, a.tag)
                        + field_bytes(20, env) + field_bytes(20, field_bytes(1, "HOME") + field_bytes(2, "/root")))
                s.send(event_record(envelope(1, body, stack=False)))
            if a.lost:
                s.send(b"\x02" + struct.pack("<II", a.lost, os.getpid()))
            if a.garbage:
                s.send(b"\x09garbage")
        if a.procs > 1:
            s.close()
            os._exit(0)
        if a.sleep:
            time.sleep(a.sleep)
        deadline = time.time() + 120
        while a.hold and os.path.exists(a.hold) and time.time() < deadline:
            time.sleep(0.1)
        s.close()
    for pid in children:
        os.waitpid(pid, 0)
    if a.sleep and a.procs > 1:
        time.sleep(a.sleep)


if __name__ == "__main__":
    main()
