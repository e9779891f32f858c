/*
 * The absolute path of a directory descriptor, for the *at() calls that name files relative
 * to one (tar, find, rm -r, fts and gnulib walk trees this way: one openat per file).
 *
 * Asking the kernel (readlink of /proc/self/fd/N) costs more than the openat itself (3.2 us
 * against 2.0 us for openat+close here). So each thread keeps the paths of the last few
 * directory descriptors it resolved, and checks an entry with one fstat (0.4 us) before using
 * it. Only the kernel's answer is kept, never the path a program opened the directory by: that
 * one may pass through symbolic links (/tmp/link -> /etc), and a policy on /etc/shadow must see
 * /etc/shadow. The kernel is asked again when:
 *   - the descriptor number was reused for another directory: device and inode differ;
 *   - this process renamed something or removed a directory: a process-wide generation moves on;
 *   - another process renamed it: not visible from here, so an entry lives at most
 *     TT_DIR_TTL_NS; within that window an event may name the directory's old path
 *     (docs/interceptor.md, "Paths relative to a directory descriptor"). Falco and sysdig
 *     keep open-time paths for the descriptor's whole life.
 *
 * Tree walkers open each subdirectory relative to its parent, so asking the kernel once per
 * directory was most of what tar paid us for. An open that cannot have passed through a
 * symbolic link (one component, O_NOFOLLOW, relative to a directory or working directory whose
 * path came from the kernel) leaves the path it named as a *learned* entry for its descriptor.
 * At the descriptor's first use as a directory, that path is checked with one fstatat: it must
 * name the very directory the descriptor holds (device and inode), else the kernel is asked as
 * before. So a learned path is never trusted unchecked, however the descriptor changed since.
 */
#include "tt.h"

#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define TT_DIR_TTL_NS 1000000000ull

static _Atomic uint64_t dir_gen = 1;

static int fd_stat(int fd, struct stat *st) {
    return syscall(SYS_fstat, fd, st) == 0 && S_ISDIR(st->st_mode);
}

/* The thread's entries, NULL where this thread must not keep any (a vfork child). */
static struct tt_dir_entry *slot(int fd) {
    if (fd < 0 || tt_foreign_child()) {
        return NULL;
    }
    struct tt_scratch *s = tt_scratch();
    return s == NULL ? NULL : &s->dirs[(unsigned) fd % TT_DIR_WAYS];
}

static void remember(struct tt_dir_entry *e, int fd, const struct stat *st, const char *path, size_t len) {
    if (e == NULL || len >= sizeof e->path) {
        return;
    }
    memcpy(e->path, path, len);
    e->path[len] = 0;
    e->len = (uint32_t) len;
    e->fd = fd;
    e->learned = st == NULL;
    e->dev = st == NULL ? 0 : (uint64_t) st->st_dev;
    e->ino = st == NULL ? 0 : (uint64_t) st->st_ino;
    e->gen = atomic_load_explicit(&dir_gen, memory_order_acquire);
    e->at_ns = tt_coarse_ns();
}

void tt_dir_learn(int fd, const char *name, int flags, const char *abs) {
    if (!(flags & O_NOFOLLOW) || name == NULL || name[0] == 0 || strchr(name, '/') != NULL ||
        strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || abs == NULL || abs[0] != '/') {
        return;
    }
    size_t len = strlen(abs), n = strlen(name);
    if (len <= n || len >= TT_LIM_PATH || abs[len - n - 1] != '/' || strcmp(abs + len - n, name) != 0) {
        return; /* cut to the length limit: not the path */
    }
    struct tt_dir_entry *e = slot(fd);
    /* a checked entry of another live descriptor is worth more than a guess about this one */
    if (e != NULL && (e->fd == fd || e->len == 0 || e->learned || tt_coarse_ns() - e->at_ns >= TT_DIR_TTL_NS)) {
        remember(e, fd, NULL, abs, len);
    }
}

/* A learned path holds up if it names, without following a link, the directory st describes. */
static int learned_holds(struct tt_dir_entry *e, const struct stat *st) {
    struct stat at;
#ifdef SYS_newfstatat
    long r = syscall(SYS_newfstatat, AT_FDCWD, e->path, &at, AT_SYMLINK_NOFOLLOW);
#else
    long r = syscall(SYS_fstatat64, AT_FDCWD, e->path, &at, AT_SYMLINK_NOFOLLOW);
#endif
    if (r != 0 || at.st_dev != st->st_dev || at.st_ino != st->st_ino) {
        return 0;
    }
    e->learned = 0;
    e->dev = (uint64_t) st->st_dev;
    e->ino = (uint64_t) st->st_ino;
    return 1;
}

ssize_t tt_dirfd_path(int dirfd, char *out, size_t cap) {
    struct stat st;
    struct tt_dir_entry *e = slot(dirfd);
    int have_stat = e != NULL && fd_stat(dirfd, &st);
    if (have_stat && e->fd == dirfd && e->len > 0 && e->len < cap &&
        e->gen == atomic_load_explicit(&dir_gen, memory_order_acquire) && tt_coarse_ns() - e->at_ns < TT_DIR_TTL_NS &&
        (e->learned ? learned_holds(e, &st) : e->dev == (uint64_t) st.st_dev && e->ino == (uint64_t) st.st_ino)) {
        memcpy(out, e->path, e->len + 1);
        return (ssize_t) e->len;
    }
    char link[40];
    snprintf(link, sizeof link, "/proc/self/fd/%d", dirfd);
    ssize_t r = tt_sys_readlink(link, out, cap);
    if (r <= 0 || (size_t) r >= cap) {
        return -1;
    }
    out[r] = 0;
    if (have_stat && out[0] == '/') {
        remember(e, dirfd, &st, out, (size_t) r);
    }
    return r;
}

void tt_dirs_changed(void) {
    atomic_fetch_add_explicit(&dir_gen, 1, memory_order_acq_rel);
}
