/*
 * Process operations and the process's end:
 *  - exec family: one `process` event (op exec, path, argv) before the real call, and a
 *    second one with result -1 and errno only when it returns; exec of a static or Go
 *    binary adds the coverage `api` event (docs/interceptor.md);
 *  - posix_spawn(p): `spawn` with the child's pid; system/popen: `spawn` of sh -c (no pid);
 *    fork/clone: after the call, in the parent;
 *    vfork: recorded before the call (vfork.S jumps to the real vfork so the child never
 *    returns through a frame of ours);
 *  - exit code: main's return value (__libc_start_main wraps main), exit(), _exit(),
 *    _Exit(); abort() and children reaped after a fatal signal (wait*) are reported as
 *    crashes. The event is sent from our destructor, after the program's atexit handlers.
 *
 * exec and _exit may run in a vfork child sharing our memory: these paths use only the
 * thread's scratch buffer and the socket, and leave the guard before calling the real
 * function (a successful exec never returns to clear it).
 */
#include "tt.h"

#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

uint32_t tt_threads_created, tt_forks;

/* PATH search as execvp does it, to name the file that will run. */
static const char *search_path(const char *file, char *out) {
    if (file == NULL || *file == 0) {
        return file;
    }
    if (strchr(file, '/') != NULL) {
        return tt_abspath(AT_FDCWD, file, out);
    }
    const char *path = getenv("PATH");
    if (path == NULL) {
        path = "/usr/local/bin:/bin:/usr/bin";
    }
    size_t flen = strlen(file);
    for (const char *p = path;; p++) {
        const char *end = strchr(p, ':');
        size_t dlen = end ? (size_t) (end - p) : strlen(p);
        if (dlen + flen + 2 < TT_LIM_PATH) {
            char cand[TT_LIM_PATH];
            if (dlen == 0) {
                cand[0] = '.';
                dlen = 1;
            } else {
                memcpy(cand, p, dlen);
            }
            cand[dlen] = '/';
            memcpy(cand + dlen + 1, file, flen + 1);
            if (syscall(SYS_faccessat, AT_FDCWD, cand, X_OK, 0) == 0) {
                return tt_abspath(AT_FDCWD, cand, out);
            }
        }
        if (end == NULL) {
            break;
        }
        p = end;
    }
    return file;
}

/* One `process` event. pid < 0: no child pid; result_set: result/errno known. */
static void proc_event(const char *op, const char *path, char *const argv[], long child,
                       int result_set, int result, int err) {
    tt_ev e;
    if (!tt_ev_begin(&e, TT_EV_PROCESS, 1)) {
        return;
    }
    tt_ev_str(&e, 1, op, 32);
    if (path != NULL) {
        tt_ev_str(&e, 2, path, TT_LIM_PATH);
    }
    if (child > 0) {
        tt_uint(&e.b, 4, (uint64_t) child);
    }
    if (result_set) {
        tt_sint(&e.b, 5, result);
        if (result < 0 && err) {
            tt_uint(&e.b, 6, (uint32_t) err);
        }
    }
    tt_ev_argv(&e, 3, argv, 64);
    tt_ev_send(&e);
}

/*
 * Before exec: the event, and coverage for static/Go targets. Returns the target's C library
 * (the environment may need fixing). The target is inspected even when we do not record:
 * a child of the other C library must not inherit our build in LD_PRELOAD.
 */
static int exec_before(const char *file, int search, char *const argv[]) {
    if (tt_guard) {
        return 0;
    }
    int saved = errno;
    char buf[TT_LIM_PATH + 8];
    const char *path = search ? search_path(file, buf) : tt_abspath(AT_FDCWD, file, buf);
    struct tt_target t;
    tt_target_inspect(path, &t);
    if (tt_enter()) {
        proc_event("exec", path, argv, 0, 0, 0, 0);
        tt_coverage_event(&t);
        tt_leave();
    }
    errno = saved;
    return t.libc;
}

