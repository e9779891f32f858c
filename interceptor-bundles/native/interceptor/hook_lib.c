/*
 * Library loads: the initial link map at startup and every object that dlopen (or a later
 * rescan) brings in, each as a `dependency` event with path, SHA-256, size, parent (the
 * object whose DT_NEEDED names it, or the caller of dlopen), name and version.
 *
 * Hashing is bounded (files over HASH_MAX are not hashed) and cached per
 * (device, inode, size, mtime): in memory, and on disk in TELLTALE_CACHE_DIR (default
 * /tmp/.telltale-cache-<euid>, a 0700 directory we own) so each process of a tree does not
 * hash libc again.
 */
#include "tt.h"
#include "sha256.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define HASH_MAX (256ull << 20)
#define MAX_OBJS 1024
#define MAX_NEEDED 64
#define SEEN_MAX 4096

/* ---------- hashing with caches ---------- */

struct hkey {
    uint64_t dev, ino, size, mtime_ns;
};

struct hentry {
    struct hkey k;
    uint8_t sha[32];
    int used;
};

static struct hentry mem_cache[256];
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static int cache_dir_state; /* 0 unknown, 1 usable, -1 not */

static int stat_path(const char *path, struct hkey *k) {
    struct stat st;
    if (syscall(SYS_newfstatat, AT_FDCWD, path, &st, 0) != 0 || !S_ISREG(st.st_mode)) {
        return -1;
    }
    k->dev = st.st_dev;
    k->ino = st.st_ino;
    k->size = (uint64_t) st.st_size;
    k->mtime_ns = (uint64_t) st.st_mtim.tv_sec * 1000000000u + (uint64_t) st.st_mtim.tv_nsec;
    return 0;
}

static int cache_dir_ok(void) {
    if (cache_dir_state != 0) {
        return cache_dir_state > 0;
    }
    struct stat st;
    const char *d = tt_cfg.cache_dir;
    if (syscall(SYS_newfstatat, AT_FDCWD, d, &st, AT_SYMLINK_NOFOLLOW) != 0) {
        syscall(SYS_mkdirat, AT_FDCWD, d, 0700);
        if (syscall(SYS_newfstatat, AT_FDCWD, d, &st, AT_SYMLINK_NOFOLLOW) != 0) {
            cache_dir_state = -1;
            return 0;
        }
    }
    /* someone else's directory could hold forged hashes */
    cache_dir_state = S_ISDIR(st.st_mode) && st.st_uid == geteuid() && (st.st_mode & 022) == 0 ? 1 : -1;
    return cache_dir_state > 0;
}

static void cache_name(const struct hkey *k, char *out, size_t cap) {
    snprintf(out, cap, "%s/%llx-%llx-%llx-%llx", tt_cfg.cache_dir, (unsigned long long) k->dev,
             (unsigned long long) k->ino, (unsigned long long) k->size,
             (unsigned long long) k->mtime_ns);
}

static int disk_get(const struct hkey *k, uint8_t sha[32]) {
    char name[512];
    if (!cache_dir_ok()) {
        return 0;
    }
    cache_name(k, name, sizeof name);
    int fd = tt_sys_open(name, O_RDONLY | O_NOFOLLOW, 0);
    if (fd < 0) {
        return 0;
    }
    ssize_t n = tt_sys_read(fd, sha, 32);
    tt_sys_close(fd);
    return n == 32;
}

static void disk_put(const struct hkey *k, const uint8_t sha[32]) {
    char name[512], tmp[560];
    if (!cache_dir_ok()) {
        return;
    }
    cache_name(k, name, sizeof name);
    snprintf(tmp, sizeof tmp, "%s.%d", name, (int) tt_sys_getpid());
    int fd = tt_sys_open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600);
    if (fd < 0) {
        return;
    }
    ssize_t n = tt_sys_write(fd, sha, 32);
    tt_sys_close(fd);
    if (n != 32 || syscall(SYS_renameat, AT_FDCWD, tmp, AT_FDCWD, name) != 0) {
        syscall(SYS_unlinkat, AT_FDCWD, tmp, 0);
    }
}

static int compute(const char *path, const struct hkey *k, uint8_t sha[32], uint8_t *buf,
                   size_t cap) {
    int fd = tt_sys_open(path, O_RDONLY, 0);
    if (fd < 0) {
        return 0;
    }
    tt_sha256 s;
    tt_sha256_init(&s);
    uint64_t total = 0;
    for (;;) {
        ssize_t r = tt_sys_read(fd, buf, cap);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            break;
        }
        tt_sha256_update(&s, buf, (size_t) r);
        total += (uint64_t) r;
    }
    tt_sys_close(fd);
    if (total != k->size) {
        return 0; /* changed while we read it */
    }
    tt_sha256_final(&s, sha);
    return 1;
}

