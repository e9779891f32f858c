/*
 * Process-wide core: configuration from TELLTALE_* variables, the reentrancy guard,
 * per-thread scratch memory, raw I/O helpers, fork handling, and the constructor and
 * destructor that send the process start and exit events.
 */
#include "tt.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

struct tt_config tt_cfg;
pid_t tt_pid;
uint64_t tt_start_us;
volatile int tt_main_started;
TT_TLS int tt_guard;

static TT_TLS struct tt_scratch *scratch;
static TT_TLS pid_t cached_tid;
static pthread_key_t scratch_key;
static int scratch_key_ok;
static _Atomic uint64_t self_ns;
static _Atomic long mem_bytes;

/* ---------- raw I/O: never through our own exported (hooked) names ---------- */

int tt_sys_open(const char *path, int flags, int mode) {
    return (int) syscall(SYS_openat, AT_FDCWD, path, flags | O_CLOEXEC, mode);
}
int tt_sys_openat(int dirfd, const char *path, int flags, int mode) {
    return (int) syscall(SYS_openat, dirfd, path, flags | O_CLOEXEC, mode);
}
ssize_t tt_sys_read(int fd, void *buf, size_t n) {
    return syscall(SYS_read, fd, buf, n);
}
ssize_t tt_sys_pread(int fd, void *buf, size_t n, off_t off) {
    return syscall(SYS_pread64, fd, buf, n, off);
}
ssize_t tt_sys_write(int fd, const void *buf, size_t n) {
    return syscall(SYS_write, fd, buf, n);
}
int tt_sys_close(int fd) {
    return (int) syscall(SYS_close, fd);
}
ssize_t tt_sys_readlink(const char *path, char *buf, size_t n) {
    return syscall(SYS_readlinkat, AT_FDCWD, path, buf, n);
}
pid_t tt_sys_getpid(void) {
    return (pid_t) syscall(SYS_getpid);
}

ssize_t tt_read_file(const char *path, char *buf, size_t cap) {
    if (cap == 0) {
        return -1;
    }
    int fd = tt_sys_open(path, O_RDONLY, 0);
    if (fd < 0) {
        return -1;
    }
    size_t n = 0;
    while (n + 1 < cap) {
        ssize_t r = tt_sys_read(fd, buf + n, cap - 1 - n);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            break;
        }
        n += (size_t) r;
    }
    tt_sys_close(fd);
    buf[n] = 0;
    return (ssize_t) n;
}

/* ---------- time, ids, accounting ---------- */

uint64_t tt_now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t) ts.tv_sec * 1000000u + (uint64_t) ts.tv_nsec / 1000u;
}

uint64_t tt_mono_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

uint64_t tt_coarse_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

pid_t tt_gettid(void) {
    /* A vfork child runs on its parent thread's TLS: its cached tid would be the parent's. */
    if (tt_foreign_child()) {
        return (pid_t) syscall(SYS_gettid);
    }
    if (cached_tid == 0) {
        cached_tid = (pid_t) syscall(SYS_gettid);
    }
    return cached_tid;
}

TT_TLS int tt_shared_vm;

/*
 * Only a thread that called vfork (or clone with CLONE_VM and no TLS of its own) can be
 * running in a child sharing our memory: the child runs on that thread's TLS. So only such a
 * thread pays a getpid(); when it finds itself back in the parent, the mark is cleared.
 */
int tt_foreign_child(void) {
    if (TT_LIKELY(!tt_shared_vm)) {
        return 0;
    }
    if (tt_sys_getpid() != tt_pid) {
        return 1;
    }
    tt_shared_vm = 0;
    return 0;
}

pid_t tt_self_pid(void) {
    return tt_foreign_child() ? tt_sys_getpid() : tt_pid;
}

void tt_account_ns(uint64_t ns) {
    atomic_fetch_add_explicit(&self_ns, ns, memory_order_relaxed);
}

void tt_mem_add(long bytes) {
    atomic_fetch_add_explicit(&mem_bytes, bytes, memory_order_relaxed);
}

uint64_t tt_mem_kb(void) {
    long b = atomic_load_explicit(&mem_bytes, memory_order_relaxed);
    return b > 0 ? (uint64_t) b / 1024u : 0;
}

uint64_t tt_accounted_ns(void) {
    return atomic_load_explicit(&self_ns, memory_order_relaxed);
}

/* ---------- scratch ---------- */

/*
 * Scratch areas of exited threads wait here for the next new thread instead of being
 * unmapped. A server that starts a thread per request (python's http.server) otherwise paid,
 * per request, an mmap, the page faults of a fresh area, an munmap (a TLB shootdown across
 * cores) and an empty stack cache: every call site unwound again, although glibc gives the
 * new thread the dead one's stack, so the recycled cache's keys (call site, stack address,
 * frame chain) hit. Each slot is taken and filled by atomic exchange: one owner at a time.
 */
#define SCRATCH_POOL 8
static _Atomic(struct tt_scratch *) scratch_pool[SCRATCH_POOL];

static void scratch_release(void *p) {
    if (p == NULL) {
        return;
    }
    scratch = NULL; /* a later call on this exiting thread maps a new one, never reuses this */
    for (int i = 0; i < SCRATCH_POOL; i++) {
        struct tt_scratch *expect = NULL;
        if (atomic_compare_exchange_strong(&scratch_pool[i], &expect, (struct tt_scratch *) p)) {
            return;
        }
    }
    munmap(p, sizeof(struct tt_scratch));
    tt_mem_add(-(long) sizeof(struct tt_scratch));
}

