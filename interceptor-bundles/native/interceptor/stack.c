/*
 * Stack traces as (module path, offset) frames, symbolizable offline, and the module table
 * that maps an address to its ELF object.
 *
 * The module table is append-only: writers (startup, after dlopen, rescans) hold a mutex,
 * readers take no lock, so lookups are async-signal-safe and work in vfork children.
 * An object that was unloaded keeps its entry; lookups search newest first.
 *
 * glibc build: _Unwind_Backtrace from a private static copy of libgcc's unwinder (it finds
 * unwind tables through _dl_find_object, lock-free): complete stacks, a few microseconds.
 * musl build, and TELLTALE_STACKS=fp: a frame-pointer walk bounded by the current thread's
 * stack mapping, so a register that does not hold a frame pointer can never make us read
 * outside the stack: cheap, but it stops at the first function built without frame
 * pointers (most distribution libraries), so it often yields only the calling site.
 */
#include "tt.h"

#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifdef TT_USE_UNWIND
#include <unwind.h>
#endif

#define MOD_MAX 4096
#define ARENA_CAP (1 << 20)
#define MAX_FRAMES 32

struct mod {
    uintptr_t lo, hi, base;
    const char *path;
};

static struct mod mods[MOD_MAX];
static _Atomic unsigned nmods;
static pthread_mutex_t mod_lock = PTHREAD_MUTEX_INITIALIZER;
static char *arena;
static size_t arena_used;
static uintptr_t self_lo, self_hi;

static const char *arena_dup(const char *s, size_t n) {
    if (arena == NULL) {
        void *p = mmap(NULL, ARENA_CAP, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            return NULL;
        }
        arena = p;
    }
    if (arena_used + n + 1 > ARENA_CAP) {
        return NULL;
    }
    char *d = arena + arena_used;
    memcpy(d, s, n);
    d[n] = 0;
    arena_used += n + 1;
    return d;
}

static int known(uintptr_t lo, uintptr_t hi, const char *path) {
    unsigned n = atomic_load_explicit(&nmods, memory_order_acquire);
    for (unsigned i = n; i-- > 0;) {
        if (mods[i].lo == lo && mods[i].hi == hi) {
            return strcmp(mods[i].path, path) == 0;
        }
    }
    return 0;
}

int tt_object_is_exe(const struct dl_phdr_info *info) {
    return (uintptr_t) info->dlpi_phdr == (uintptr_t) getauxval(AT_PHDR);
}

/* The path of a link-map object: the executable's from /proc, absolute for relative names,
 * NULL for the vDSO (no file; glibc names it linux-vdso.so.1, musl leaves it empty). */
const char *tt_object_path(const struct dl_phdr_info *info, char *buf) {
    const char *name = info->dlpi_name;
    if (info->dlpi_addr != 0 && info->dlpi_addr == (uintptr_t) getauxval(AT_SYSINFO_EHDR)) {
        return NULL;
    }
    if (tt_object_is_exe(info)) {
        ssize_t r = tt_sys_readlink("/proc/self/exe", buf, TT_LIM_PATH);
        if (r <= 0) {
            return NULL;
        }
        buf[r] = 0;
        return buf;
    }
    if (name == NULL || name[0] == 0) {
        return NULL;
    }
    if (name[0] != '/' && strchr(name, '/') != NULL) {
        return tt_abspath(AT_FDCWD, name, buf);
    }
    return name;
}

static int add_cb(struct dl_phdr_info *info, size_t size, void *arg) {
    (void) size;
    (void) arg;
    uintptr_t lo = UINTPTR_MAX, hi = 0;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type == PT_LOAD) {
            uintptr_t a = info->dlpi_addr + ph->p_vaddr;
            if (a < lo) {
                lo = a;
            }
            if (a + ph->p_memsz > hi) {
                hi = a + ph->p_memsz;
            }
        }
    }
    if (hi == 0) {
        return 0;
    }
    char buf[TT_LIM_PATH + 8];
    const char *path = tt_object_path(info, buf);
    if (path == NULL || known(lo, hi, path)) {
        return 0;
    }
    unsigned n = atomic_load_explicit(&nmods, memory_order_relaxed);
    if (n >= MOD_MAX) {
        return 1;
    }
    const char *copy = arena_dup(path, strlen(path));
    if (copy == NULL) {
        return 1;
    }
    mods[n].lo = lo;
    mods[n].hi = hi;
    mods[n].base = info->dlpi_addr;
    mods[n].path = copy;
    atomic_store_explicit(&nmods, n + 1, memory_order_release);
    return 0;
}

