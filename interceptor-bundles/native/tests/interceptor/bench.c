/*
 * Micro-benchmark of the interceptor: nanoseconds (CPU time of the calling thread) per
 * open+close and per connect+close, measured in child processes run (1) without the interceptor, (2) with it but no channel
 * (TELLTALE_CHANNEL unset: pass-through), (3) recording into the shared-memory ring, with
 * this process draining it as the forwarder does, (4) the same with frame-pointer stacks,
 * the complete unwinder, and without stack traces, (5) recording over the socket only (no
 * ring: one system call per event). Each mode runs in several alternating rounds and the
 * best round counts (this is a shared 2-core machine). Prints figures; asserts nothing.
 *
 *   icpt_bench LIB [ITERATIONS]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <spawn.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../common/tt_ring.h"

extern char **environ;

static struct tt_ring_reader reader;

static int alive(uint32_t pid) {
    (void) pid;
    return 1;
}

/* The forwarder's side of the ring: take records as they come, sleep when it is empty. */
static void *drain_ring(void *arg) {
    (void) arg;
    static uint8_t buf[300 * 1024];
    for (;;) {
        size_t n;
        uint32_t pid;
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        uint64_t ms = (uint64_t) ts.tv_sec * 1000u + (uint64_t) ts.tv_nsec / 1000000u;
        int r = tt_ring_take(&reader, buf, &n, &pid, ms, alive);
        if (r == TT_RING_EMPTY) {
            struct timespec one = {0, 1000000};
            nanosleep(&one, NULL); /* poll while records flow ... */
            if (tt_ring_pending(&reader.r) == 0) {
                tt_ring_wait(&reader.r, 1000); /* ... and sleep on the futex when idle */
            }
        } else if (r == TT_RING_WAIT) {
            struct timespec tiny = {0, 50000};
            nanosleep(&tiny, NULL);
        }
    }
    return NULL;
}

/* CPU time of the measuring thread: on a shared machine wall time mostly measures the
   neighbours (what the forwarder spends draining is its own CPU, not counted here). */
static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int measure(int n) {
    double t0 = now_ns();
    for (int i = 0; i < n; i++) {
        int fd = open("/dev/null", O_RDONLY);
        close(fd);
    }
    double open_ns = (now_ns() - t0) / n;

    int ls = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (bind(ls, (struct sockaddr *) &a, sizeof a) != 0 || listen(ls, 4096) != 0 ||
        getsockname(ls, (struct sockaddr *) &a, &len) != 0) {
        return 1;
    }
    int m = n / 10 > 0 ? n / 10 : 1;
    double t1 = now_ns(), accept_ns = 0;
    for (int i = 0; i < m; i++) {
        int c = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(c, (struct sockaddr *) &a, sizeof a) != 0) {
            return 1;
        }
        double ta = now_ns();
        int s = accept(ls, NULL, NULL);
        accept_ns += now_ns() - ta;
        close(s);
        close(c);
    }
    double conn_ns = (now_ns() - t1 - accept_ns) / m;
    printf("%.0f %.0f\n", open_ns, conn_ns);
    return 0;
}

static void *drain(void *arg) {
    int ls = *(int *) arg;
    static char buf[300 * 1024];
    for (;;) {
        int c = accept(ls, NULL, NULL);
        if (c < 0) {
            return NULL;
        }
        while (recv(c, buf, sizeof buf, 0) > 0) {
        }
        close(c);
    }
}

