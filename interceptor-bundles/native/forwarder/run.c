/*
 * `telltale run`: start the command with the interceptor preloaded, and be its forwarder
 * until it exits. The main thread receives channel records, redacts, numbers and spools
 * them (group commit), passes signals through and reaps the child; the shipper thread sends
 * what is durable; a helper thread collects the host environment once.
 */
#define _GNU_SOURCE
#include "run.h"
#include "frames.h"

#include "channel.h"
#include "coverage.h"
#include "hostenv.h"
#include "launch.h"
#include "log.h"
#include "redact.h"
#include "shipper.h"
#include "spool.h"
#include "util.h"
#include "version.h"

#include "../common/tt_wire.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define SYNC_EVERY_MS 50u       /* group commit, at most 20 fdatasyncs a second: more often stalls the
                                   program's own writes on the file system journal (docs/interceptor.md) */
#define SYNC_OFFLINE_MS 1000u   /* the same while nothing can be shipped (appliance not reached) */
#define DRAIN_AFTER_EXIT_MS 500u /* keep reading the tree's records this long after the command exits */
#define PER_FD_BURST 256        /* records read from one connection before looking at the others */

#define RING_POLL_MS 1u           /* while records flow, look at the ring this often */
#define RING_BURST 4096           /* records taken from the ring before looking at the sockets */
#define RING_SLEEP_MS 1000        /* the waiting thread's futex timeout (a backstop only) */

enum { TAG_LISTEN = 1, TAG_SIGNAL = 2, TAG_HOSTENV = 3, TAG_CONN = 4, TAG_RING = 5 };

typedef struct run_ctx {
    tt_config *cfg;
    tt_spool sp;
    tt_channel ch;
    tt_shipper sh;
    int epfd;
    int hostenv_fd;
    pthread_t hostenv_thread;
    _Atomic(uint8_t *) hostenv_event;
    size_t hostenv_len;
    int hostenv_taken; /* the collector's event went to the spool (it runs once per run) */
    tt_hostenv_stats hostenv_stats;
    uint8_t *rbuf;
    tt_bytes_buf redacted;
    int open_conns;
    uint64_t records, lost_reported, last_sync_ms;
    /* ring: a thread sleeps on the ring's futex while it is empty and the main loop idle */
    int ring_on, ring_armed, ring_arm_fd, ring_wake_fd, ring_thread_ok;
    _Atomic int ring_stop;
    pthread_t ring_thread;
    uint64_t ring_records, ring_skipped;
} run_ctx;

static uint64_t le64(const uint8_t *p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) {
        v = v << 8 | p[i];
    }
    return v;
}

static uint32_t le32(const uint8_t *p) {
    return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;
}

static void spool_event(run_ctx *x, uint64_t time_us, const uint8_t *ev, size_t len) {
    if (tt_redact_event(ev, len, &x->redacted) == TT_REDACT_CHANGED) {
        ev = x->redacted.data;
        len = x->redacted.len;
    }
    tt_spool_append_event(&x->sp, time_us, ev, len);
}

static void on_record(run_ctx *x, const uint8_t *r, size_t n, int truncated) {
    x->records++;
    if (truncated) {
        tt_spool_append_gap(&x->sp, 1, "interceptor_overflow", "a channel record exceeded 256 KiB");
        return;
    }
    if (n >= 9 && r[0] == TT_CHAN_EVENT) {
        spool_event(x, le64(r + 1), r + 9, n - 9);
    } else if (n == 9 && r[0] == TT_CHAN_LOST) {
        uint32_t count = le32(r + 1), pid = le32(r + 5);
        if (count > 0) {
            char detail[96];
            snprintf(detail, sizeof detail, "pid %u could not send %u events", pid, count);
            tt_spool_append_gap(&x->sp, count, "interceptor_overflow", detail);
            x->lost_reported += count;
        }
    } else {
        char detail[96];
        snprintf(detail, sizeof detail, "unreadable channel record (kind %u, %zu bytes)", n ? r[0] : 0, n);
        tt_spool_append_gap(&x->sp, 1, "channel_malformed", detail);
    }
}

