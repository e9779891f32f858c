/*
 * Heartbeats from a background thread, every TELLTALE_HEARTBEAT_MS (default 10 s).
 *
 * Descriptors: the thread compares /proc/self/fd with its previous look and reports fds that
 * appeared (state "open") and disappeared (state "closed"); the close hook adds those that
 * were opened and closed in between, which no look could see. Sockets carry their addresses.
 * Also: process CPU and memory, our own CPU (time spent in hooks plus this thread) and
 * memory, threads created and forks since the last heartbeat, current thread count.
 *
 * The thread starts lazily (when main starts, or at the first event after it), blocks every
 * signal so process-directed signals still reach the program's threads, is re-created in
 * fork children on their first event, and is stopped before unshare/setns, which need a
 * single-threaded process.
 */
#include "tt.h"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define SNAP_MAX 4096
#define ARENA (256u << 10)
#define TRACK_FDS 4096
#define SHORT_MAX 64
#define SHORT_BYTES 320

TT_TLS int tt_no_account;

/* ---------- short-lived descriptors (hooks) ---------- */

static _Atomic uint32_t gen = 1;                /* heartbeat interval number */
static _Atomic uint32_t opened_gen[TRACK_FDS];  /* interval in which a hook saw the fd open */
static struct {
    uint8_t bytes[SHORT_BYTES]; /* an encoded Fd message */
    uint16_t len;
} shorts[SHORT_MAX];
static int nshorts;
static uint32_t shorts_dropped;
static pthread_mutex_t shorts_lock = PTHREAD_MUTEX_INITIALIZER;

/* Encodes one Fd message (without state) for descriptor fd into b. */
static void encode_fd(tt_buf *b, int fd, const char *target, size_t tlen) {
    tt_sint(b, 1, fd);
    if (strncmp(target, "socket:", 7) == 0) {
        tt_strn(b, 2, "socket", 6);
        struct sockaddr_storage ss;
        socklen_t len = sizeof ss;
        char text[128];
        unsigned port;
        const char *fam;
        if (syscall(SYS_getsockname, fd, &ss, &len) == 0) {
            tt_sockaddr_str((struct sockaddr *) &ss, len, text, sizeof text, &port, &fam);
            if (text[0]) {
                tt_strn(b, 4, text, tt_utf8_fit(text, strlen(text), 128));
            }
            if (port) {
                tt_uint(b, 5, port);
            }
        }
        len = sizeof ss;
        if (syscall(SYS_getpeername, fd, &ss, &len) == 0) {
            tt_sockaddr_str((struct sockaddr *) &ss, len, text, sizeof text, &port, &fam);
            if (text[0]) {
                tt_strn(b, 6, text, tt_utf8_fit(text, strlen(text), 128));
            }
            if (port) {
                tt_uint(b, 7, port);
            }
        }
        tt_strn(b, 3, target, tt_utf8_fit(target, tlen, TT_LIM_PATH));
    } else {
        const char *kind = target[0] == '/' ? "file" : strncmp(target, "pipe:", 5) == 0 ? "pipe"
                                                                                    : "other";
        tt_strn(b, 2, kind, strlen(kind));
        tt_strn(b, 3, target, tt_utf8_fit(target, tlen, TT_LIM_PATH));
    }
}

void tt_fd_opened(int fd, const char *path) {
    (void) path;
    if (fd >= 0 && fd < TRACK_FDS) {
        atomic_store_explicit(&opened_gen[fd], atomic_load_explicit(&gen, memory_order_relaxed),
                              memory_order_relaxed);
    }
}

void tt_fd_closed(int fd) {
    if (fd < 0 || fd >= TRACK_FDS) {
        return;
    }
    uint32_t g = atomic_load_explicit(&opened_gen[fd], memory_order_relaxed);
    if (g == 0 || g != atomic_load_explicit(&gen, memory_order_relaxed)) {
        return; /* not opened in this interval: the next look reports it as closed */
    }
    atomic_store_explicit(&opened_gen[fd], 0, memory_order_relaxed);
    if (nshorts >= SHORT_MAX) {
        return; /* this interval's list is full: no need to look the path up */
    }
    if (!tt_enter()) {
        return;
    }
    int saved = errno;
    char link[40], target[TT_LIM_PATH + 1];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = tt_sys_readlink(link, target, TT_LIM_PATH);
    if (n > 0) {
        target[n] = 0;
        uint8_t tmp[SHORT_BYTES];
        tt_buf b;
        tt_buf_init(&b, tmp, sizeof tmp);
        encode_fd(&b, fd, target, (size_t) n);
        tt_strn(&b, 8, "closed", 6);
        pthread_mutex_lock(&shorts_lock);
        if (tt_buf_ok(&b) && nshorts < SHORT_MAX) {
            memcpy(shorts[nshorts].bytes, tmp, b.len);
            shorts[nshorts].len = (uint16_t) b.len;
            nshorts++;
        } else {
            shorts_dropped++;
        }
        pthread_mutex_unlock(&shorts_lock);
    }
    tt_leave();
    errno = saved;
}

/* ---------- snapshots of /proc/self/fd ---------- */

