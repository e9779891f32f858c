/*
 * File operations: open family, creat, fopen, rename, unlink, truncate. Paths are made
 * absolute (cwd or the directory of dirfd), flags are named, opens for writing are flagged
 * with the word "write" in flag_names.
 */
#include "tt.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* musl's headers may define the *64 names as macros for the plain ones. */
#undef open64
#undef openat64
#undef creat64
#undef fopen64
#undef freopen64
#undef truncate64
#undef ftruncate64

TT_API int open64(const char *, int, ...);
TT_API int openat64(int, const char *, int, ...);
TT_API int creat64(const char *, mode_t);
TT_API FILE *fopen64(const char *, const char *);
TT_API FILE *freopen64(const char *, const char *, FILE *);
TT_API int truncate64(const char *, off_t);
TT_API int ftruncate64(int, off_t);
TT_API int __open_2(const char *, int);
TT_API int __open64_2(const char *, int);
TT_API int __openat_2(int, const char *, int);
TT_API int __openat64_2(int, const char *, int);
TT_API int renameat2(int, const char *, int, const char *, unsigned);
TT_API int close_range(unsigned, unsigned, int);
TT_API void closefrom(int);

static const struct {
    int bit;
    const char *name;
} flag_table[] = {
    {O_CREAT, "O_CREAT"},     {O_EXCL, "O_EXCL"},         {O_NOCTTY, "O_NOCTTY"},
    {O_TRUNC, "O_TRUNC"},     {O_APPEND, "O_APPEND"},     {O_NONBLOCK, "O_NONBLOCK"},
    {O_DSYNC, "O_DSYNC"},     {O_DIRECTORY, "O_DIRECTORY"}, {O_NOFOLLOW, "O_NOFOLLOW"},
    {O_CLOEXEC, "O_CLOEXEC"}, {O_DIRECT, "O_DIRECT"},     {O_NOATIME, "O_NOATIME"},
    {O_PATH, "O_PATH"},
};

static int is_write(int flags) {
    int acc = flags & O_ACCMODE;
    return acc == O_WRONLY || acc == O_RDWR || (flags & (O_TRUNC | O_CREAT)) != 0;
}

/* Appends " word" (no leading space at the start); cut at cap - 1, always terminated. */
static size_t put_word(char *out, size_t n, size_t cap, const char *w) {
    if (n > 0 && n + 1 < cap) {
        out[n++] = ' ';
    }
    size_t l = strlen(w);
    if (n + l >= cap) {
        l = n + 1 < cap ? cap - 1 - n : 0;
    }
    memcpy(out + n, w, l);
    n += l;
    out[n] = 0;
    return n;
}

/* "O_WRONLY O_CREAT O_TRUNC write": words, so the appliance can search them as text.
   (No printf: this runs for every open, and must stay async-signal-safe.) */
static void flag_names(int flags, char *out, size_t cap) {
    size_t n = 0;
    int acc = flags & O_ACCMODE;
    const char *a = acc == O_WRONLY ? "O_WRONLY" : acc == O_RDWR ? "O_RDWR" : "O_RDONLY";
    out[0] = 0;
    n = put_word(out, n, cap, a);
    if ((flags & O_TMPFILE) == O_TMPFILE) {
        n = put_word(out, n, cap, "O_TMPFILE");
        flags &= ~O_TMPFILE;
    } else if ((flags & O_SYNC) == O_SYNC) {
        n = put_word(out, n, cap, "O_SYNC");
        flags &= ~O_SYNC;
    }
    for (size_t i = 0; i < sizeof flag_table / sizeof flag_table[0]; i++) {
        if (flags & flag_table[i].bit) {
            n = put_word(out, n, cap, flag_table[i].name);
        }
    }
    if (is_write(flags)) {
        put_word(out, n, cap, "write");
    }
}

static int has_mode(int flags) {
    return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE;
}