/* Reads up to PER_FD_BURST records; returns -1 when the connection is finished. */
static int read_conn(run_ctx *x, int fd) {
    for (int i = 0; i < PER_FD_BURST; i++) {
        struct iovec iov = {.iov_base = x->rbuf, .iov_len = TT_RECORD_MAX};
        struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
        ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
        }
        if (n == 0) {
            return -1; /* the process closed its end (exited) */
        }
        on_record(x, x->rbuf, (size_t) n, (mh.msg_flags & MSG_TRUNC) != 0);
    }
    return 0;
}

static int pid_alive(uint32_t pid) {
    return kill((pid_t) pid, 0) == 0 || errno != ESRCH;
}

/* Syncs make records shippable (the shipper sends durable ones only) and safe from a power
 * loss. While the appliance has not been reached in this run only the second matters, and
 * each sync makes the program's own writes wait on the file system's journal. */
static unsigned sync_every_ms(run_ctx *x) {
    return tt_shipper_offline(&x->sh) ? SYNC_OFFLINE_MS : SYNC_EVERY_MS;
}

/* Takes what the ring holds (bounded). Returns TT_RING_EMPTY, TT_RING_WAIT (a record is
 * still being written), or TT_RING_RECORD when it took some and there may be more. */
static int drain_ring(run_ctx *x, int *took) {
    *took = 0;
    if (!x->ring_on) {
        return TT_RING_EMPTY;
    }
    uint64_t now = tt_mono_ms();
    for (int i = 0; i < RING_BURST; i++) {
        size_t n = 0;
        uint32_t pid = 0;
        int r = tt_ring_take(&x->ch.ring, x->rbuf, &n, &pid, now, pid_alive);
        if (r == TT_RING_RECORD) {
            x->ring_records++;
            (*took)++;
            on_record(x, x->rbuf, n, 0);
        } else if (r == TT_RING_SKIPPED) {
            x->ring_skipped++;
            (*took)++;
            char detail[96];
            snprintf(detail, sizeof detail, "pid %u died or stalled while writing a record", pid);
            tt_spool_append_gap(&x->sp, 1, "interceptor_overflow", detail);
            x->lost_reported++;
        } else {
            return r;
        }
    }
    return TT_RING_RECORD;
}

/* The ring's waiting thread: armed by the main loop when the ring is empty, it sleeps on the
 * ring's futex (producers wake it on the empty -> non-empty transition) and then tells the
 * main loop through an eventfd. */
static void *ring_main(void *arg) {
    run_ctx *x = arg;
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    for (;;) {
        uint64_t v;
        if (read(x->ring_arm_fd, &v, sizeof v) < 0 && errno == EINTR) {
            continue;
        }
        while (!atomic_load(&x->ring_stop) && tt_ring_pending(&x->ch.ring.r) == 0) {
            tt_ring_wait(&x->ch.ring.r, RING_SLEEP_MS);
        }
        if (atomic_load(&x->ring_stop)) {
            return NULL;
        }
        v = 1;
        ssize_t w = write(x->ring_wake_fd, &v, sizeof v);
        (void) w;
    }
}

static void ring_start(run_ctx *x) {
    x->ring_arm_fd = eventfd(0, EFD_CLOEXEC);
    x->ring_wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (x->ring_arm_fd < 0 || x->ring_wake_fd < 0 || pthread_create(&x->ring_thread, NULL, ring_main, x) != 0) {
        tt_warn("cannot start the ring's waiting thread: the ring is polled every %u ms", RING_POLL_MS);
        return;
    }
    x->ring_thread_ok = 1;
}

static void ring_arm(run_ctx *x) {
    if (x->ring_thread_ok && !x->ring_armed) {
        uint64_t one = 1;
        if (write(x->ring_arm_fd, &one, sizeof one) == (ssize_t) sizeof one) {
            x->ring_armed = 1;
        }
    }
}

