/*
 * Memory warnings from unsafe string functions (strcpy, strcat, sprintf, vsprintf, gets and
 * their _FORTIFY_SOURCE variants), only when the destination's size is known for certain:
 *  - _chk variants: the compiler passed the object size;
 *  - glibc heap: the destination is the start of a chunk of the main arena. A cheap look at
 *    the chunk header says whether the copy may overflow; only then a walk over the arena's
 *    chunks from the heap start proves that the pointer really starts a chunk (an interior
 *    pointer never raises a warning). Walks are budgeted per minute.
 * No stack heuristics: without reliable frame bounds they could raise false positives.
 * The program's call is always performed unchanged; the warning goes out before it, so it
 * survives a crash the overflow may cause. At most one warning per kind per minute, with the
 * number suppressed since the last one.
 */
#include "tt.h"

#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#define PERIOD_US 60000000ull
#define WALK_BUDGET 32 /* proving walks per minute */
#define WALK_MAX 4000000 /* chunks */

enum { K_STRCPY, K_STRCAT, K_SPRINTF, K_VSPRINTF, K_GETS, K_COUNT };
static const char *const kind_names[K_COUNT] = {"strcpy_overflow", "strcat_overflow",
                                                "sprintf_overflow", "vsprintf_overflow",
                                                "gets_overflow"};
static _Atomic uint64_t last_sent[K_COUNT];
static _Atomic uint32_t suppressed[K_COUNT];

TT_API char *gets(char *);
TT_API char *__strcpy_chk(char *, const char *, size_t);
TT_API char *__strcat_chk(char *, const char *, size_t);
TT_API int __sprintf_chk(char *, int, size_t, const char *, ...);
TT_API int __vsprintf_chk(char *, int, size_t, const char *, va_list);

static void warn(int kind, const char *fn, const char *how, size_t dest, size_t src) {
    uint64_t now = tt_now_us();
    uint64_t last = atomic_load(&last_sent[kind]);
    if (last != 0 && now - last < PERIOD_US) {
        atomic_fetch_add(&suppressed[kind], 1);
        return;
    }
    if (!atomic_compare_exchange_strong(&last_sent[kind], &last, now)) {
        atomic_fetch_add(&suppressed[kind], 1);
        return;
    }
    tt_ev e;
    if (!tt_ev_begin(&e, TT_EV_MEMORY_WARNING, 1)) {
        return;
    }
    tt_ev_str(&e, 1, kind_names[kind], 64);
    tt_ev_str(&e, 2, fn, 128);
    char detail[160];
    snprintf(detail, sizeof detail, "%zu bytes written into %zu (%s)", src, dest, how);
    tt_ev_str(&e, 3, detail, 1024);
    tt_uint(&e.b, 4, dest);
    tt_uint(&e.b, 5, src);
    uint32_t sup = atomic_exchange(&suppressed[kind], 0);
    if (sup) {
        tt_uint(&e.b, 6, sup);
    }
    tt_ev_send(&e);
}

#ifdef __GLIBC__

#include <dlfcn.h>
#include <fcntl.h>
#include <stdlib.h>

/* 1 when malloc is glibc's own (another allocator may use brk with other headers). */
static int glibc_malloc(void) {
    static int state; /* 0 unknown, 1 yes, -1 no */
    if (state == 0) {
        Dl_info info;
        void *m = dlsym(RTLD_DEFAULT, "malloc");
        const char *base = NULL;
        if (m != NULL && dladdr(m, &info) && info.dli_fname != NULL) {
            base = strrchr(info.dli_fname, '/');
            base = base ? base + 1 : info.dli_fname;
        }
        state = base != NULL && strncmp(base, "libc.so", 7) == 0 ? 1 : -1;
    }
    return state > 0;
}

/* glibc malloc chunk header: prev_size, size|flags; user memory at +16. */
#define SIZE_BITS 7u
#define IS_MMAPPED 2u
#define NON_MAIN_ARENA 4u

static _Atomic uint64_t budget_window;
static _Atomic int budget_left;
static uintptr_t heap_lo; /* start of [heap], from /proc/self/maps; 1: none */

