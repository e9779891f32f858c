/*
 * Throughput sender for the channel: P processes each send N `file` events (about 150 bytes,
 * with a 3-frame stack, like a real interceptor's) to TELLTALE_CHANNEL as fast as the
 * socket takes them (blocking sends: back-pressure, never loss). Paths are
 * /tt-bench/<tag>/<proc>/<i>. Prints the send rate to stderr.
 *
 *   chanbench TAG PROCS EVENTS_PER_PROC
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static size_t varint(uint8_t *p, uint64_t v) {
    size_t n = 0;
    while (v >= 0x80) {
        p[n++] = (uint8_t) (v | 0x80);
        v >>= 7;
    }
    p[n++] = (uint8_t) v;
    return n;
}

static size_t field_bytes(uint8_t *p, uint32_t num, const void *d, size_t len) {
    size_t n = varint(p, (uint64_t) num << 3 | 2);
    n += varint(p + n, len);
    memcpy(p + n, d, len);
    return n + len;
}

static size_t field_varint(uint8_t *p, uint32_t num, uint64_t v) {
    size_t n = varint(p, (uint64_t) num << 3);
    return n + varint(p + n, v);
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static int sender(const char *tag, int proc, long count) {
    const char *name = getenv("TELLTALE_CHANNEL");
    if (!name || name[0] != '@') {
        fprintf(stderr, "chanbench: TELLTALE_CHANNEL not set\n");
        return 1;
    }
    int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    int sndbuf = 1 << 20;
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    size_t nl = strlen(name);
    memcpy(a.sun_path + 1, name + 1, nl - 1);
    if (connect(fd, (struct sockaddr *) &a, (socklen_t) (offsetof(struct sockaddr_un, sun_path) + nl)) != 0) {
        perror("chanbench: connect");
        return 1;
    }
    uint8_t rec[1024], body[512], frame[256], ev[900];
    pid_t pid = getpid();
    for (long i = 0; i < count; i++) {
        char path[128];
        int pl = snprintf(path, sizeof path, "/tt-bench/%s/%d/%ld", tag, proc, i);
        size_t b = field_bytes(body, 1, "openat", 6);
        b += field_bytes(body + b, 2, path, (size_t) pl);
        b += field_varint(body + b, 4, 0x80000);
        b += field_varint(body + b, 6, 6);
        size_t e = field_varint(ev, 1, 6);
        e += field_varint(ev + e, 3, (uint64_t) pid);
        e += field_varint(ev + e, 4, (uint64_t) pid);
        static const char *mods[] = {"/usr/lib/x86_64-linux-gnu/libc.so.6", "/usr/bin/app", "/usr/bin/app"};
        for (int k = 0; k < 3; k++) {
            size_t f = field_bytes(frame, 1, mods[k], strlen(mods[k]));
            f += field_varint(frame + f, 2, 0x1000u + (uint64_t) k * 0x345u);
            e += field_bytes(ev + e, 5, frame, f);
        }
        e += field_bytes(ev + e, 6, body, b);
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        uint64_t t = (uint64_t) ts.tv_sec * 1000000u + (uint64_t) ts.tv_nsec / 1000u;
        rec[0] = 1;
        memcpy(rec + 1, &t, 8); /* little-endian on x86_64 */
        memcpy(rec + 9, ev, e);
        if (send(fd, rec, 9 + e, 0) < 0) {
            perror("chanbench: send");
            return 1;
        }
    }
    close(fd);
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: chanbench TAG PROCS EVENTS_PER_PROC\n");
        return 2;
    }
    int procs = atoi(argv[2]);
    long count = atol(argv[3]);
    double t0 = now();
    for (int p = 0; p < procs; p++) {
        if (fork() == 0) {
            _exit(sender(argv[1], p, count));
        }
    }
    int rc = 0, st;
    while (wait(&st) > 0) {
        rc |= !WIFEXITED(st) || WEXITSTATUS(st);
    }
    double dt = now() - t0;
    fprintf(stderr, "chanbench: %ld events sent in %.3f s (%.0f events/s)\n", procs * count, dt, procs * count / dt);
    return rc;
}