static int exec_failed(const char *file, char *const argv[], int r) {
    int err = errno;
    if (tt_enter()) {
        proc_event("exec", file, argv, 0, 1, r, err);
        tt_leave();
    }
    errno = err;
    return r;
}

/* `var`: envp, or a copy with LD_PRELOAD fixed for a target of the other C library. */
#define CHILD_ENV(var, libc, envp)                                                            \
    size_t slots_##var = tt_env_slots(libc, envp);                                            \
    char *fixed_##var[slots_##var + 1];                                                       \
    char buf_##var[slots_##var ? TT_ENV_BUF : 1];                                             \
    char *const *var = tt_env_fix(envp, fixed_##var, slots_##var, buf_##var, sizeof buf_##var);

TT_API int execve(const char *path, char *const argv[], char *const envp[]) {
    int libc = exec_before(path, 0, argv);
    CHILD_ENV(env, libc, envp)
    return exec_failed(path, argv, TT_REAL(execve)(path, argv, env));
}

TT_API int execv(const char *path, char *const argv[]) {
    int libc = exec_before(path, 0, argv);
    CHILD_ENV(env, libc, environ)
    if (env != environ) {
        return exec_failed(path, argv, TT_REAL(execve)(path, argv, env));
    }
    return exec_failed(path, argv, TT_REAL(execv)(path, argv));
}

TT_API int execvp(const char *file, char *const argv[]) {
    int libc = exec_before(file, 1, argv);
    CHILD_ENV(env, libc, environ)
    if (env != environ && TT_REAL(execvpe) != NULL) {
        return exec_failed(file, argv, TT_REAL(execvpe)(file, argv, env));
    }
    return exec_failed(file, argv, TT_REAL(execvp)(file, argv));
}

TT_API int execvpe(const char *file, char *const argv[], char *const envp[]) {
    int libc = exec_before(file, 1, argv);
    if (TT_REAL(execvpe) == NULL) {
        errno = ENOSYS;
        return -1;
    }
    CHILD_ENV(env, libc, envp)
    return exec_failed(file, argv, TT_REAL(execvpe)(file, argv, env));
}

TT_API int fexecve(int fd, char *const argv[], char *const envp[]) {
    char link[40], target[TT_LIM_PATH + 1];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = tt_sys_readlink(link, target, TT_LIM_PATH);
    target[n > 0 ? n : 0] = 0;
    int libc = exec_before(n > 0 ? target : link, 0, argv);
    CHILD_ENV(env, libc, envp)
    return exec_failed(n > 0 ? target : link, argv, TT_REAL(fexecve)(fd, argv, env));
}

/* execl family: collect the variadic list (as libc does, on the stack). */
#define COLLECT_ARGS(arg0, with_env)                                                          \
    size_t argc = 1;                                                                          \
    va_list ap;                                                                               \
    va_start(ap, arg0);                                                                       \
    while (va_arg(ap, char *) != NULL) {                                                      \
        argc++;                                                                               \
    }                                                                                         \
    va_end(ap);                                                                               \
    char *argv[argc + 1];                                                                     \
    char *const *envp = environ;                                                              \
    argv[0] = (char *) arg0;                                                                  \
    va_start(ap, arg0);                                                                       \
    for (size_t i = 1; i <= argc; i++) {                                                      \
        argv[i] = va_arg(ap, char *);                                                         \
    }                                                                                         \
    if (with_env) {                                                                           \
        envp = va_arg(ap, char *const *);                                                     \
    }                                                                                         \
    va_end(ap);

TT_API int execl(const char *path, const char *arg0, ...) {
    COLLECT_ARGS(arg0, 0)
    int libc = exec_before(path, 0, argv);
    CHILD_ENV(env, libc, envp)
    return exec_failed(path, argv, TT_REAL(execve)(path, argv, env));
}

TT_API int execlp(const char *file, const char *arg0, ...) {
    COLLECT_ARGS(arg0, 0)
    int libc = exec_before(file, 1, argv);
    CHILD_ENV(env, libc, envp)
    if (env != envp && TT_REAL(execvpe) != NULL) {
        return exec_failed(file, argv, TT_REAL(execvpe)(file, argv, env));
    }
    return exec_failed(file, argv, TT_REAL(execvp)(file, argv));
}

TT_API int execle(const char *path, const char *arg0, ...) {
    COLLECT_ARGS(arg0, 1)
    int libc = exec_before(path, 0, argv);
    CHILD_ENV(env, libc, envp)
    return exec_failed(path, argv, TT_REAL(execve)(path, argv, env));
}

/* posix_spawn(p): the target is inspected before the call (its environment may need the
 * fix), the event recorded after it with the child's pid. */
static int spawn(int search, pid_t *pid, const char *file, const void *fa, const void *attr,
                 char *const argv[], char *const envp[]) {
    if (tt_guard) {
        return search ? TT_REAL(posix_spawnp)(pid, file, fa, attr, argv, envp)
                      : TT_REAL(posix_spawn)(pid, file, fa, attr, argv, envp);
    }
    char buf[TT_LIM_PATH + 8];
    const char *path = search ? search_path(file, buf) : tt_abspath(AT_FDCWD, file, buf);
    struct tt_target t;
    tt_target_inspect(path, &t);
    CHILD_ENV(env, t.libc, envp)
    pid_t child = 0;
    int r = search ? TT_REAL(posix_spawnp)(&child, file, fa, attr, argv, env)
                   : TT_REAL(posix_spawn)(&child, file, fa, attr, argv, env);
    if (pid != NULL && r == 0) {
        *pid = child;
    }
    int err = errno;
    if (tt_enter()) {
        proc_event("spawn", path, argv, r == 0 ? child : 0, 1, r == 0 ? 0 : -1, r);
        if (r == 0) {
            tt_coverage_event(&t);
        }
        atomic_fetch_add((_Atomic uint32_t *) &tt_forks, 1);
        tt_leave();
    }
    errno = err;
    return r;
}

TT_API int posix_spawn(pid_t *pid, const char *path, const void *fa, const void *attr,
                       char *const argv[], char *const envp[]) {
    return spawn(0, pid, path, fa, attr, argv, envp);
}

TT_API int posix_spawnp(pid_t *pid, const char *file, const void *fa, const void *attr,
                        char *const argv[], char *const envp[]) {
    return spawn(1, pid, file, fa, attr, argv, envp);
}

/* system() and popen() start /bin/sh inside the C library, out of our hooks' sight: the
 * shell itself is intercepted, the call is recorded here as a spawn of "sh -c CMD". */
static void shell_spawn(const char *cmd, int result, int err) {
    if (cmd != NULL && tt_enter()) {
        char *argv[] = {"sh", "-c", (char *) cmd, NULL};
        proc_event("spawn", "/bin/sh", argv, 0, 1, result, err);
        atomic_fetch_add((_Atomic uint32_t *) &tt_forks, 1);
        tt_leave();
    }
}

TT_API int system(const char *cmd) {
    int r = TT_REAL(system)(cmd);
    int err = errno;
    shell_spawn(cmd, r, r == -1 ? err : 0);
    errno = err;
    return r;
}

TT_API FILE *popen(const char *cmd, const char *mode) {
    FILE *f = TT_REAL(popen)(cmd, mode);
    int err = errno;
    shell_spawn(cmd, f != NULL ? 0 : -1, f != NULL ? 0 : err);
    errno = err;
    return f;
}

/* ---------- fork, vfork, clone ---------- */

TT_API pid_t fork(void) {
    pid_t r = TT_REAL(fork)();
    int err = errno;
    if (r != 0 && tt_enter()) {
        atomic_fetch_add((_Atomic uint32_t *) &tt_forks, 1);
        proc_event("fork", NULL, NULL, r, 1, r < 0 ? -1 : 0, err);
        tt_leave();
    }
    errno = err;
    return r;
}

/* Called by vfork.S before it jumps to the real vfork; returns that function. */
void *tt_vfork_prepare(void) {
    int saved = errno;
    pid_t (*real)(void) = TT_REAL(vfork) ? TT_REAL(vfork) : TT_REAL(fork);
    if (tt_enter()) {
        atomic_fetch_add((_Atomic uint32_t *) &tt_forks, 1);
        tt_stack_exact = 1; /* the stub has no frame: the call site is not in the chain */
        proc_event("vfork", NULL, NULL, 0, 0, 0, 0);
        tt_stack_exact = 0;
        tt_leave();
    }
    tt_shared_vm = 1; /* the child will run on this thread's TLS */
    errno = saved;
    return (void *) real;
}

TT_API int clone(int (*fn)(void *), void *stack, int flags, void *arg, ...) {
    va_list ap;
    va_start(ap, arg);
    void *ptid = va_arg(ap, void *);
    void *tls = va_arg(ap, void *);
    void *ctid = va_arg(ap, void *);
    va_end(ap);
    if ((flags & CLONE_VM) && !(flags & CLONE_SETTLS)) {
        tt_shared_vm = 1; /* the child runs on this thread's TLS */
    }
    int r = TT_REAL(clone)(fn, stack, flags, arg, ptid, tls, ctid);
    int err = errno;
    if (tt_enter()) {
        if (flags & CLONE_THREAD) {
            atomic_fetch_add((_Atomic uint32_t *) &tt_threads_created, 1);
        } else {
            atomic_fetch_add((_Atomic uint32_t *) &tt_forks, 1);
        }
        proc_event("clone", NULL, NULL, r > 0 ? r : 0, 1, r < 0 ? -1 : 0, err);
        tt_leave();
    }
    errno = err;
    return r;
}

TT_API int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *),
                          void *arg) {
    if (tt_cfg.on) {
        atomic_fetch_add((_Atomic uint32_t *) &tt_threads_created, 1);
    }
    return TT_REAL(pthread_create)(thread, attr, start, arg);
}