static void ring_stop(run_ctx *x) {
    if (x->ring_thread_ok) {
        atomic_store(&x->ring_stop, 1);
        uint64_t one = 1;
        ssize_t w = write(x->ring_arm_fd, &one, sizeof one);
        (void) w;
        atomic_store(&x->ch.ring.r.ctl->sleeping, 0);
        syscall(SYS_futex, &x->ch.ring.r.ctl->sleeping, 1, INT_MAX, NULL, NULL, 0);
        pthread_join(x->ring_thread, NULL);
        x->ring_thread_ok = 0;
    }
}

static void *hostenv_main(void *arg) {
    run_ctx *x = arg;
    const char *root = getenv("TELLTALE_HOSTENV_ROOT"); /* tests point this at a fake tree */
    size_t len = 0;
    uint8_t *ev = tt_hostenv_build(root ? root : "", &len, &x->hostenv_stats);
    x->hostenv_len = len;
    atomic_store(&x->hostenv_event, ev);
    uint64_t one = 1;
    ssize_t w = write(x->hostenv_fd, &one, sizeof one);
    (void) w;
    return NULL;
}

static void take_hostenv(run_ctx *x) {
    uint8_t *ev = atomic_exchange(&x->hostenv_event, NULL);
    if (!ev) {
        return;
    }
    tt_hostenv_stats *s = &x->hostenv_stats;
    tt_info("host environment: %u dpkg, %u apk, %u rpm packages (%u with a licence, %u loadable files%s%s), "
            "%u Python and %u Node packages, %zu bytes%s%s%s", s->dpkg, s->apk, s->rpm, s->licences, s->files,
            s->files_truncated ? ", file lists bounded" : "", s->cached ? ", as the last run read them" : "",
            s->pypi, s->npm, x->hostenv_len, s->truncated ? "; list truncated" : "", s->notes[0] ? "; " : "", s->notes);
    tt_spool_append_event(&x->sp, tt_now_us(), ev, x->hostenv_len);
    free(ev);
    x->hostenv_taken = 1;
}

/* A command that exits at once may finish before the collector does: wait for it, a little,
 * so that the host environment of this run is not lost. */
#define HOSTENV_WAIT_MS 5000
static void await_hostenv(run_ctx *x, int started) {
    if (!started || x->hostenv_taken) {
        return;
    }
    struct pollfd p = {.fd = x->hostenv_fd, .events = POLLIN};
    if (poll(&p, 1, HOSTENV_WAIT_MS) > 0) {
        uint64_t v;
        ssize_t r = read(x->hostenv_fd, &v, sizeof v);
        (void) r;
    }
    take_hostenv(x);
}

static void add_fd(run_ctx *x, int fd, uint32_t tag) {
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = (uint64_t) tag << 32 | (uint32_t) fd};
    epoll_ctl(x->epfd, EPOLL_CTL_ADD, fd, &ev);
}

/* Passes a signal on unless the child already got it from the terminal (the kernel signals the
 * whole foreground process group) or sent it itself. A signal from kill(2) is always passed on:
 * signalfd cannot tell kill(pid) from kill(-pgrp), and a supervisor's `kill -INT <launcher>`
 * must reach the command; a group-wide kill from inside our own group is rare and then
 * delivers the signal twice, which programs tolerate. */
static void forward_signal(const struct signalfd_siginfo *si, pid_t child) {
    int sig = (int) si->ssi_signo;
    if (si->ssi_code == SI_KERNEL) {
        return;
    }
    pid_t sender = (pid_t) si->ssi_pid;
    if (sender == child) {
        return;
    }
    tt_debug("passing signal %d from pid %d to the command", sig, (int) sender);
    kill(child, sig);
}

/* Runs the command without a forwarder (the agent could not start): never stand in its way. */
static int run_unmonitored(tt_config *c, const char *why) {
    fprintf(stderr, "telltale: %s; running %s without monitoring\n", why, c->cmd[0]);
    tt_err("%s; running %s without monitoring", why, c->cmd[0]);
    execvp(c->cmd[0], c->cmd);
    int e = errno;
    fprintf(stderr, "telltale: %s: %s\n", c->cmd[0], strerror(e));
    return e == ENOENT ? 127 : 126;
}