/* SHA-256 of a file through the caches; buf is scratch space for reading. */
static int file_sha256(const char *path, uint8_t sha[32], uint64_t *size, uint8_t *buf, size_t cap) {
    struct hkey k;
    if (stat_path(path, &k) != 0) {
        return 0;
    }
    *size = k.size;
    if (k.size > HASH_MAX) {
        return 0;
    }
    unsigned slot = (unsigned) ((k.ino * 0x9E3779B97F4A7C15ull ^ k.mtime_ns) >> 56);
    pthread_mutex_lock(&cache_lock);
    struct hentry *h = &mem_cache[slot];
    if (h->used && memcmp(&h->k, &k, sizeof k) == 0) {
        memcpy(sha, h->sha, 32);
        pthread_mutex_unlock(&cache_lock);
        return 1;
    }
    pthread_mutex_unlock(&cache_lock);
    int ok = disk_get(&k, sha);
    if (!ok) {
        ok = compute(path, &k, sha, buf, cap);
        if (ok) {
            disk_put(&k, sha);
        }
    }
    if (ok) {
        pthread_mutex_lock(&cache_lock);
        h->k = k;
        memcpy(h->sha, sha, 32);
        h->used = 1;
        pthread_mutex_unlock(&cache_lock);
    }
    return ok;
}

/* ---------- the link map ---------- */

struct obj {
    uintptr_t base;
    const char *path;
    const char *soname;
    const char *target; /* basename of the symlink's target: musl's libc.so is ld-musl */
    const char *needed[MAX_NEEDED];
    int nneeded;
    int fresh;
    int is_exe;
};

struct scan {
    struct obj objs[MAX_OBJS];
    int n;
    char *strings;
    size_t used, cap;
};

/* Objects already reported (base address + path hash): rescans report only new ones. */
static struct {
    uintptr_t base;
    uint64_t hash;
} seen[SEEN_MAX];
static int nseen;
static pthread_mutex_t scan_lock = PTHREAD_MUTEX_INITIALIZER;

static uint64_t fnv(const char *s) {
    uint64_t h = 1469598103934665603ull;
    while (*s) {
        h = (h ^ (unsigned char) *s++) * 1099511628211ull;
    }
    return h;
}

static const char *keep(struct scan *sc, const char *s) {
    size_t n = strlen(s) + 1;
    if (sc->used + n > sc->cap) {
        return NULL;
    }
    char *d = sc->strings + sc->used;
    memcpy(d, s, n);
    sc->used += n;
    return d;
}

static const char *base_name(const char *p) {
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static int scan_cb(struct dl_phdr_info *info, size_t size, void *arg) {
    (void) size;
    struct scan *sc = arg;
    if (sc->n >= MAX_OBJS) {
        return 1;
    }
    char buf[TT_LIM_PATH + 8];
    const char *path = tt_object_path(info, buf);
    if (path == NULL || path[0] != '/') {
        return 0; /* the vDSO has no file */
    }
    struct obj *o = &sc->objs[sc->n];
    memset(o, 0, sizeof *o);
    o->base = info->dlpi_addr;
    o->is_exe = tt_object_is_exe(info);
    o->path = keep(sc, path);
    if (o->path == NULL) {
        return 1;
    }
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_DYNAMIC) {
            continue;
        }
        const ElfW(Dyn) *dyn = (const void *) (info->dlpi_addr + ph->p_vaddr);
        uintptr_t strtab = 0;
        for (const ElfW(Dyn) *d = dyn; d->d_tag != DT_NULL; d++) {
            if (d->d_tag == DT_STRTAB) {
                strtab = d->d_un.d_ptr;
            }
        }
        if (strtab == 0) {
            break;
        }
        /* glibc relocates d_ptr in place, musl does not */
        if (strtab < info->dlpi_addr) {
            strtab += info->dlpi_addr;
        }
        for (const ElfW(Dyn) *d = dyn; d->d_tag != DT_NULL; d++) {
            const char *s = (const char *) (strtab + d->d_un.d_val);
            if (d->d_tag == DT_SONAME) {
                o->soname = keep(sc, s);
            } else if (d->d_tag == DT_NEEDED && o->nneeded < MAX_NEEDED) {
                const char *k = keep(sc, s);
                if (k != NULL) {
                    o->needed[o->nneeded++] = k;
                }
            }
        }
    }
    if (o->soname == NULL || strncmp(base_name(o->path), "ld-musl", 7) == 0) {
        /* musl's libc.so (DT_NEEDED "libc.so") is ld-musl-*.so.1, a symlink without soname */
        ssize_t tn = tt_sys_readlink(o->path, buf, TT_LIM_PATH);
        if (tn > 0) {
            buf[tn] = 0;
            o->target = keep(sc, base_name(buf));
        }
    }
    sc->n++;
    return 0;
}