void tt_modules_refresh(void) {
    pthread_mutex_lock(&mod_lock);
    dl_iterate_phdr(add_cb, NULL);
    if (self_hi == 0) {
        uintptr_t me = (uintptr_t) &tt_modules_refresh;
        unsigned n = atomic_load(&nmods);
        for (unsigned i = 0; i < n; i++) {
            if (mods[i].lo <= me && me < mods[i].hi) {
                self_lo = mods[i].lo;
                self_hi = mods[i].hi;
            }
        }
    }
    pthread_mutex_unlock(&mod_lock);
}

void tt_modules_after_fork_child(void) {
    pthread_mutex_init(&mod_lock, NULL);
}

void tt_self_range(uintptr_t *lo, uintptr_t *hi) {
    *lo = self_lo;
    *hi = self_hi;
}

const char *tt_module_of(uintptr_t pc, uintptr_t *base) {
    unsigned n = atomic_load_explicit(&nmods, memory_order_acquire);
    for (unsigned i = n; i-- > 0;) {
        if (mods[i].lo <= pc && pc < mods[i].hi) {
            if (base) {
                *base = mods[i].base;
            }
            return mods[i].path;
        }
    }
    return NULL;
}

/* ---------- capture ---------- */

struct walk {
    tt_buf *b;
    int frames;
    int started;   /* past our own frames */
    int misses;
};

/* Returns 0 to stop. */
TT_TLS const char *tt_stack_caller;

static int frame(struct walk *w, uintptr_t ret) {
    if (ret == 0) {
        return 0;
    }
    if (ret >= self_lo && ret < self_hi) {
        return 1; /* our frames: the hook on top, main_wrapper below main */
    }
    uintptr_t pc = ret - 1; /* inside the call instruction */
    uintptr_t base = 0;
    const char *mod = tt_module_of(pc, &base);
    if (!w->started) {
        tt_stack_caller = mod;
    }
    w->started = 1;
    tt_mark m = tt_begin(w->b, 5);
    if (mod != NULL) {
        tt_strn(w->b, 1, mod, tt_utf8_fit(mod, strlen(mod), TT_LIM_PATH));
        tt_uint(w->b, 2, pc - base);
    } else {
        tt_uint(w->b, 2, pc); /* JIT or unknown code: the absolute address */
        w->misses++;
    }
    tt_end(w->b, m);
    return ++w->frames < MAX_FRAMES;
}

#ifdef TT_USE_UNWIND

static _Unwind_Reason_Code unwind_cb(struct _Unwind_Context *ctx, void *arg) {
    struct walk *w = arg;
    uintptr_t ip = (uintptr_t) _Unwind_GetIP(ctx);
    return frame(w, ip) ? _URC_NO_REASON : _URC_END_OF_STACK;
}

#endif

static TT_TLS uintptr_t stack_lo, stack_hi;

/*
 * PROCMAP_QUERY (Linux 6.11+, include/uapi/linux/fs.h; Debian 12's headers predate it): the
 * kernel's VMA covering an address, asked with one ioctl on /proc/self/maps instead of
 * generating and parsing the whole file. A program that starts a thread per request (Python's
 * http.server) paid that file on every thread's first stack trace. The ioctl number encodes the
 * struct's size, so a kernel without it (or another layout) answers ENOTTY/EINVAL and we read
 * the file as before.
 */
struct tt_procmap_query {
    uint64_t size, query_flags, query_addr, vma_start, vma_end, vma_flags, vma_page_size, vma_offset, inode;
    uint32_t dev_major, dev_minor, vma_name_size, build_id_size;
    uint64_t vma_name_addr, build_id_addr;
};
#define TT_PROCMAP_QUERY _IOWR('f', 17, struct tt_procmap_query)
static _Atomic int procmap_query_missing;