static void append_api_event(run_ctx *x, const char *api, const char *const *args, int nargs) {
    uint8_t body_mem[16384], ev_mem[16500];
    tt_buf body, ev;
    tt_buf_init(&body, body_mem, sizeof body_mem);
    tt_str(&body, 1, api);
    for (int i = 0; i < nargs; i++) {
        tt_str(&body, 2, args[i]);
    }
    tt_buf_init(&ev, ev_mem, sizeof ev_mem);
    tt_uint(&ev, 1, 5);
    tt_uint(&ev, 3, (uint64_t) getpid());
    tt_bytes(&ev, 6, body.data, body.len);
    if (tt_buf_ok(&body) && tt_buf_ok(&ev)) {
        tt_spool_append_event(&x->sp, tt_now_us(), ev.data, ev.len);
    }
}

static int exit_like(int status) {
    if (WIFEXITED(status)) {
        return WEXITSTATUS(status);
    }
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        /* Die the same way, so shells and supervisors see what the command did; no core of ours. */
        struct rlimit no_core = {0, 0};
        setrlimit(RLIMIT_CORE, &no_core);
        signal(sig, SIG_DFL);
        sigset_t s;
        sigemptyset(&s);
        sigaddset(&s, sig);
        sigprocmask(SIG_UNBLOCK, &s, NULL);
        raise(sig);
        return 128 + sig;
    }
    return 1;
}