/* Joining a user or mount namespace needs a single-threaded process: stop our thread. */
TT_API int unshare(int flags) {
    if (tt_cfg.on) {
        tt_heartbeat_stop();
    }
    return TT_REAL(unshare)(flags);
}

TT_API int setns(int fd, int nstype) {
    if (tt_cfg.on) {
        tt_heartbeat_stop();
    }
    return TT_REAL(setns)(fd, nstype);
}

/* ---------- exit ---------- */

static _Atomic pid_t exit_sent_pid;
static _Atomic pid_t stash_pid;
static int stash_code;

static void exit_event(pid_t pid, int code, int have_code, int sig, int crashed, int runtime) {
    tt_ev e;
    if (!tt_ev_begin(&e, TT_EV_PROCESS_EXIT, 0)) {
        return;
    }
    if (pid != 0) {
        /* on behalf of a reaped child: rewrite the envelope pid */
        e.b.len = 0;
        tt_uint(&e.b, 1, TT_EV_PROCESS_EXIT);
        tt_uint(&e.b, 3, (uint64_t) pid);
        e.body = tt_begin(&e.b, 6);
    }
    if (have_code) {
        tt_sint(&e.b, 1, code);
    }
    if (sig) {
        tt_uint(&e.b, 2, (uint32_t) sig);
    }
    if (crashed) {
        tt_bool(&e.b, 3, 1);
    }
    if (runtime) {
        uint64_t now = tt_now_us();
        tt_uint(&e.b, 4, now > tt_start_us ? (now - tt_start_us) / 1000u : 0);
    }
    tt_ev_send(&e);
}