/* Records one file event; caller holds the guard. */
static void file_event(const char *op, int dirfd, const char *path, int dirfd2, const char *path2,
                       int flags, int with_flags, mode_t mode, int with_mode, int fd, int result,
                       int err) {
    tt_ev e;
    if (path == NULL || !tt_ev_begin(&e, TT_EV_FILE, 1)) {
        return;
    }
    struct tt_scratch *s = tt_scratch();
    tt_ev_str(&e, 1, op, 32);
    const char *abs = tt_abspath(dirfd, path, s->path[0]);
    tt_ev_str(&e, 2, abs, TT_LIM_PATH);
    if (path2 != NULL) {
        tt_ev_str(&e, 3, tt_abspath(dirfd2, path2, s->path[1]), TT_LIM_PATH);
    }
    if (with_flags) {
        tt_uint(&e.b, 4, (uint32_t) flags);
        char names[256];
        flag_names(flags, names, sizeof names);
        tt_ev_str(&e, 9, names, 256);
    }
    if (with_mode) {
        tt_uint(&e.b, 5, mode & 07777);
    }
    if (fd >= 0) {
        tt_sint(&e.b, 6, fd);
    }
    tt_sint(&e.b, 7, result);
    if (result < 0 && err) {
        tt_uint(&e.b, 8, (uint32_t) err);
    }
    tt_ev_send(&e);
    if (fd >= 0) {
        tt_fd_opened(fd, abs);
        if (with_flags) {
            tt_dir_learn(fd, path, flags, abs);
        }
    }
}

static int after_open(const char *op, int dirfd, const char *path, int flags, mode_t mode, int r) {
    int err = errno;
    if (r >= 0) {
        tt_web_forget(r); /* a reused descriptor number is no longer an accepted socket */
    }
    if (tt_enter()) {
        file_event(op, dirfd, path, 0, NULL, flags, 1, mode, has_mode(flags), r, r, err);
        tt_leave();
    }
    errno = err;
    return r;
}

#define MODE_ARG(flags, mode)                                                                 \
    mode_t mode = 0;                                                                          \
    if (has_mode(flags)) {                                                                    \
        va_list ap;                                                                           \
        va_start(ap, flags);                                                                  \
        mode = (mode_t) va_arg(ap, int);                                                      \
        va_end(ap);                                                                           \
    }

TT_API int open(const char *path, int flags, ...) {
    MODE_ARG(flags, mode)
    int r = TT_REAL(open)(path, flags, mode);
    return after_open("open", AT_FDCWD, path, flags, mode, r);
}

TT_API int open64(const char *path, int flags, ...) {
    MODE_ARG(flags, mode)
    int r = TT_REAL(open64) ? TT_REAL(open64)(path, flags, mode) : TT_REAL(open)(path, flags, mode);
    return after_open("open", AT_FDCWD, path, flags, mode, r);
}

TT_API int openat(int dirfd, const char *path, int flags, ...) {
    MODE_ARG(flags, mode)
    int r = TT_REAL(openat)(dirfd, path, flags, mode);
    return after_open("openat", dirfd, path, flags, mode, r);
}

TT_API int openat64(int dirfd, const char *path, int flags, ...) {
    MODE_ARG(flags, mode)
    int r = TT_REAL(openat64) ? TT_REAL(openat64)(dirfd, path, flags, mode)
                              : TT_REAL(openat)(dirfd, path, flags, mode);
    return after_open("openat", dirfd, path, flags, mode, r);
}

/* _FORTIFY_SOURCE variants of open without a mode. */
TT_API int __open_2(const char *path, int flags) {
    int r = TT_REAL(__open_2) ? TT_REAL(__open_2)(path, flags) : TT_REAL(open)(path, flags);
    return after_open("open", AT_FDCWD, path, flags, 0, r);
}
TT_API int __open64_2(const char *path, int flags) {
    int r = TT_REAL(__open64_2) ? TT_REAL(__open64_2)(path, flags) : TT_REAL(open)(path, flags);
    return after_open("open", AT_FDCWD, path, flags, 0, r);
}
TT_API int __openat_2(int dirfd, const char *path, int flags) {
    int r = TT_REAL(__openat_2) ? TT_REAL(__openat_2)(dirfd, path, flags)
                                : TT_REAL(openat)(dirfd, path, flags);
    return after_open("openat", dirfd, path, flags, 0, r);
}
TT_API int __openat64_2(int dirfd, const char *path, int flags) {
    int r = TT_REAL(__openat64_2) ? TT_REAL(__openat64_2)(dirfd, path, flags)
                                  : TT_REAL(openat)(dirfd, path, flags);
    return after_open("openat", dirfd, path, flags, 0, r);
}