static const char *parent_of(struct scan *sc, int j) {
    const char *me = sc->objs[j].soname ? sc->objs[j].soname : base_name(sc->objs[j].path);
    const char *bn = base_name(sc->objs[j].path);
    for (int i = 0; i < sc->n; i++) {
        if (i == j) {
            continue;
        }
        for (int k = 0; k < sc->objs[i].nneeded; k++) {
            const char *nd = sc->objs[i].needed[k];
            if (strcmp(nd, me) == 0 || strcmp(nd, bn) == 0 || strcmp(nd, sc->objs[j].path) == 0 ||
                (sc->objs[j].target != NULL && strcmp(nd, sc->objs[j].target) == 0)) {
                return sc->objs[i].path;
            }
        }
    }
    return NULL;
}

/* Version from the file name: after ".so." (libz.so.1.2.13) or before ".so" (libfoo-1.2.so). */
static int version_from(const char *name, char *out, size_t cap) {
    const char *so = strstr(name, ".so.");
    if (so != NULL && so[4] >= '0' && so[4] <= '9') {
        snprintf(out, cap, "%s", so + 4);
        return 1;
    }
    so = strstr(name, ".so");
    if (so != NULL && so[3] == 0) {
        const char *v = so;
        while (v > name && ((v[-1] >= '0' && v[-1] <= '9') || v[-1] == '.')) {
            v--;
        }
        if (v < so && v > name && (v[-1] == '-' || v[-1] == '_') && *v != '.') {
            snprintf(out, cap, "%.*s", (int) (so - v), v);
            return 1;
        }
    }
    return 0;
}

static void dep_version(const struct obj *o, char *out, size_t cap) {
    out[0] = 0;
    char target[TT_LIM_PATH + 1];
    ssize_t n = tt_sys_readlink(o->path, target, TT_LIM_PATH);
    if (n > 0) {
        target[n] = 0;
        if (version_from(base_name(target), out, cap)) {
            return; /* libz.so.1 -> libz.so.1.2.13 */
        }
    }
    if (version_from(base_name(o->path), out, cap)) {
        return;
    }
    if (o->soname != NULL) {
        version_from(o->soname, out, cap);
    }
}

static void dep_event(const struct obj *o, const char *parent, const char *load, int stack) {
    struct tt_scratch *s = tt_scratch();
    if (s == NULL) {
        return;
    }
    uint8_t sha[32];
    uint64_t size = 0;
    /* hash before building the event: the event buffer doubles as read buffer */
    int have = file_sha256(o->path, sha, &size, s->ev, sizeof s->ev);
    tt_ev e;
    if (!tt_ev_begin(&e, TT_EV_DEPENDENCY, stack)) {
        return;
    }
    tt_ev_str(&e, 1, o->path, TT_LIM_PATH);
    if (have) {
        tt_bytes(&e.b, 2, sha, 32);
    }
    if (parent != NULL) {
        tt_ev_str(&e, 3, parent, TT_LIM_PATH);
    }
    tt_ev_str(&e, 4, "native", 32);
    char ver[128];
    dep_version(o, ver, sizeof ver);
    if (ver[0]) {
        tt_ev_str(&e, 5, ver, 256);
    }
    tt_ev_str(&e, 6, load, 32);
    if (size) {
        tt_uint(&e.b, 7, size);
    }
    tt_ev_str(&e, 8, o->soname ? o->soname : base_name(o->path), 512);
    tt_ev_send(&e);
}

static int was_seen(uintptr_t base, uint64_t h) {
    for (int i = 0; i < nseen; i++) {
        if (seen[i].base == base && seen[i].hash == h) {
            return 1;
        }
    }
    return 0;
}

/*
 * Reports every object not reported before. `caller`: the object that called dlopen, parent
 * of the first new object when no DT_NEEDED names it.
 */