int tt_cmd_run(tt_config *c) {
    tt_config_resolve(c);
    tt_log_set_verbose(c->verbose);
    if (c->config_error) {
        fprintf(stderr, "telltale: config: %s\n", c->config_error_msg);
    }

    static run_ctx x; /* large and process-lifetime */
    memset(&x, 0, sizeof x);
    x.cfg = c;
    x.epfd = -1;
    char logpath[PATH_MAX];
    if (tt_mkdirs(c->spool_dir, 0700) == 0) {
        snprintf(logpath, sizeof logpath, "%s/forwarder.log", c->spool_dir);
        tt_log_open(logpath);
    }
    tt_info("telltale %s (%s build) run: app %s, component %s, version %s, command %s", TT_VERSION,
            tt_build_libc(), c->app, c->component, c->version, c->cmd[0]);
    if (c->config_error) {
        tt_err("config: %s", c->config_error_msg);
    }

    char why[512];
    if (tt_spool_open(&x.sp, c->spool_dir, c->spool_bytes) != 0) {
        snprintf(why, sizeof why, "cannot open the spool %s: %s", c->spool_dir, strerror(errno));
        return run_unmonitored(c, why);
    }
    if (tt_channel_open(&x.ch) != 0) {
        snprintf(why, sizeof why, "cannot open the channel socket: %s", strerror(errno));
        tt_spool_close(&x.sp);
        return run_unmonitored(c, why);
    }
    tt_redact_init(c->token);
    /* TELLTALE_RING_BYTES: the ring's size (a power of two, 2 MiB to 1 GiB), 0 = socket only */
    const char *rb = getenv("TELLTALE_RING_BYTES");
    uint64_t ring_bytes = rb && *rb ? strtoull(rb, NULL, 0) : TT_RING_DEFAULT;
    if (rb && *rb && ring_bytes == 0) {
        tt_info("TELLTALE_RING_BYTES=0: records go over the socket");
    } else if (tt_channel_ring_open(&x.ch, ring_bytes) != 0) {
        tt_warn("no shared-memory ring (%s): records go over the socket", strerror(errno));
    } else {
        x.ring_on = 1;
    }
    int ring_child_fd = tt_channel_ring_share(&x.ch);

    char path[PATH_MAX];
    if (tt_resolve_command(c->cmd[0], path, sizeof path) != 0) {
        int e = errno;
        fprintf(stderr, "telltale: %s: %s\n", c->cmd[0], e == ENOENT ? "command not found" : strerror(e));
        tt_err("%s: %s", c->cmd[0], strerror(e));
        tt_spool_close(&x.sp);
        return e == ENOENT ? 127 : 126;
    }
    /* The loader refuses a library built for the other C library: match the command's. */
    const char *libc = c->libc ? c->libc : tt_target_libc(path);
    if (libc == NULL) {
        libc = tt_build_libc();
    }
    char lib[PATH_MAX];
    int have_lib = tt_find_interceptor(libc, lib, sizeof lib) == 0;
    if (have_lib) {
        tt_info("interceptor %s", lib);
    } else {
        tt_warn("interceptor library (libtelltale.so, %s) not found next to the launcher; running the command "
                "without it: only the host environment is recorded", libc);
    }
    /* The Java agent reports through the interceptor: without it, there is no point. */
    char jar[PATH_MAX];
    int have_jar = have_lib && tt_wants_java_agent(path) && tt_find_java_agent(jar, sizeof jar) == 0;
    if (have_jar) {
        tt_info("java agent %s", jar);
        /* The interceptor recognises its option by this exact path (interceptor/java_opts.c). */
        setenv("TELLTALE_JAVA_AGENT_JAR", jar, 1);
        /* Where this run's shipper keeps the appliance's list of packages to trace (a nested run
         * names its own spool's). */
        char trace[PATH_MAX];
        if (snprintf(trace, sizeof trace, "%s/%s", x.sp.dir, TT_JAVA_TRACE_FILE) < (int) sizeof trace) {
            setenv("TELLTALE_JAVA_TRACE_FILE", trace, 1);
        }
    } else if (have_lib && tt_wants_java_agent(path)) {
        tt_warn("java agent (telltale-java-agent.jar) not found next to the launcher; %s runs without it", path);
    }
    char **env = tt_child_env(c, have_lib ? lib : NULL, x.ch.env_name, ring_child_fd >= 0 ? x.ch.ring_env : NULL,
                              have_jar ? jar : NULL);

    /* Signals: everything we pass on, and SIGCHLD, arrive through a signalfd in the loop. */
    sigset_t fw, orig;
    tt_forwarded_signals(&fw);
    sigaddset(&fw, SIGCHLD);
    sigprocmask(SIG_BLOCK, &fw, &orig);
    int sfd = signalfd(-1, &fw, SFD_CLOEXEC | SFD_NONBLOCK);
    struct sigaction old_pipe;
    sigaction(SIGPIPE, NULL, &old_pipe);
    signal(SIGPIPE, SIG_IGN); /* our sockets report EPIPE instead */

    pid_t child = tt_spawn(path, c->cmd, env, &orig, old_pipe.sa_handler == SIG_IGN);
    if (ring_child_fd >= 0) {
        int spawn_errno = errno;
        close(ring_child_fd); /* the child has it */
        errno = spawn_errno;
    }
    if (child < 0) {
        int e = errno;
        sigprocmask(SIG_SETMASK, &orig, NULL);
        snprintf(why, sizeof why, "cannot fork: %s", strerror(e));
        tt_channel_close(&x.ch);
        tt_spool_close(&x.sp);
        return run_unmonitored(c, why);
    }
    tt_info("started %s as pid %d (channel %s)", path, (int) child, x.ch.env_name);

    x.rbuf = malloc(TT_RECORD_MAX);
    x.epfd = epoll_create1(EPOLL_CLOEXEC);
    x.hostenv_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    add_fd(&x, x.ch.fd, TAG_LISTEN);
    add_fd(&x, sfd, TAG_SIGNAL);
    add_fd(&x, x.hostenv_fd, TAG_HOSTENV);
    if (x.ring_on) {
        ring_start(&x);
        if (x.ring_thread_ok) {
            add_fd(&x, x.ring_wake_fd, TAG_RING);
        }
    }

    /* What the interceptor cannot see, the launcher says (docs/interceptor.md). */
    const char *gap_reason = tt_coverage_reason(path);
    if (!gap_reason && !have_lib) {
        gap_reason = "interceptor library not installed next to the launcher";
    }
    if (gap_reason) {
        const char *args[] = {path, gap_reason};
        append_api_event(&x, "telltale.coverage", args, 2);
        tt_info("coverage: %s: %s", path, gap_reason);
    }
    if (c->ntags > 0) {
        append_api_event(&x, "telltale.tags", (const char *const *) c->tags, c->ntags);
    }

    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    int hostenv_started = pthread_create(&x.hostenv_thread, &attr, hostenv_main, &x) == 0;
    if (!hostenv_started) {
        tt_warn("cannot start the host environment collector");
    }
    pthread_attr_destroy(&attr);
    if (tt_shipper_init(&x.sh, &x.sp, c) != 0 || tt_shipper_start(&x.sh) != 0) {
        tt_err("cannot start the shipper: events stay in the spool for the next run");
    }

    int status = 0, child_done = 0;
    uint64_t exit_ms = 0;
    struct epoll_event evs[64];
    for (;;) {
        /* The ring first: a process that uses it sends everything there, in order. */
        int took = 0;
        int ring_state = drain_ring(&x, &took);
        uint64_t now = tt_mono_ms();
        int timeout = -1;
        if (ring_state == TT_RING_RECORD && took == RING_BURST) {
            timeout = 0;
        } else if (took > 0 || ring_state == TT_RING_WAIT || (x.ring_on && !x.ring_thread_ok)) {
            timeout = (int) RING_POLL_MS; /* records flow: poll, producers make no system call */
        } else if (x.ring_on) {
            ring_arm(&x); /* idle: sleep until a producer finds the ring empty and wakes us */
        }
        if (tt_spool_dirty(&x.sp)) {
            uint64_t due = x.last_sync_ms + sync_every_ms(&x);
            int t = due > now ? (int) (due - now) : 0;
            timeout = timeout < 0 || t < timeout ? t : timeout;
            if (x.sp.full_count && timeout < 0) {
                timeout = 200;
            }
        }
        if (child_done) {
            /* A process that connected, sent and exited at once may still wait in the accept
             * queue: take those before deciding that nothing is left to read. */
            int cfd;
            while ((cfd = tt_channel_accept(&x.ch)) != -1) {
                if (cfd >= 0) {
                    add_fd(&x, cfd, TAG_CONN);
                    x.open_conns++;
                }
            }
            uint64_t end = exit_ms + DRAIN_AFTER_EXIT_MS;
            if (now >= end || (x.open_conns == 0 && (!x.ring_on || tt_ring_pending(&x.ch.ring.r) == 0))) {
                break;
            }
            if (timeout < 0 || (uint64_t) timeout > end - now) {
                timeout = (int) (end - now);
            }
        }
        int n = epoll_wait(x.epfd, evs, 64, timeout);
        for (int i = 0; i < n; i++) {
            uint32_t tag = (uint32_t) (evs[i].data.u64 >> 32);
            int fd = (int) (uint32_t) evs[i].data.u64;
            if (tag == TAG_LISTEN) {
                int cfd;
                while ((cfd = tt_channel_accept(&x.ch)) != -1) {
                    if (cfd >= 0) {
                        add_fd(&x, cfd, TAG_CONN);
                        x.open_conns++;
                    }
                }
            } else if (tag == TAG_CONN) {
                if (read_conn(&x, fd) != 0) {
                    close(fd); /* also leaves the epoll set */
                    x.open_conns--;
                }
            } else if (tag == TAG_SIGNAL) {
                struct signalfd_siginfo si;
                while (read(sfd, &si, sizeof si) == (ssize_t) sizeof si) {
                    if (si.ssi_signo == SIGCHLD) {
                        int st;
                        if (!child_done && waitpid(child, &st, WNOHANG) == child) {
                            status = st;
                            child_done = 1;
                            exit_ms = tt_mono_ms();
                        }
                    } else if (!child_done) {
                        forward_signal(&si, child);
                    } else if (si.ssi_signo == SIGINT || si.ssi_signo == SIGTERM) {
                        exit_ms = 0; /* impatient: stop draining */
                    }
                }
            } else if (tag == TAG_RING) {
                uint64_t v;
                ssize_t r = read(x.ring_wake_fd, &v, sizeof v);
                (void) r;
                x.ring_armed = 0;
            } else if (tag == TAG_HOSTENV) {
                uint64_t v;
                ssize_t r = read(x.hostenv_fd, &v, sizeof v);
                (void) r;
                take_hostenv(&x);
            }
        }
        now = tt_mono_ms();
        if (tt_spool_dirty(&x.sp) && now - x.last_sync_ms >= sync_every_ms(&x)) {
            uint64_t before = tt_spool_durable_seq(&x.sp);
            tt_spool_sync(&x.sp);
            x.last_sync_ms = now;
            if (tt_spool_durable_seq(&x.sp) != before) {
                tt_shipper_notify(&x.sh);
            }
        }
    }
    if (WIFEXITED(status)) {
        tt_info("command exited with status %d", WEXITSTATUS(status));
    } else if (WIFSIGNALED(status)) {
        tt_info("command killed by signal %d", WTERMSIG(status));
    }

    int took_last = 0;
    drain_ring(&x, &took_last);
    ring_stop(&x);
    if (x.ring_on) {
        tt_info("ring: %" PRIu64 " records, %" PRIu64 " given up (writer died or stalled), %" PRIu64
                " refused (full), %" PRIu64 " wake-ups",
                x.ring_records, x.ring_skipped, atomic_load(&x.ch.ring.r.ctl->refused),
                atomic_load(&x.ch.ring.r.ctl->wakes));
    }

    /* Flush: everything received becomes durable, then a bounded wait for ACKs. When nothing
     * will be shipped (no wait asked for, or the appliance never reached in this run) the
     * records are written but not synced: the sync would wait for the disk to take whatever
     * the program wrote before it, and the next run syncs them before shipping any
     * (docs/decisions/0032-spool-syncs-when-nothing-ships.md). */
    await_hostenv(&x, hostenv_started);
    unsigned flush_ms = exit_ms == 0 ? 0 : c->flush_ms;
    int deliver = flush_ms > 0 && !tt_shipper_offline(&x.sh);
    if (deliver) {
        tt_spool_sync(&x.sp);
        if (x.sp.full_count) {
            tt_spool_close(&x.sp); /* records the pending spool_full gap */
        }
    }
    tt_shipper_notify(&x.sh);
    int all = tt_shipper_finish(&x.sh, deliver ? flush_ms : 0);
    tt_info("forwarder done: %" PRIu64 " records received, %" PRIu64 " events spooled, %" PRIu64
            " dropped (spool full), %" PRIu64 " reported lost by interceptors, %" PRIu64 " sent in %" PRIu64
            " batches (%" PRIu64 " bytes raw, %" PRIu64 " on the wire), %" PRIu64 " rejected, %" PRIu64
            " fdatasyncs; spool %" PRIu64 " bytes; %s",
            x.records, atomic_load(&x.sp.events_spooled), atomic_load(&x.sp.events_dropped), x.lost_reported,
            atomic_load(&x.sh.events_sent), atomic_load(&x.sh.batches_sent), atomic_load(&x.sh.raw_bytes),
            atomic_load(&x.sh.wire_bytes), atomic_load(&x.sh.rejected), atomic_load(&x.sp.syncs),
            tt_spool_bytes(&x.sp),
            all ? "everything acknowledged" : "the rest stays in the spool for the next run");
    tt_shipper_free(&x.sh);
    if (deliver) {
        tt_spool_close(&x.sp);
    } else {
        tt_spool_leave(&x.sp);
    }
    tt_channel_close(&x.ch);
    tt_channel_ring_close(&x.ch);
    tt_log_close();
    return exit_like(status);
}