struct snap_entry {
    int fd;
    uint64_t hash;
    uint32_t off, len; /* encoded Fd message in the arena */
};

struct snap {
    struct snap_entry e[SNAP_MAX];
    int n;
    uint8_t *arena;
    size_t used;
};

static uint64_t fnv(const char *s, size_t n) {
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h = (h ^ (unsigned char) s[i]) * 1099511628211ull;
    }
    return h;
}

struct linux_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

static void take_snapshot(struct snap *s) {
    s->n = 0;
    s->used = 0;
    int dfd = tt_sys_open("/proc/self/fd", O_RDONLY | O_DIRECTORY, 0);
    if (dfd < 0) {
        return;
    }
    char buf[4096];
    for (;;) {
        long nread = syscall(SYS_getdents64, dfd, buf, sizeof buf);
        if (nread <= 0) {
            break;
        }
        for (long pos = 0; pos < nread;) {
            struct linux_dirent64 *d = (void *) (buf + pos);
            pos += d->d_reclen;
            if (d->d_name[0] < '0' || d->d_name[0] > '9') {
                continue;
            }
            int fd = atoi(d->d_name);
            if (fd == dfd || fd == tt_channel_fd() || fd == tt_channel_ring_fd() || s->n >= SNAP_MAX) {
                continue;
            }
            char link[40], target[TT_LIM_PATH + 1];
            snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
            ssize_t n = tt_sys_readlink(link, target, TT_LIM_PATH);
            if (n <= 0) {
                continue;
            }
            target[n] = 0;
            struct snap_entry *e = &s->e[s->n];
            e->fd = fd;
            e->hash = fnv(target, (size_t) n);
            tt_buf b;
            tt_buf_init(&b, s->arena + s->used, ARENA - s->used);
            encode_fd(&b, fd, target, (size_t) n);
            if (!tt_buf_ok(&b)) {
                continue;
            }
            e->off = (uint32_t) s->used;
            e->len = (uint32_t) b.len;
            s->used += b.len;
            s->n++;
        }
    }
    tt_sys_close(dfd);
}

static int find(const struct snap *s, int fd, uint64_t hash) {
    for (int i = 0; i < s->n; i++) {
        if (s->e[i].fd == fd) {
            return s->e[i].hash == hash;
        }
    }
    return 0;
}

/* ---------- the thread ---------- */

static pthread_mutex_t hb_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t hb_cond;
static pthread_t hb_thread;
static _Atomic int hb_state; /* 0 none, 1 running, 2 stop requested */
static int cond_ready;
static struct snap *snaps[2];
static int cur;
static uint8_t *hb_buf;

static uint64_t statm_kb(int field) {
    char line[256];
    if (tt_read_file("/proc/self/statm", line, sizeof line) <= 0) {
        return 0;
    }
    char *p = line;
    for (int i = 0; i < field; i++) {
        p = strchr(p, ' ');
        if (p == NULL) {
            return 0;
        }
        p++;
    }
    return strtoull(p, NULL, 10) * (uint64_t) (sysconf(_SC_PAGESIZE) / 1024);
}

static unsigned thread_count(void) {
    static char status[4096];
    if (tt_read_file("/proc/self/status", status, sizeof status) <= 0) {
        return 0;
    }
    char *p = strstr(status, "\nThreads:");
    return p ? (unsigned) strtoul(p + 9, NULL, 10) : 0;
}

static void heartbeat(uint64_t interval_ms, uint64_t self_thread_ns) {
    struct snap *prev = snaps[cur], *now = snaps[cur ^ 1];
    take_snapshot(now);
    /* everything opened from here on belongs to the next interval */
    atomic_fetch_add(&gen, 1);
    tt_ev e;
    if (!tt_ev_begin_buf(&e, TT_EV_HEARTBEAT, 0, hb_buf, TT_RECORD_MAX)) {
        cur ^= 1;
        return;
    }
    size_t room = e.b.cap - 512; /* keep space for the scalar fields */
    for (int i = 0; i < now->n; i++) {
        struct snap_entry *x = &now->e[i];
        if (find(prev, x->fd, x->hash)) {
            continue;
        }
        if (e.b.len + x->len + 24 > room) {
            break;
        }
        tt_mark m = tt_begin(&e.b, 1); /* the pre-encoded message, then its state */
        memcpy(e.b.data + e.b.len, now->arena + x->off, x->len);
        e.b.len += x->len;
        tt_strn(&e.b, 8, "open", 4);
        tt_end(&e.b, m);
    }
    for (int i = 0; i < prev->n; i++) {
        struct snap_entry *x = &prev->e[i];
        if (find(now, x->fd, x->hash)) {
            continue;
        }
        if (e.b.len + x->len + 24 > room) {
            break;
        }
        tt_mark m = tt_begin(&e.b, 1);
        memcpy(e.b.data + e.b.len, prev->arena + x->off, x->len);
        e.b.len += x->len;
        tt_strn(&e.b, 8, "closed", 6);
        tt_end(&e.b, m);
    }
    pthread_mutex_lock(&shorts_lock);
    for (int i = 0; i < nshorts; i++) {
        if (e.b.len + shorts[i].len + 8 > room) {
            break;
        }
        tt_bytes(&e.b, 1, shorts[i].bytes, shorts[i].len);
    }
    nshorts = 0;
    shorts_dropped = 0;
    pthread_mutex_unlock(&shorts_lock);

    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) == 0) {
        tt_uint(&e.b, 2, (uint64_t) ru.ru_utime.tv_sec * 1000u + (uint64_t) ru.ru_utime.tv_usec / 1000u);
        tt_uint(&e.b, 3, (uint64_t) ru.ru_stime.tv_sec * 1000u + (uint64_t) ru.ru_stime.tv_usec / 1000u);
    }
    tt_uint(&e.b, 4, statm_kb(1));
    tt_uint(&e.b, 5, statm_kb(0));
    tt_uint(&e.b, 6, (tt_accounted_ns() + self_thread_ns) / 1000000u);
    tt_uint(&e.b, 7, tt_mem_kb());
    tt_uint(&e.b, 8, atomic_exchange((_Atomic uint32_t *) &tt_threads_created, 0));
    tt_uint(&e.b, 9, atomic_exchange((_Atomic uint32_t *) &tt_forks, 0));
    tt_uint(&e.b, 10, thread_count());
    tt_uint(&e.b, 11, interval_ms);
    tt_ev_send(&e);
    cur ^= 1;
}