static struct tt_scratch *scratch_recycled(void) {
    for (int i = 0; i < SCRATCH_POOL; i++) {
        if (atomic_load_explicit(&scratch_pool[i], memory_order_relaxed) != NULL) {
            struct tt_scratch *p = atomic_exchange(&scratch_pool[i], NULL);
            if (p != NULL) {
                return p;
            }
        }
    }
    return NULL;
}

struct tt_scratch *tt_scratch(void) {
    if (TT_LIKELY(scratch != NULL)) {
        return scratch;
    }
    /* a vfork child runs in its parent's memory: it neither takes from nor gives to the pool */
    int foreign = tt_foreign_child();
    void *p = foreign ? NULL : scratch_recycled();
    if (p == NULL) {
        p = mmap(NULL, sizeof(struct tt_scratch), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            return NULL;
        }
        tt_mem_add((long) sizeof(struct tt_scratch));
    }
    scratch = p;
    if (scratch_key_ok && !foreign) {
        pthread_setspecific(scratch_key, p);
    }
    return scratch;
}

/* ---------- log ---------- */

void tt_log(const char *fmt, ...) {
    if (tt_cfg.log[0] == 0) {
        return;
    }
    int saved = errno;
    char line[768];
    int n = snprintf(line, sizeof line, "telltale[%d] ", (int) tt_sys_getpid());
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + n, sizeof line - (size_t) n - 1, fmt, ap);
    va_end(ap);
    if (m < 0) {
        m = 0;
    }
    size_t len = (size_t) n + ((size_t) m < sizeof line - (size_t) n - 1 ? (size_t) m
                                                                         : sizeof line - (size_t) n - 2);
    line[len++] = '\n';
    int fd = tt_sys_open(tt_cfg.log, O_WRONLY | O_APPEND | O_CREAT, 0600);
    if (fd >= 0) {
        tt_sys_write(fd, line, len);
        tt_sys_close(fd);
    }
    errno = saved;
}

/* ---------- configuration ---------- */

static void copy_env(char *dst, size_t cap, const char *name) {
    const char *v = getenv(name);
    dst[0] = 0;
    size_t n = v != NULL ? strlen(v) : 0;
    if (n > 0 && n < cap) {
        memcpy(dst, v, n + 1);
    }
}

static void atfork_child(void);

void tt_core_init(void) {
    tt_pid = tt_sys_getpid();
    tt_start_us = tt_now_us();
    copy_env(tt_cfg.log, sizeof tt_cfg.log, "TELLTALE_LOG");

    /* TELLTALE_STACKS: 0 none, fp frame-pointer walk, full the unwinder on every event,
       anything else the unwinder once per call site and second (stack.c) */
    const char *stacks = getenv("TELLTALE_STACKS");
    tt_cfg.stacks = stacks == NULL ? 1 : strcmp(stacks, "0") == 0 ? 0 : strcmp(stacks, "fp") == 0 ? 2
                  : strcmp(stacks, "full") == 0 ? 3 : 1;
    const char *hb = getenv("TELLTALE_HEARTBEAT_MS");
    tt_cfg.heartbeat_ms = 10000;
    if (hb != NULL && *hb) {
        long v = strtol(hb, NULL, 10);
        if (v >= 10 && v <= 86400000L) {
            tt_cfg.heartbeat_ms = (unsigned) v;
        }
    }
    copy_env(tt_cfg.cache_dir, sizeof tt_cfg.cache_dir, "TELLTALE_CACHE_DIR");
    if (tt_cfg.cache_dir[0] == 0) {
        snprintf(tt_cfg.cache_dir, sizeof tt_cfg.cache_dir, "/tmp/.telltale-cache-%u",
                 (unsigned) geteuid());
    }

    const char *ch = getenv("TELLTALE_CHANNEL");
    if (ch == NULL || *ch == 0) {
        return; /* nothing to talk to: stay off, the program runs as without us */
    }
    size_t n = strlen(ch);
    if (n >= sizeof tt_cfg.channel) {
        tt_log("TELLTALE_CHANNEL too long; interceptor off");
        return;
    }
    if (ch[0] == '@') {
        tt_cfg.channel[0] = 0; /* abstract namespace */
        memcpy(tt_cfg.channel + 1, ch + 1, n - 1);
        tt_cfg.channel_len = (unsigned) n;
    } else {
        memcpy(tt_cfg.channel, ch, n + 1);
        tt_cfg.channel_len = (unsigned) n + 1;
    }
    tt_channel_ring_init();
    scratch_key_ok = pthread_key_create(&scratch_key, scratch_release) == 0;
    pthread_atfork(NULL, NULL, atfork_child);
    tt_cfg.on = 1;
}

/* ---------- fork ---------- */

/* Runs in the child of fork() (not vfork), single-threaded: forget the parent's state. */
static void atfork_child(void) {
    tt_pid = tt_sys_getpid();
    cached_tid = 0;
    tt_channel_after_fork_child();
    tt_modules_after_fork_child();
    tt_libs_after_fork_child();
    tt_heartbeat_after_fork_child();
}

/* ---------- load and unload ---------- */

__attribute__((constructor)) static void tt_constructor(void) {
    int saved = errno;
    tt_init();
    if (tt_enter()) {
        uint64_t t0 = tt_mono_ns();
        tt_modules_refresh();
        if (tt_channel_usable()) {
            tt_start_event();
            tt_libs_initial();
        }
        tt_account_ns(tt_mono_ns() - t0);
        tt_leave();
    }
    errno = saved;
}

__attribute__((destructor)) static void tt_destructor(void) {
    int saved = errno;
    if (tt_cfg.on && !tt_foreign_child()) {
        if (tt_enter()) {
            tt_libs_pending();
            tt_leave();
        }
        tt_exit_flush();
    }
    errno = saved;
}