/* Sends this process's exit event once (the first caller wins). */
void tt_exit_record(int code, int have_code, int sig) {
    pid_t me = tt_sys_getpid();
    if (atomic_exchange(&exit_sent_pid, me) == me) {
        return;
    }
    if (tt_enter()) {
        exit_event(0, code, have_code, sig, sig != 0, 1);
        tt_leave();
    }
}

/* Remembers the first exit code of this process (a fork child inherits the parent's slot). */
static void stash(int code) {
    pid_t me = tt_sys_getpid();
    pid_t cur = atomic_load(&stash_pid);
    if (cur != me && atomic_compare_exchange_strong(&stash_pid, &cur, me)) {
        stash_code = code;
    }
}

void tt_exit_flush(void) {
    pid_t me = tt_sys_getpid();
    int have = atomic_load(&stash_pid) == me;
    tt_exit_record(have ? stash_code : 0, have, 0);
}

TT_API void exit(int code) {
    if (tt_cfg.on) {
        stash(code);
    }
    TT_REAL(exit)(code);
    __builtin_unreachable();
}

TT_API void _exit(int code) {
    if (tt_cfg.on) {
        tt_exit_record(code, 1, 0);
    }
    TT_REAL(_exit)(code);
    __builtin_unreachable();
}

TT_API void _Exit(int code) {
    if (tt_cfg.on) {
        tt_exit_record(code, 1, 0);
    }
    TT_REAL(_Exit)(code);
    __builtin_unreachable();
}