static void *hb_main(void *arg) {
    (void) arg;
    tt_guard = 1;        /* nothing this thread does is the program's */
    tt_no_account = 1;   /* its CPU time is measured as a whole */
    uint64_t last = tt_mono_ns();
    for (;;) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        uint64_t ms = tt_cfg.heartbeat_ms;
        ts.tv_sec += (time_t) (ms / 1000);
        ts.tv_nsec += (long) (ms % 1000) * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_mutex_lock(&hb_lock);
        while (atomic_load(&hb_state) == 1) {
            if (pthread_cond_timedwait(&hb_cond, &hb_lock, &ts) == ETIMEDOUT) {
                break;
            }
        }
        pthread_mutex_unlock(&hb_lock);
        if (atomic_load(&hb_state) != 1) {
            return NULL;
        }
        /* libraries dlopen loaded, and those loaded behind its back (NSS, iconv modules) */
        tt_libs_pending();
        tt_libs_rescan("dlopen", NULL);
        uint64_t now = tt_mono_ns();
        struct timespec cpu;
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu);
        heartbeat((now - last) / 1000000u, (uint64_t) cpu.tv_sec * 1000000000u + (uint64_t) cpu.tv_nsec);
        last = now;
    }
}

void tt_heartbeat_maybe_start(void) {
    if (TT_LIKELY(atomic_load_explicit(&hb_state, memory_order_relaxed) != 0) || !tt_main_started ||
        tt_foreign_child()) {
        return;
    }
    int expected = 0;
    if (!atomic_compare_exchange_strong(&hb_state, &expected, 1)) {
        return;
    }
    int saved = errno;
    if (!cond_ready) {
        pthread_condattr_t ca;
        pthread_condattr_init(&ca);
        pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
        pthread_cond_init(&hb_cond, &ca);
        pthread_condattr_destroy(&ca);
        cond_ready = 1;
    }
    if (hb_buf == NULL) {
        size_t total = TT_RECORD_MAX + 2 * sizeof(struct snap) + 2 * ARENA;
        uint8_t *m = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED) {
            errno = saved;
            return; /* stays "running": never retried */
        }
        hb_buf = m;
        tt_mem_add((long) total);
        snaps[0] = (struct snap *) (m + TT_RECORD_MAX);
        snaps[1] = snaps[0] + 1;
        snaps[0]->arena = m + TT_RECORD_MAX + 2 * sizeof(struct snap);
        snaps[1]->arena = snaps[0]->arena + ARENA;
        snaps[0]->n = snaps[1]->n = 0;
    }
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int r = TT_REAL(pthread_create)(&hb_thread, &attr, hb_main, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
    if (r != 0) {
        atomic_store(&hb_state, 0);
    }
    errno = saved;
}

void tt_heartbeat_stop(void) {
    if (atomic_load(&hb_state) != 1 || tt_foreign_child()) {
        return;
    }
    pthread_mutex_lock(&hb_lock);
    atomic_store(&hb_state, 2);
    pthread_cond_broadcast(&hb_cond);
    pthread_mutex_unlock(&hb_lock);
    pthread_join(hb_thread, NULL);
    atomic_store(&hb_state, 0);
}

void tt_heartbeat_after_fork_child(void) {
    /* the thread did not come along; its locks may have been held at fork time */
    pthread_mutex_init(&hb_lock, NULL);
    pthread_mutex_init(&shorts_lock, NULL);
    if (cond_ready) {
        pthread_condattr_t ca;
        pthread_condattr_init(&ca);
        pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
        pthread_cond_init(&hb_cond, &ca);
        pthread_condattr_destroy(&ca);
    }
    nshorts = 0;
    if (snaps[0] != NULL) {
        snaps[0]->n = snaps[1]->n = 0;
    }
    atomic_store(&hb_state, 0);
}
