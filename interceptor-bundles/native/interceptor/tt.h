/*
 * Shared core of libtelltale.so (docs/interceptor.md): configuration, the real functions,
 * the reentrancy guard, per-thread scratch memory, the channel and the event builder.
 *
 * Rules every hook follows:
 *  - call the real function first (outside the guard, so calls the real function makes
 *    through the PLT, e.g. constructors run by dlopen, are still seen), then record;
 *  - record only inside tt_enter()/tt_leave(), which makes our own libc use invisible to us;
 *  - save errno before recording and restore it before returning;
 *  - never use the program's malloc; never write to stdout/stderr.
 */
#ifndef TT_H
#define TT_H

#define _GNU_SOURCE 1

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "../common/tt_wire.h"

#define TT_API __attribute__((visibility("default")))
#define TT_TLS __thread __attribute__((tls_model("initial-exec")))
#define TT_LIKELY(x) __builtin_expect(!!(x), 1)
#define TT_UNLIKELY(x) __builtin_expect(!!(x), 0)

/* Event type codes (docs/protocol.md §9). */
enum {
    TT_EV_PROCESS_START = 1,
    TT_EV_PROCESS_EXIT = 2,
    TT_EV_API = 5,
    TT_EV_FILE = 6,
    TT_EV_NETWORK = 7,
    TT_EV_IDENTITY = 8,
    TT_EV_PROCESS = 9,
    TT_EV_DEPENDENCY = 10,
    TT_EV_WEBAPP = 11,
    TT_EV_WEBAPP_URI = 12,
    TT_EV_BEARER = 13,
    TT_EV_HEARTBEAT = 14,
    TT_EV_MEMORY_WARNING = 15,
};

/* Schema limits (Schemas.java) the encoder must respect: longer strings are cut. */
#define TT_LIM_PATH 4096
#define TT_LIM_ARG 32768
#define TT_LIM_ARGS 4096
#define TT_LIM_SHORT 256

/* Records are at most 256 KiB (docs/interceptor.md); ordinary events use a 64 KiB buffer. */
#define TT_RECORD_MAX (256 * 1024)
#define TT_EV_CAP (64 * 1024)
#define TT_HDR 9 /* kind u8 + time_us u64 */

/* ---------- real functions (real.c) ---------- */

struct addrinfo;
struct hostent;
struct sockaddr;
struct iovec;
struct msghdr;
struct rusage;
struct dl_phdr_info;