static uintptr_t find_heap(void) {
    int fd = tt_sys_open("/proc/self/maps", O_RDONLY, 0);
    if (fd < 0) {
        return 0;
    }
    char buf[4096];
    size_t have = 0;
    uintptr_t found = 0;
    for (;;) {
        ssize_t r = tt_sys_read(fd, buf + have, sizeof buf - 1 - have);
        if (r <= 0) {
            break;
        }
        have += (size_t) r;
        buf[have] = 0;
        char *nl, *line = buf;
        while ((nl = strchr(line, '\n')) != NULL) {
            *nl = 0;
            if (strstr(line, "[heap]") != NULL) {
                found = (uintptr_t) strtoull(line, NULL, 16);
                goto done;
            }
            line = nl + 1;
        }
        have = (size_t) (buf + have - line);
        memmove(buf, line, have);
        if (have >= sizeof buf - 1) {
            have = 0;
        }
    }
done:
    tt_sys_close(fd);
    return found;
}

/* Decided at load time: dladdr is not safe in the signal handlers strcpy may run in. */
__attribute__((constructor)) static void mem_init(void) {
    glibc_malloc();
}

/* Usable size if p may start an in-arena chunk (cheap, unproven); 0 otherwise. */
static size_t chunk_guess(const void *p, uintptr_t *hi_out) {
    uintptr_t a = (uintptr_t) p;
    if ((a & 15) != 0 || !glibc_malloc()) {
        return 0;
    }
    uintptr_t hi = (uintptr_t) sbrk(0);
    uintptr_t lo = heap_lo;
    if (lo == 0) {
        lo = find_heap();
        heap_lo = lo ? lo : 1;
    }
    if (lo <= 1 || a < lo + 16 || a >= hi) {
        return 0;
    }
    size_t sz = *(const size_t *) (a - 8);
    if (sz & (IS_MMAPPED | NON_MAIN_ARENA)) {
        return 0;
    }
    sz &= ~(size_t) SIZE_BITS;
    if (sz < 32 || (sz & 15) != 0 || a - 16 + sz > hi) {
        return 0;
    }
    *hi_out = hi;
    return sz - 8;
}

static int take_budget(void) {
    uint64_t now = tt_now_us();
    uint64_t w = atomic_load(&budget_window);
    if (now - w >= PERIOD_US && atomic_compare_exchange_strong(&budget_window, &w, now)) {
        atomic_store(&budget_left, WALK_BUDGET);
    }
    return atomic_fetch_sub(&budget_left, 1) > 0;
}

/* Proves that p starts a chunk by walking the arena from its first chunk. */
static int chunk_proven(const void *p, uintptr_t hi) {
    uintptr_t want = (uintptr_t) p - 16;
    uintptr_t c = heap_lo;
    for (long i = 0; i < WALK_MAX && c + 16 <= hi; i++) {
        if (c == want) {
            return 1;
        }
        if (c > want) {
            return 0;
        }
        size_t sz = *(const size_t *) (c + 8) & ~(size_t) SIZE_BITS;
        if (sz < 32 || (sz & 15) != 0 || c + sz > hi) {
            return 0; /* inconsistent (a concurrent change): stay silent */
        }
        c += sz;
    }
    return 0;
}

/* Size of the heap destination when it is certain and `need` bytes exceed it; else 0. */
static size_t heap_overflow(const void *dest, size_t need) {
    uintptr_t hi = 0;
    size_t usable = chunk_guess(dest, &hi);
    if (usable == 0 || need <= usable) {
        return 0;
    }
    if (!take_budget() || !chunk_proven(dest, hi)) {
        return 0;
    }
    return usable;
}

#else

/* musl's allocator keeps no header we could read without risk: heap checks are off. */
static size_t heap_overflow(const void *dest, size_t need) {
    (void) dest;
    (void) need;
    return 0;
}

#endif

#define ACTIVE() (tt_cfg.on && !tt_guard)

TT_API char *strcpy(char *d, const char *s) {
    if (ACTIVE() && tt_enter()) {
        int saved = errno;
        size_t need = strlen(s) + 1;
        size_t usable = heap_overflow(d, need);
        if (usable) {
            warn(K_STRCPY, "strcpy", "heap", usable, need);
        }
        tt_leave();
        errno = saved;
    }
    return TT_REAL(strcpy)(d, s);
}

