/*
 * The real functions behind our hooks, all resolved once with dlsym(RTLD_NEXT) under
 * pthread_once (from the constructor, or from the first hook that runs before it): later a
 * hook in a signal handler never has to call dlsym, which is not async-signal-safe.
 * ~90 symbols cost about 5 µs. A symbol the C library lacks (e.g. open64 on a newer musl)
 * stays NULL and hooks fall back to a sibling.
 */
#include "tt.h"

#include <dlfcn.h>
#include <pthread.h>

#define TT_DEFINE_REAL(name, ret, params) ret(*tt_real_##name) params;
TT_REAL_LIST(TT_DEFINE_REAL)
#undef TT_DEFINE_REAL

void tt_core_init(void); /* core.c: configuration, after the real functions exist */

static pthread_once_t once = PTHREAD_ONCE_INIT;
/* Set while this thread resolves: a hook reached from inside dlsym must not re-enter once. */
static TT_TLS int resolving;

static void resolve(void) {
    /* our own recording stays off while dlsym runs (it may open files or allocate) */
    int outer = tt_guard;
    tt_guard = 1;
    resolving = 1;
#define TT_RESOLVE(name, ret, params)                                                         \
    __atomic_store_n(&tt_real_##name, (ret(*) params) dlsym(RTLD_NEXT, #name), __ATOMIC_RELEASE);
    TT_REAL_LIST(TT_RESOLVE)
#undef TT_RESOLVE
    tt_core_init();
    resolving = 0;
    tt_guard = outer;
}

void tt_init(void) {
    pthread_once(&once, resolve);
}

void *tt_real_slow(void **slot, const char *name) {
    if (resolving) {
        return dlsym(RTLD_NEXT, name);
    }
    tt_init();
    return *slot;
}