static void rescan(const char *load, const char *caller, int stack) {
    size_t cap = sizeof(struct scan) + (512u << 10);
    void *mem = mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) {
        return;
    }
    struct scan *sc = mem;
    sc->n = 0;
    sc->strings = (char *) mem + sizeof(struct scan);
    sc->used = 0;
    sc->cap = 512u << 10;
    pthread_mutex_lock(&scan_lock);
    dl_iterate_phdr(scan_cb, sc);
    int first_new = -1;
    const char *self = tt_module_of((uintptr_t) &rescan, NULL);
    for (int i = 0; i < sc->n; i++) {
        struct obj *o = &sc->objs[i];
        uint64_t h = fnv(o->path);
        if (was_seen(o->base, h)) {
            continue;
        }
        if (nseen < SEEN_MAX) {
            seen[nseen].base = o->base;
            seen[nseen].hash = h;
            nseen++;
        }
        o->fresh = 1;
        if (first_new < 0) {
            first_new = i;
        }
    }
    for (int i = 0; i < sc->n; i++) {
        struct obj *o = &sc->objs[i];
        if (!o->fresh) {
            continue;
        }
        if (self != NULL && strcmp(self, o->path) == 0) {
            continue; /* ourselves */
        }
        const char *parent = parent_of(sc, i);
        if (parent == NULL && i == first_new && caller != NULL && strcmp(caller, o->path) != 0) {
            parent = caller;
        }
        if (parent == NULL && i != first_new && first_new >= 0 && strcmp(load, "initial") != 0) {
            parent = sc->objs[first_new].path;
        }
        dep_event(o, o->is_exe ? NULL : parent, o->is_exe ? "exe" : load, stack);
    }
    pthread_mutex_unlock(&scan_lock);
    munmap(mem, cap);
}

void tt_libs_initial(void) {
    rescan("initial", NULL, 0);
}

void tt_libs_rescan(const char *load, const char *parent_hint) {
    rescan(load, parent_hint, 0);
}

/* ---------- dlopen (stubs.S) ---------- */

/* The last dlopen not yet reported: who called it, from where. */
static struct {
    int pending;
    char caller[TT_LIM_PATH + 1];
    uint8_t frames[4096];
    size_t len;
} dl;
static _Atomic int dl_flag;
static pthread_mutex_t dl_lock = PTHREAD_MUTEX_INITIALIZER;

/* Called by the dlopen stub before it jumps to the real dlopen; returns that function. */
void *tt_dlopen_prepare(void *ra, const char *file) {
    int saved = errno;
    void *real = (void *) TT_REAL(dlopen);
    tt_java_opts_loaded(file);
    if (file != NULL && tt_enter()) {
        pthread_mutex_lock(&dl_lock);
        const char *caller = tt_module_of((uintptr_t) ra - 1, NULL);
        snprintf(dl.caller, sizeof dl.caller, "%s", caller ? caller : "");
        tt_buf b;
        tt_buf_init(&b, dl.frames, sizeof dl.frames);
        if (tt_cfg.stacks) {
            tt_stack_capture(&b);
        }
        dl.len = tt_buf_ok(&b) ? b.len : 0;
        dl.pending = 1;
        atomic_store(&dl_flag, 1);
        pthread_mutex_unlock(&dl_lock);
        tt_leave();
    }
    errno = saved;
    return real;
}

/* Reports what dlopen calls loaded since the last look; the caller holds the guard. */
void tt_libs_pending(void) {
    if (TT_LIKELY(!atomic_load_explicit(&dl_flag, memory_order_relaxed)) || tt_foreign_child() ||
        !atomic_exchange(&dl_flag, 0)) {
        return;
    }
    char caller[TT_LIM_PATH + 1];
    uint8_t frames[4096];
    pthread_mutex_lock(&dl_lock);
    size_t len = dl.len;
    memcpy(caller, dl.caller, sizeof caller);
    memcpy(frames, dl.frames, len);
    dl.pending = 0;
    pthread_mutex_unlock(&dl_lock);
    tt_modules_refresh();
    tt_ev_frames(frames, len);
    rescan("dlopen", caller[0] ? caller : NULL, 1);
    tt_ev_frames(NULL, 0);
}

void tt_libs_after_fork_child(void) {
    pthread_mutex_init(&scan_lock, NULL);
    pthread_mutex_init(&cache_lock, NULL);
    pthread_mutex_init(&dl_lock, NULL);
}