TT_API char *strcat(char *d, const char *s) {
    if (ACTIVE() && tt_enter()) {
        int saved = errno;
        size_t need = strlen(d) + strlen(s) + 1;
        size_t usable = heap_overflow(d, need);
        if (usable) {
            warn(K_STRCAT, "strcat", "heap", usable, need);
        }
        tt_leave();
        errno = saved;
    }
    return TT_REAL(strcat)(d, s);
}

static void check_format(int kind, const char *fn, char *d, size_t known, const char *fmt, va_list ap) {
    if (!tt_enter()) {
        return;
    }
    int saved = errno;
    va_list cp;
    va_copy(cp, ap);
    /* the length of what will be written; formatting twice has no other side effect
       than writing %n twice with the same value */
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n >= 0) {
        size_t need = (size_t) n + 1;
        if (known != (size_t) -1) {
            if (need > known) {
                warn(kind, fn, "fortify", known, need);
            }
        } else {
            size_t usable = heap_overflow(d, need);
            if (usable) {
                warn(kind, fn, "heap", usable, need);
            }
        }
    }
    tt_leave();
    errno = saved;
}

/* Only worth formatting twice when the destination can be judged at all. */
static int judgeable(const void *d) {
#ifdef __GLIBC__
    uintptr_t hi;
    return chunk_guess(d, &hi) != 0;
#else
    (void) d;
    return 0;
#endif
}

TT_API int vsprintf(char *d, const char *fmt, va_list ap) {
    if (ACTIVE() && judgeable(d)) {
        check_format(K_VSPRINTF, "vsprintf", d, (size_t) -1, fmt, ap);
    }
    return TT_REAL(vsprintf)(d, fmt, ap);
}

TT_API int sprintf(char *d, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    if (ACTIVE() && judgeable(d)) {
        check_format(K_SPRINTF, "sprintf", d, (size_t) -1, fmt, ap);
    }
    int r = TT_REAL(vsprintf)(d, fmt, ap);
    va_end(ap);
    return r;
}

TT_API char *gets(char *d) {
    if (TT_REAL(gets) == NULL) {
        errno = ENOSYS;
        return NULL;
    }
    char *r = TT_REAL(gets)(d);
    if (r != NULL && ACTIVE() && tt_enter()) {
        /* only afterwards can we know the length; the warning still names the overflow */
        int saved = errno;
        size_t need = strlen(d) + 1;
        size_t usable = heap_overflow(d, need);
        if (usable) {
            warn(K_GETS, "gets", "heap", usable, need);
        }
        tt_leave();
        errno = saved;
    }
    return r;
}

TT_API char *__strcpy_chk(char *d, const char *s, size_t destlen) {
    if (ACTIVE() && tt_enter()) {
        size_t need = strlen(s) + 1;
        if (need > destlen) {
            int saved = errno;
            warn(K_STRCPY, "strcpy", "fortify", destlen, need);
            errno = saved;
        }
        tt_leave();
    }
    return TT_REAL(__strcpy_chk)(d, s, destlen);
}

TT_API char *__strcat_chk(char *d, const char *s, size_t destlen) {
    if (ACTIVE() && tt_enter()) {
        size_t need = strnlen(d, destlen) + strlen(s) + 1;
        if (need > destlen) {
            int saved = errno;
            warn(K_STRCAT, "strcat", "fortify", destlen, need);
            errno = saved;
        }
        tt_leave();
    }
    return TT_REAL(__strcat_chk)(d, s, destlen);
}

TT_API int __vsprintf_chk(char *d, int flag, size_t slen, const char *fmt, va_list ap) {
    if (ACTIVE() && (slen != (size_t) -1 || judgeable(d))) {
        check_format(K_VSPRINTF, "vsprintf", d, slen, fmt, ap);
    }
    return TT_REAL(__vsprintf_chk)(d, flag, slen, fmt, ap);
}

TT_API int __sprintf_chk(char *d, int flag, size_t slen, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    if (ACTIVE() && (slen != (size_t) -1 || judgeable(d))) {
        check_format(K_SPRINTF, "sprintf", d, slen, fmt, ap);
    }
    int r = TT_REAL(__vsprintf_chk)(d, flag, slen, fmt, ap);
    va_end(ap);
    return r;
}