#define TT_REAL_LIST(X)                                                                       \
    X(open, int, (const char *, int, ...))                                                    \
    X(open64, int, (const char *, int, ...))                                                  \
    X(openat, int, (int, const char *, int, ...))                                             \
    X(openat64, int, (int, const char *, int, ...))                                           \
    X(__open_2, int, (const char *, int))                                                     \
    X(__open64_2, int, (const char *, int))                                                   \
    X(__openat_2, int, (int, const char *, int))                                              \
    X(__openat64_2, int, (int, const char *, int))                                            \
    X(creat, int, (const char *, mode_t))                                                     \
    X(creat64, int, (const char *, mode_t))                                                   \
    X(fopen, FILE *, (const char *, const char *))                                            \
    X(fopen64, FILE *, (const char *, const char *))                                          \
    X(freopen, FILE *, (const char *, const char *, FILE *))                                  \
    X(freopen64, FILE *, (const char *, const char *, FILE *))                                \
    X(rename, int, (const char *, const char *))                                              \
    X(renameat, int, (int, const char *, int, const char *))                                  \
    X(renameat2, int, (int, const char *, int, const char *, unsigned))                       \
    X(unlink, int, (const char *))                                                            \
    X(unlinkat, int, (int, const char *, int))                                                \
    X(truncate, int, (const char *, off_t))                                                   \
    X(truncate64, int, (const char *, off_t))                                                 \
    X(ftruncate, int, (int, off_t))                                                           \
    X(ftruncate64, int, (int, off_t))                                                         \
    X(close, int, (int))                                                                      \
    X(dup2, int, (int, int))                                                                  \
    X(dup3, int, (int, int, int))                                                             \
    X(close_range, int, (unsigned, unsigned, int))                                            \
    X(closefrom, void, (int))                                                                 \
    X(bind, int, (int, const struct sockaddr *, socklen_t))                                   \
    X(listen, int, (int, int))                                                                \
    X(connect, int, (int, const struct sockaddr *, socklen_t))                                \
    X(accept, int, (int, struct sockaddr *, socklen_t *))                                     \
    X(accept4, int, (int, struct sockaddr *, socklen_t *, int))                               \
    X(getaddrinfo, int, (const char *, const char *, const struct addrinfo *,                 \
                         struct addrinfo **))                                                 \
    X(gethostbyname, struct hostent *, (const char *))                                        \
    X(gethostbyname2, struct hostent *, (const char *, int))                                  \
    X(gethostbyname_r, int, (const char *, struct hostent *, char *, size_t,                  \
                             struct hostent **, int *))                                       \
    X(read, ssize_t, (int, void *, size_t))                                                   \
    X(recv, ssize_t, (int, void *, size_t, int))                                              \
    X(recvfrom, ssize_t, (int, void *, size_t, int, struct sockaddr *, socklen_t *))          \
    X(readv, ssize_t, (int, const struct iovec *, int))                                       \
    X(setuid, int, (uid_t))                                                                   \
    X(setgid, int, (gid_t))                                                                   \
    X(seteuid, int, (uid_t))                                                                  \
    X(setegid, int, (gid_t))                                                                  \
    X(setreuid, int, (uid_t, uid_t))                                                          \
    X(setregid, int, (gid_t, gid_t))                                                          \
    X(setresuid, int, (uid_t, uid_t, uid_t))                                                  \
    X(setresgid, int, (gid_t, gid_t, gid_t))                                                  \
    X(setgroups, int, (size_t, const gid_t *))                                                \
    X(execve, int, (const char *, char *const[], char *const[]))                              \
    X(execv, int, (const char *, char *const[]))                                              \
    X(execvp, int, (const char *, char *const[]))                                             \
    X(execvpe, int, (const char *, char *const[], char *const[]))                             \
    X(fexecve, int, (int, char *const[], char *const[]))                                      \
    X(posix_spawn, int, (pid_t *, const char *, const void *, const void *,                   \
                         char *const[], char *const[]))                                       \
    X(posix_spawnp, int, (pid_t *, const char *, const void *, const void *,                  \
                          char *const[], char *const[]))                                      \
    X(system, int, (const char *))                                                            \
    X(popen, FILE *, (const char *, const char *))                                            \
    X(fork, pid_t, (void))                                                                    \
    X(vfork, pid_t, (void))                                                                   \
    X(clone, int, (int (*)(void *), void *, int, void *, ...))                                \
    X(_exit, void, (int))                                                                     \
    X(_Exit, void, (int))                                                                     \
    X(exit, void, (int))                                                                      \
    X(abort, void, (void))                                                                    \
    X(__libc_start_main, int, (int (*)(int, char **, char **), int, char **, void (*)(void),  \
                               void (*)(void), void (*)(void), void *))                       \
    X(pthread_create, int, (pthread_t *, const pthread_attr_t *, void *(*)(void *), void *))                 \
    X(unshare, int, (int))                                                                    \
    X(setns, int, (int, int))                                                                 \
    X(waitpid, pid_t, (pid_t, int *, int))                                                    \
    X(wait, pid_t, (int *))                                                                   \
    X(wait4, pid_t, (pid_t, int *, int, struct rusage *))                                     \
    X(dlopen, void *, (const char *, int))                                                    \
    X(strcpy, char *, (char *, const char *))                                                 \
    X(strcat, char *, (char *, const char *))                                                 \
    X(sprintf, int, (char *, const char *, ...))                                              \
    X(vsprintf, int, (char *, const char *, va_list))                                         \
    X(gets, char *, (char *))                                                                 \
    X(__strcpy_chk, char *, (char *, const char *, size_t))                                   \
    X(__strcat_chk, char *, (char *, const char *, size_t))                                   \
    X(__sprintf_chk, int, (char *, int, size_t, const char *, ...))                           \
    X(__vsprintf_chk, int, (char *, int, size_t, const char *, va_list))