TT_API void abort(void) {
    if (tt_cfg.on) {
        tt_exit_record(0, 0, SIGABRT);
    }
    TT_REAL(abort)();
    __builtin_unreachable();
}

/* A child killed by a signal cannot report itself: its parent does when it reaps it. */
static void reaped(pid_t pid, int status) {
    if (pid > 0 && WIFSIGNALED(status) && tt_enter()) {
        int sig = WTERMSIG(status);
        int crash = sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE ||
                    sig == SIGABRT || sig == SIGSYS || sig == SIGTRAP || WCOREDUMP(status);
        exit_event(pid, 0, 0, sig, crash, 0);
        tt_leave();
    }
}

/* The caller's status pointer is used as is; ours only when it passed NULL. */
TT_API pid_t waitpid(pid_t pid, int *status, int options) {
    int st = 0;
    int *sp = status != NULL ? status : &st;
    pid_t r = TT_REAL(waitpid)(pid, sp, options);
    int err = errno;
    if (r > 0) {
        reaped(r, *sp);
    }
    errno = err;
    return r;
}

TT_API pid_t wait(int *status) {
    int st = 0;
    int *sp = status != NULL ? status : &st;
    pid_t r = TT_REAL(wait)(sp);
    int err = errno;
    if (r > 0) {
        reaped(r, *sp);
    }
    errno = err;
    return r;
}

TT_API pid_t wait4(pid_t pid, int *status, int options, struct rusage *ru) {
    int st = 0;
    int *sp = status != NULL ? status : &st;
    pid_t r = TT_REAL(wait4)(pid, sp, options, ru);
    int err = errno;
    if (r > 0) {
        reaped(r, *sp);
    }
    errno = err;
    return r;
}

/* ---------- main ---------- */

static int (*program_main)(int, char **, char **);

static int main_wrapper(int argc, char **argv, char **envp) {
    tt_main_started = 1;
    if (tt_cfg.on) {
        tt_java_opts_main(argc, argv);
        tt_heartbeat_maybe_start();
    }
    int r = program_main(argc, argv, envp);
    if (tt_cfg.on) {
        stash(r);
    }
    return r;
}

TT_API int __libc_start_main(int (*main)(int, char **, char **), int argc, char **argv,
                             void (*init)(void), void (*fini)(void), void (*rtld_fini)(void),
                             void *stack_end) {
    program_main = main;
    return TT_REAL(__libc_start_main)(main_wrapper, argc, argv, init, fini, rtld_fini, stack_end);
}
