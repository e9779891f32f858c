/*
 * The real functions behind our hooks, each resolved with dlsym(RTLD_NEXT) the first time a
 * hook needs it (resolving all ~90 at load would cost every process ~0.1 ms, most of them
 * never used). Two threads racing on the first call both store the same pointer. A symbol
 * the C library lacks (e.g. open64 on a newer musl) stays NULL and hooks fall back to a
 * sibling. Configuration is read once (pthread_once) by tt_init.
 */
#include "tt.h"

#include <dlfcn.h>
#include <pthread.h>

#define TT_DEFINE_REAL(name, ret, params) ret(*tt_real_##name) params;
TT_REAL_LIST(TT_DEFINE_REAL)
#undef TT_DEFINE_REAL

void tt_core_init(void); /* core.c: configuration */

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void init_once(void) {
    int outer = tt_guard;
    tt_guard = 1; /* getenv & co. are not the program's */
    tt_core_init();
    tt_guard = outer;
}

void tt_init(void) {
    pthread_once(&once, init_once);
}

void *tt_real_slow(void **slot, const char *name) {
    int outer = tt_guard;
    tt_guard = 1; /* dlsym may open files or allocate: not the program's doing */
    void *p = dlsym(RTLD_NEXT, name);
    tt_guard = outer;
    if (p != NULL) {
        __atomic_store_n(slot, p, __ATOMIC_RELEASE);
    }
    return p;
}