#define TT_DECLARE_REAL(name, ret, params) extern ret(*tt_real_##name) params;
TT_REAL_LIST(TT_DECLARE_REAL)
#undef TT_DECLARE_REAL

/* Resolves every real function and reads the configuration, once (pthread_once). */
void tt_init(void);
void *tt_real_slow(void **slot, const char *name);
/* The real function `name`, resolving on first use; NULL when the C library lacks it. */
#define TT_REAL(name)                                                                         \
    (TT_LIKELY(tt_real_##name != NULL)                                                        \
         ? tt_real_##name                                                                     \
         : (__typeof__(tt_real_##name)) tt_real_slow((void **) &tt_real_##name, #name))

/* ---------- process-wide state (core.c) ---------- */

struct tt_config {
    int on;                 /* TELLTALE_CHANNEL set: record at all */
    int stacks;             /* TELLTALE_STACKS: 0 off, 1 unwinder once per call site and second,
                               2 frame pointers, 3 unwinder on every event ("full") */
    unsigned heartbeat_ms;  /* TELLTALE_HEARTBEAT_MS */
    char channel[108];      /* sun_path, leading NUL for abstract names */
    unsigned channel_len;   /* bytes of channel[] used */
    char log[256];          /* TELLTALE_LOG */
    char cache_dir[256];    /* TELLTALE_CACHE_DIR or /tmp/.telltale-cache-<uid> */
};
extern struct tt_config tt_cfg;

extern pid_t tt_pid;              /* our pid, updated in fork children (atfork) */
extern uint64_t tt_start_us;      /* process (interceptor) start time, CLOCK_REALTIME */
extern volatile int tt_main_started;

extern TT_TLS int tt_guard;

/* Enter our own code: returns 0 when recording must be skipped (nested, or off). */
static inline int tt_enter(void) {
    if (TT_UNLIKELY(!tt_cfg.on) || tt_guard) {
        return 0;
    }
    tt_guard = 1;
    return 1;
}
static inline void tt_leave(void) { tt_guard = 0; }

/* True when the caller runs in a vfork child or a raw clone sharing our memory. */
int tt_foreign_child(void);
extern TT_TLS int tt_shared_vm; /* set before vfork / clone(CLONE_VM) in this thread */
pid_t tt_self_pid(void);        /* our pid without a system call in the common case */

/* Stacks already unwound by this thread, by call site (stack.c, TELLTALE_STACKS=1). */
#define TT_SC_WAYS 32
#define TT_SC_BYTES 2048
struct tt_sc_entry {
    uint64_t key;     /* call site, its stack address and the frame-pointer chain above it */
    uint64_t at_ns;   /* when it was unwound (CLOCK_MONOTONIC_COARSE) */
    uint32_t nmods;   /* module table size then */
    uint32_t len;     /* encoded frames */
    const char *caller; /* the module of the first frame (tt_stack_caller then) */
    uint8_t frames[TT_SC_BYTES];
};

/* Paths of directory descriptors this thread resolved lately (dirpath.c). */
#define TT_DIR_WAYS 8
struct tt_dir_entry {
    int fd;
    uint32_t len;       /* 0: empty */
    uint32_t learned;   /* 1: the path an open named, not yet checked against the descriptor */
    uint64_t dev, ino;  /* of the directory then */
    uint64_t gen;       /* rename generation then */
    uint64_t at_ns;     /* CLOCK_MONOTONIC_COARSE */
    char path[1024];
};

/* Per-thread scratch memory (mmap'd on first use, released at thread exit). */
struct tt_scratch {
    struct tt_sc_entry sc[TT_SC_WAYS];
    struct tt_dir_entry dirs[TT_DIR_WAYS];
    uint8_t ev[TT_EV_CAP];
    char path[2][TT_LIM_PATH + 8];
    char tmp[TT_LIM_PATH + 8];
};
struct tt_scratch *tt_scratch(void);

uint64_t tt_now_us(void);
uint64_t tt_mono_ns(void);
/* CLOCK_MONOTONIC_COARSE (a few ns, tick resolution): ages of per-thread caches. */
uint64_t tt_coarse_ns(void);
pid_t tt_gettid(void);
/* Diagnostics to TELLTALE_LOG only (never stdout/stderr). printf-like, small. */
void tt_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Memory we mapped (scratch, buffers, tables): the heartbeat's agent_rss_kb, an upper bound. */
void tt_mem_add(long bytes);
uint64_t tt_mem_kb(void);
extern TT_TLS int tt_no_account; /* set in our own thread: its CPU is measured as a whole */
/* CPU time spent inside our own code (for heartbeats). */
void tt_account_ns(uint64_t ns);
uint64_t tt_accounted_ns(void);

/* ---------- raw system calls: our own I/O never goes through hooked symbols ---------- */
int tt_sys_open(const char *path, int flags, int mode);
int tt_sys_openat(int dirfd, const char *path, int flags, int mode);
ssize_t tt_sys_read(int fd, void *buf, size_t n);
ssize_t tt_sys_pread(int fd, void *buf, size_t n, off_t off);
ssize_t tt_sys_write(int fd, const void *buf, size_t n);
int tt_sys_close(int fd);
ssize_t tt_sys_readlink(const char *path, char *buf, size_t n);
pid_t tt_sys_getpid(void);
/* Reads a whole (small) file into buf, NUL-terminated; returns its length or -1. */
ssize_t tt_read_file(const char *path, char *buf, size_t cap);

/* ---------- channel (channel.c) ---------- */

/* Sends one record; counts it as lost when it cannot be sent. Never blocks. */
void tt_channel_send(uint8_t *rec, size_t len);
/* Counts n events lost elsewhere (the Java agent's queue), declared with the next record. */
void tt_channel_add_lost(uint32_t n);
/* Whether events should be built at all (connected, or a reconnect attempt is due). */
int tt_channel_usable(void);
int tt_channel_fd(void);
/* Maps the shared-memory ring named by TELLTALE_RING, if any (once, at load). */
void tt_channel_ring_init(void);
int tt_channel_ring_fd(void); /* its inherited descriptor, -1 without a ring */
void tt_channel_closing(int lo, int hi);
void tt_channel_after_fork_child(void);

/* ---------- event builder (event.c) ---------- */

typedef struct tt_ev {
    tt_buf b;
    tt_mark body;
    uint8_t *rec;      /* record start (header) */
    int type;
    uint64_t t0;       /* for self-accounting */
} tt_ev;

/*
 * Starts an event in the thread's scratch buffer (or `buf` of `cap` bytes when given).
 * Captures a stack when `stack` and stacks are enabled. Returns 0 when nothing is to be
 * recorded; then tt_ev_send must not be called.
 */
int tt_ev_begin(tt_ev *e, int type, int stack);
int tt_ev_begin_buf(tt_ev *e, int type, int stack, uint8_t *buf, size_t cap);
void tt_ev_send(tt_ev *e);

/* String fields cut to the schema's byte limit (after \xNN escaping), never mid-character. */
void tt_ev_str(tt_ev *e, uint32_t field, const char *s, size_t max);
void tt_ev_strn(tt_ev *e, uint32_t field, const char *s, size_t n, size_t max);
/* Prefix length of s[0..n) whose escaped form fits in max bytes. */
size_t tt_utf8_fit(const char *s, size_t n, size_t max);
/* Appends argv-like strings while they fit in `reserve` bytes below the buffer's end. */
void tt_ev_argv(tt_ev *e, uint32_t field, char *const argv[], size_t reserve);

/*
 * Makes `path` absolute against the cwd (AT_FDCWD) or the directory of `dirfd`
 * (/proc/self/fd) and normalises "." and ".." lexically. Writes into out (TT_LIM_PATH+8).
 */
const char *tt_abspath(int dirfd, const char *path, char *out);

/* Socket address to text ("1.2.3.4", "::1", "/path", "@abstract"), port and family name. */
void tt_sockaddr_str(const struct sockaddr *sa, socklen_t len, char *out, size_t cap,
                     unsigned *port, const char **family);
void tt_ev_sockaddr(tt_ev *e, const struct sockaddr *sa, socklen_t len, uint32_t f_addr,
                    uint32_t f_port, uint32_t f_family);

/* ---------- stacks (stack.c) ---------- */

/* Writes envelope field 5 frames for the current call stack, skipping our own frames. */
void tt_stack_capture(tt_buf *b);
/* The module of the first frame tt_stack_capture wrote on this thread (the hooked call's caller). */
extern TT_TLS const char *tt_stack_caller;
/* hook_java.c: appends the Java frames of this thread when the caller is the JDK's JNI code. */
void tt_java_frames(tt_buf *b, const char *caller);
/* The same for an event from a C hook: with TELLTALE_STACKS=1, reuses the frames this thread
   unwound for the same call site, stack address and frame-pointer chain in the last second. */
void tt_stack_capture_event(tt_buf *b);
extern TT_TLS int tt_stack_exact; /* set around events from assembly stubs: never reuse */
/* Module table (also used to name the loading object of dlopen). */
void tt_modules_refresh(void);
const char *tt_module_of(uintptr_t pc, uintptr_t *base);
void tt_modules_after_fork_child(void);
void tt_self_range(uintptr_t *lo, uintptr_t *hi);
/* The path of a link-map name: the executable for "", absolute for relative names. */
struct dl_phdr_info;
const char *tt_object_path(const struct dl_phdr_info *info, char *buf);
int tt_object_is_exe(const struct dl_phdr_info *info);

/* ---------- families ---------- */

void tt_start_event(void);                     /* start.c */
void tt_libs_initial(void);                    /* hook_lib.c */
void tt_libs_rescan(const char *load, const char *parent_hint);
void tt_libs_pending(void);                    /* after dlopen calls (stubs.S) */
void tt_libs_after_fork_child(void);
/* Pre-encoded stack frames for the events this thread starts next (NULL: capture). */
void tt_ev_frames(const uint8_t *frames, size_t len);
void tt_heartbeat_maybe_start(void);           /* heartbeat.c */
void tt_heartbeat_stop(void);
void tt_heartbeat_after_fork_child(void);
void tt_fd_opened(int fd, const char *path);   /* heartbeat.c: short-lived fd tracking */
void tt_fd_closed(int fd);
/* dirpath.c: a directory descriptor's absolute path into out (NUL-terminated); its length,
 * or -1. tt_dirs_changed forgets all (a rename or rmdir in this process). */
ssize_t tt_dirfd_path(int dirfd, char *out, size_t cap);
void tt_dirs_changed(void);
/* dirpath.c: the descriptor an open of name (relative) with flags just returned, named abs. */
void tt_dir_learn(int fd, const char *name, int flags, const char *abs);
extern uint32_t tt_threads_created, tt_forks; /* atomics */
void tt_web_accepted(int fd, int lfd);         /* hook_web.c */
void tt_web_forget(int fd);
void tt_exit_record(int code, int have_code, int sig); /* hook_proc.c */
void tt_exit_flush(void);

/* exec_target.c: what an exec is about to run. */
enum { TT_LIBC_GLIBC = 1, TT_LIBC_MUSL = 2 };
struct tt_target {
    const char *reason; /* "static", "go" (coverage event) or NULL */
    int libc;           /* TT_LIBC_* from PT_INTERP, 0 unknown */
    const char *file;   /* the ELF inspected: the path, or a script's interpreter */
    char interp[256];
};
void tt_target_inspect(const char *path, struct tt_target *t);
void tt_coverage_event(const struct tt_target *t);
/* Slots a fixed environment needs (0: envp can be used as is), then the fix itself. */
size_t tt_env_slots(int libc, char *const *envp);
char *const *tt_env_fix(char *const *envp, char **out, size_t slots, char *buf, size_t cap);
#define TT_ENV_BUF 8192

/* java_opts.c: the Java agent's option for this JVM (before main), put back once read */
void tt_java_opts_main(int argc, char *const argv[]);
void tt_java_opts_loaded(const char *file);

#endif