/* 1 and the covering VMA's bounds, 0 when the kernel cannot tell this way. */
static int mapping_query(int fd, uintptr_t sp, uintptr_t *lo_out, uintptr_t *hi_out) {
    if (atomic_load_explicit(&procmap_query_missing, memory_order_relaxed)) {
        return 0;
    }
    struct tt_procmap_query q;
    memset(&q, 0, sizeof q);
    q.size = sizeof q;
    q.query_addr = sp;
    long r = syscall(SYS_ioctl, fd, TT_PROCMAP_QUERY, &q);
    if (r != 0) {
        if (errno == ENOTTY || errno == EINVAL || errno == EOPNOTSUPP) {
            atomic_store_explicit(&procmap_query_missing, 1, memory_order_relaxed);
        }
        return 0;
    }
    if (q.vma_start > sp || sp >= q.vma_end) {
        return 0;
    }
    *lo_out = (uintptr_t) q.vma_start;
    *hi_out = (uintptr_t) q.vma_end;
    return 1;
}

/* Bounds of the mapping that holds `sp` (once per thread): asked of the kernel, else read from
 * /proc/self/maps. */
static uintptr_t mapping_of(uintptr_t sp, uintptr_t *lo_out) {
    int fd = tt_sys_open("/proc/self/maps", 0, 0);
    if (fd < 0) {
        return 0;
    }
    int saved = errno;
    uintptr_t qlo = 0, qhi = 0;
    int queried = mapping_query(fd, sp, &qlo, &qhi);
    errno = saved;
    if (queried) {
        tt_sys_close(fd);
        *lo_out = qlo;
        return qhi;
    }
    char buf[4096];
    size_t have = 0;
    uintptr_t found = 0;
    for (;;) {
        ssize_t r = tt_sys_read(fd, buf + have, sizeof buf - have);
        if (r <= 0) {
            break;
        }
        have += (size_t) r;
        size_t start = 0;
        for (size_t i = 0; i < have; i++) {
            if (buf[i] != '\n') {
                continue;
            }
            uintptr_t lo = 0, hi = 0;
            size_t j = start;
            while (j < i && buf[j] != '-') {
                char c = buf[j++];
                lo = lo * 16 + (uintptr_t) (c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
            }
            j++;
            while (j < i && buf[j] != ' ') {
                char c = buf[j++];
                hi = hi * 16 + (uintptr_t) (c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
            }
            if (lo <= sp && sp < hi) {
                found = hi;
                *lo_out = lo;
                goto done;
            }
            start = i + 1;
        }
        memmove(buf, buf + start, have - start);
        have -= start;
        if (have == sizeof buf) {
            have = 0; /* absurd line: drop it */
        }
    }
done:
    tt_sys_close(fd);
    return found;
}

static __attribute__((noinline)) void walk_fp(struct walk *w) {
    uintptr_t fp = (uintptr_t) __builtin_frame_address(0);
    uintptr_t hi = stack_hi;
    if (fp < stack_lo || fp >= hi) {
        /* first trace on this thread, the stack grew, or we run on a sigaltstack */
        uintptr_t lo = 0;
        hi = mapping_of(fp, &lo);
        stack_lo = lo;
        stack_hi = hi;
    }
    uintptr_t lo = fp;
    while (fp >= lo && fp + 2 * sizeof(uintptr_t) <= hi && (fp & (sizeof(uintptr_t) - 1)) == 0) {
        const uintptr_t *f = (const uintptr_t *) fp;
        if (!frame(w, f[1])) {
            break;
        }
        if (f[0] <= fp) {
            break;
        }
        fp = f[0];
    }
}

void tt_stack_capture(tt_buf *b) {
    tt_stack_caller = NULL;
    if (self_hi == 0) {
        return; /* module table not built yet */
    }
    struct walk w = {b, 0, 0, 0};
#ifdef TT_USE_UNWIND
    if (tt_cfg.stacks == 1 || tt_cfg.stacks == 3) {
        _Unwind_Backtrace(unwind_cb, &w);
        return;
    }
#endif
    walk_fp(&w);
}

TT_TLS int tt_stack_exact;

#ifdef TT_USE_UNWIND
#define SC_KEY_FRAMES 8
#define SC_TTL_NS 1000000000ull

/*
 * The key of the current call stack, from a bounded frame-pointer walk: our own frames (built
 * with frame pointers) lead exactly to the hooked call's return address and stack address;
 * above that the chain is followed for SC_KEY_FRAMES more links, inside the thread's stack
 * only. Where the program has no frame pointers those links are whatever its registers held:
 * a different value just misses the cache (one unwind more), it never picks a wrong entry
 * unless call site, stack address and all those values coincide. 0: no key (never cached).
 */
static TT_TLS uint64_t key_maps_at; /* when stack_key last read /proc/self/maps */

static __attribute__((noinline)) uint64_t stack_key(uint64_t now) {
    uintptr_t fp = (uintptr_t) __builtin_frame_address(0);
    uintptr_t hi = stack_hi;
    if (fp < stack_lo || fp >= hi) {
        /* first event of this thread, the stack grew, or another stack (sigaltstack,
           coroutines): look the mapping up at most once a second, else just unwind */
        if (key_maps_at != 0 && now - key_maps_at < SC_TTL_NS) {
            return 0;
        }
        key_maps_at = now;
        uintptr_t lo = 0;
        hi = mapping_of(fp, &lo);
        stack_lo = lo;
        stack_hi = hi;
        if (fp < lo || fp >= hi) {
            return 0;
        }
    }
    uint64_t key = 0;
    int outside = 0, links = 0;
    for (int guard = 0; guard < 64; guard++) {
        if (fp < stack_lo || fp + 2 * sizeof(uintptr_t) > hi || (fp & (sizeof(uintptr_t) - 1)) != 0) {
            break;
        }
        const uintptr_t *f = (const uintptr_t *) fp;
        uintptr_t ret = f[1];
        if (!outside) {
            if (ret >= self_lo && ret < self_hi) {
                if (f[0] <= fp) {
                    return 0;
                }
                fp = f[0];
                continue;
            }
            outside = 1;
            key = (uint64_t) fp * 0x9e3779b97f4a7c15ull; /* the stack address of the call */
        }
        key = (key ^ ret) * 0xff51afd7ed558ccdull;
        key ^= key >> 32;
        if (++links > SC_KEY_FRAMES || f[0] <= fp) {
            break;
        }
        fp = f[0];
    }
    return outside ? key | 1 : 0;
}
#endif

void tt_stack_capture_event(tt_buf *b) {
#ifdef TT_USE_UNWIND
    struct tt_scratch *s;
    uint64_t key;
    uint64_t now = tt_coarse_ns();
    tt_stack_caller = NULL;
    if (tt_cfg.stacks != 1 || self_hi == 0 || tt_stack_exact || tt_foreign_child() || (s = tt_scratch()) == NULL ||
        (key = stack_key(now)) == 0) {
        tt_stack_capture(b);
        return;
    }
    unsigned n = atomic_load_explicit(&nmods, memory_order_acquire);
    struct tt_sc_entry *e = &s->sc[(key ^ (key >> 27)) % TT_SC_WAYS];
    if (e->key == key && e->nmods == n && now - e->at_ns < SC_TTL_NS && e->len <= b->cap - b->len) {
        memcpy(b->data + b->len, e->frames, e->len);
        b->len += e->len;
        tt_stack_caller = e->caller; /* the Java frames' test needs the caller of this call, not the last one */
        return;
    }
    size_t before = b->len;
    struct walk w = {b, 0, 0, 0};
    _Unwind_Backtrace(unwind_cb, &w);
    if (tt_buf_ok(b) && b->len - before <= TT_SC_BYTES) {
        e->key = key;
        e->nmods = n;
        e->at_ns = now;
        e->len = (uint32_t) (b->len - before);
        e->caller = tt_stack_caller;
        memcpy(e->frames, b->data + before, e->len);
    } else {
        e->key = 0;
    }
#else
    tt_stack_capture(b);
#endif
}