TT_API int creat(const char *path, mode_t mode) {
    int r = TT_REAL(creat)(path, mode);
    return after_open("creat", AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode, r);
}

TT_API int creat64(const char *path, mode_t mode) {
    int r = TT_REAL(creat64) ? TT_REAL(creat64)(path, mode) : TT_REAL(creat)(path, mode);
    return after_open("creat", AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode, r);
}

/* fopen's mode string as open(2) flags. */
static int fopen_flags(const char *m) {
    int flags = 0;
    if (m == NULL) {
        return 0;
    }
    switch (m[0]) {
    case 'r': flags = O_RDONLY; break;
    case 'w': flags = O_WRONLY | O_CREAT | O_TRUNC; break;
    case 'a': flags = O_WRONLY | O_CREAT | O_APPEND; break;
    default: return 0;
    }
    for (const char *p = m + 1; *p && *p != ','; p++) {
        if (*p == '+') {
            flags = (flags & ~O_ACCMODE) | O_RDWR;
        } else if (*p == 'e') {
            flags |= O_CLOEXEC;
        } else if (*p == 'x') {
            flags |= O_EXCL;
        }
    }
    return flags;
}

static FILE *after_fopen(const char *op, const char *path, const char *m, FILE *f) {
    int err = errno;
    int fd = f != NULL ? fileno(f) : -1;
    if (fd >= 0) {
        tt_web_forget(fd);
    }
    if (tt_enter()) {
        int flags = fopen_flags(m);
        file_event(op, AT_FDCWD, path, 0, NULL, flags, 1, 0666, 0, fd, f != NULL ? fd : -1, err);
        tt_leave();
    }
    errno = err;
    return f;
}

TT_API FILE *fopen(const char *path, const char *m) {
    return after_fopen("fopen", path, m, TT_REAL(fopen)(path, m));
}

TT_API FILE *fopen64(const char *path, const char *m) {
    FILE *f = TT_REAL(fopen64) ? TT_REAL(fopen64)(path, m) : TT_REAL(fopen)(path, m);
    return after_fopen("fopen", path, m, f);
}

TT_API FILE *freopen(const char *path, const char *m, FILE *stream) {
    FILE *f = TT_REAL(freopen)(path, m, stream);
    return path != NULL ? after_fopen("freopen", path, m, f) : f;
}

TT_API FILE *freopen64(const char *path, const char *m, FILE *stream) {
    FILE *f = TT_REAL(freopen64) ? TT_REAL(freopen64)(path, m, stream)
                                 : TT_REAL(freopen)(path, m, stream);
    return path != NULL ? after_fopen("freopen", path, m, f) : f;
}

static int after_simple(const char *op, int dirfd, const char *path, int dirfd2, const char *path2,
                        int flags, int with_flags, int r) {
    int err = errno;
    if (r == 0 && (path2 != NULL || (flags & AT_REMOVEDIR))) {
        tt_dirs_changed(); /* a directory may have moved: remembered paths are stale */
    }
    if (tt_enter()) {
        file_event(op, dirfd, path, dirfd2, path2, flags, with_flags, 0, 0, -1, r, err);
        tt_leave();
    }
    errno = err;
    return r;
}

TT_API int rename(const char *from, const char *to) {
    int r = TT_REAL(rename)(from, to);
    return after_simple("rename", AT_FDCWD, from, AT_FDCWD, to, 0, 0, r);
}

TT_API int renameat(int fd1, const char *from, int fd2, const char *to) {
    int r = TT_REAL(renameat)(fd1, from, fd2, to);
    return after_simple("renameat", fd1, from, fd2, to, 0, 0, r);
}

TT_API int renameat2(int fd1, const char *from, int fd2, const char *to, unsigned flags) {
    if (TT_REAL(renameat2) == NULL) {
        errno = ENOSYS;
        return -1;
    }
    int r = TT_REAL(renameat2)(fd1, from, fd2, to, flags);
    return after_simple("renameat2", fd1, from, fd2, to, (int) flags, 1, r);
}