static int run(const char *self, const char *lib, const char *channel, const char *ring, const char *stacks,
               int n, double *open_ns, double *conn_ns) {
    char iter[32];
    snprintf(iter, sizeof iter, "%d", n);
    char *argv[] = {(char *) self, "--measure", iter, NULL};
    char *env[8];
    int k = 0;
    char e1[512], e2[256], e3[64], e4[96];
    if (lib) {
        snprintf(e1, sizeof e1, "LD_PRELOAD=%s", lib);
        env[k++] = e1;
    }
    if (channel) {
        snprintf(e2, sizeof e2, "TELLTALE_CHANNEL=%s", channel);
        env[k++] = e2;
    }
    if (ring) {
        snprintf(e4, sizeof e4, "TELLTALE_RING=%s", ring);
        env[k++] = e4;
    }
    if (stacks) {
        snprintf(e3, sizeof e3, "TELLTALE_STACKS=%s", stacks);
        env[k++] = e3;
    }
    env[k++] = "TELLTALE_HEARTBEAT_MS=60000";
    env[k] = NULL;
    int pipefd[2];
    if (pipe(pipefd) != 0) {
        return 1;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
    posix_spawn_file_actions_addclose(&fa, pipefd[0]);
    pid_t pid;
    if (posix_spawn(&pid, self, &fa, NULL, argv, env) != 0) {
        return 1;
    }
    close(pipefd[1]);
    char out[128] = "";
    ssize_t r = read(pipefd[0], out, sizeof out - 1);
    out[r > 0 ? r : 0] = 0;
    close(pipefd[0]);
    int st;
    waitpid(pid, &st, 0);
    return sscanf(out, "%lf %lf", open_ns, conn_ns) == 2 ? 0 : 1;
}

int main(int argc, char **argv) {
    if (argc > 2 && strcmp(argv[1], "--measure") == 0) {
        return measure(atoi(argv[2]));
    }
    if (argc < 2) {
        fprintf(stderr, "usage: %s LIB [ITERATIONS]\n", argv[0]);
        return 2;
    }
    char lib[4096], self[4096];
    if (!realpath(argv[1], lib) || !realpath("/proc/self/exe", self)) {
        return 2;
    }
    int n = argc > 2 ? atoi(argv[2]) : 200000;

    char name[108];
    snprintf(name, sizeof name, "telltale-bench-%d", getpid());
    int ls = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path + 1, name, strlen(name));
    if (bind(ls, (struct sockaddr *) &sa, (socklen_t) (offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name))) != 0 ||
        listen(ls, 16) != 0) {
        return 1;
    }
    pthread_t t;
    pthread_create(&t, NULL, drain, &ls);
    char channel[128];
    snprintf(channel, sizeof channel, "@%s", name);

    /* the ring, as the forwarder makes it: an inherited memfd named by TELLTALE_RING */
    size_t rsize = TT_RING_DEFAULT, rlen = TT_RING_CTL + TT_RING_DEFAULT;
    int rfd = memfd_create("telltale-ring", 0);
    void *rmap = MAP_FAILED;
    if (rfd < 0 || ftruncate(rfd, (off_t) rlen) != 0 ||
        (rmap = mmap(NULL, rlen, PROT_READ | PROT_WRITE, MAP_SHARED, rfd, 0)) == MAP_FAILED) {
        return 1;
    }
    tt_ring_init(rmap, rsize, 0x5eed, 256 * 1024);
    tt_ring_attach(&reader.r, rmap, rlen, 0x5eed);
    reader.grace_dead_ms = 50;
    reader.grace_alive_ms = 2000;
    pthread_t rt;
    pthread_create(&rt, NULL, drain_ring, NULL);
    char ring[64];
    snprintf(ring, sizeof ring, "%d:5eed", rfd);

    struct {
        const char *label, *lib, *channel, *ring, *stacks;
    } modes[] = {
        {"no interceptor", NULL, NULL, NULL, NULL},
        {"interceptor, no channel (off)", lib, NULL, NULL, NULL},
        {"interceptor recording", lib, channel, ring, NULL},
        {"interceptor recording, TELLTALE_STACKS=fp", lib, channel, ring, "fp"},
        {"interceptor recording, TELLTALE_STACKS=full", lib, channel, ring, "full"},
        {"interceptor recording, TELLTALE_STACKS=0", lib, channel, ring, "0"},
        {"socket only (no ring), default stacks", lib, channel, NULL, NULL},
        {"socket only (no ring), TELLTALE_STACKS=0", lib, channel, NULL, "0"},
    };
    enum { NMODES = sizeof modes / sizeof modes[0], ROUNDS = 5 };
    double best_o[NMODES], best_c[NMODES];
    for (int i = 0; i < NMODES; i++) {
        best_o[i] = best_c[i] = 1e18;
    }
    for (int round = 0; round < ROUNDS; round++) {
        for (int i = 0; i < NMODES; i++) {
            double o = 0, c = 0;
            if (run(self, modes[i].lib, modes[i].channel, modes[i].ring, modes[i].stacks, n, &o, &c) == 0) {
                best_o[i] = o < best_o[i] ? o : best_o[i];
                best_c[i] = c < best_c[i] ? c : best_c[i];
            }
        }
    }
    printf("%-44s %14s %17s   %s\n", "mode (best of 5 rounds)", "open+close ns", "connect+close ns",
           "added by the interceptor");
    for (int i = 0; i < NMODES; i++) {
        printf("%-44s %14.0f %17.0f   +%.0f / +%.0f ns\n", modes[i].label, best_o[i], best_c[i],
               best_o[i] - best_o[0], best_c[i] - best_c[0]);
    }
    return 0;
}