TT_API int unlink(const char *path) {
    int r = TT_REAL(unlink)(path);
    return after_simple("unlink", AT_FDCWD, path, 0, NULL, 0, 0, r);
}

TT_API int unlinkat(int dirfd, const char *path, int flags) {
    int r = TT_REAL(unlinkat)(dirfd, path, flags);
    return after_simple((flags & AT_REMOVEDIR) ? "rmdir" : "unlinkat", dirfd, path, 0, NULL, flags,
                        1, r);
}

TT_API int truncate(const char *path, off_t len) {
    int r = TT_REAL(truncate)(path, len);
    return after_simple("truncate", AT_FDCWD, path, 0, NULL, 0, 0, r);
}

TT_API int truncate64(const char *path, off_t len) {
    int r = TT_REAL(truncate64) ? TT_REAL(truncate64)(path, len) : TT_REAL(truncate)(path, len);
    return after_simple("truncate", AT_FDCWD, path, 0, NULL, 0, 0, r);
}

/* ftruncate: the path is known when the descriptor names a file (/proc/self/fd). */
static int after_ftruncate(int fd, int r) {
    int err = errno;
    if (tt_enter()) {
        char link[40];
        struct tt_scratch *s = tt_scratch();
        snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
        ssize_t n = s ? tt_sys_readlink(link, s->tmp, TT_LIM_PATH) : -1;
        if (n > 0 && s->tmp[0] == '/') {
            s->tmp[n] = 0;
            tt_ev e;
            if (tt_ev_begin(&e, TT_EV_FILE, 1)) {
                tt_ev_str(&e, 1, "ftruncate", 32);
                tt_ev_str(&e, 2, s->tmp, TT_LIM_PATH);
                tt_sint(&e.b, 6, fd);
                tt_sint(&e.b, 7, r);
                if (r < 0) {
                    tt_uint(&e.b, 8, (uint32_t) err);
                }
                tt_ev_send(&e);
            }
        }
        tt_leave();
    }
    errno = err;
    return r;
}

TT_API int ftruncate(int fd, off_t len) {
    return after_ftruncate(fd, TT_REAL(ftruncate)(fd, len));
}

TT_API int ftruncate64(int fd, off_t len) {
    int r = TT_REAL(ftruncate64) ? TT_REAL(ftruncate64)(fd, len) : TT_REAL(ftruncate)(fd, len);
    return after_ftruncate(fd, r);
}

/* close and friends: no event; they forget per-descriptor state (web sniffing, short-lived
 * fds) and make sure our channel is never replaced behind our back. */
TT_API int close(int fd) {
    if (tt_cfg.on) {
        tt_web_forget(fd);
        tt_fd_closed(fd);
        tt_channel_closing(fd, fd);
    }
    return TT_REAL(close)(fd);
}

TT_API int dup2(int old, int fd) {
    if (tt_cfg.on && old != fd) {
        tt_web_forget(fd);
        tt_channel_closing(fd, fd);
    }
    return TT_REAL(dup2)(old, fd);
}

TT_API int dup3(int old, int fd, int flags) {
    if (tt_cfg.on) {
        tt_web_forget(fd);
        tt_channel_closing(fd, fd);
    }
    return TT_REAL(dup3)(old, fd, flags);
}

TT_API int close_range(unsigned lo, unsigned hi, int flags) {
    if (TT_REAL(close_range) == NULL) {
        errno = ENOSYS;
        return -1;
    }
    if (tt_cfg.on && !(flags & 4 /* CLOSE_RANGE_CLOEXEC: nothing closes now */)) {
        tt_channel_closing((int) (lo > 0x7fffffffu ? 0x7fffffffu : lo),
                           (int) (hi > 0x7fffffffu ? 0x7fffffffu : hi));
    }
    return TT_REAL(close_range)(lo, hi, flags);
}

TT_API void closefrom(int lo) {
    if (tt_cfg.on) {
        tt_channel_closing(lo, 0x7fffffff);
    }
    if (TT_REAL(closefrom) != NULL) {
        TT_REAL(closefrom)(lo);
    }
}
