/*
 * Identity changes. from_id and to_id have the same shape for one operation:
 *   setuid/seteuid/setgid/setegid: [effective id before] -> [id asked for]
 *   setreuid/setregid:             [real, effective] before -> asked for (-1: unchanged)
 *   setresuid/setresgid:           [real, effective, saved] before -> asked for (-1: unchanged)
 *   setgroups:                     group set before -> group set asked for; a group set is
 *                                  the effective gid followed by the supplementary groups,
 *                                  so it is never empty (to_id is required).
 * result and errno tell whether the change happened.
 */
#include "tt.h"

#include <grp.h>
#include <sys/syscall.h>
#include <unistd.h>

static void ids3(int gid, unsigned v[3]) {
    uid_t r = 0, e = 0, s = 0;
    if (gid) {
        syscall(SYS_getresgid, &r, &e, &s);
    } else {
        syscall(SYS_getresuid, &r, &e, &s);
    }
    v[0] = r;
    v[1] = e;
    v[2] = s;
}

static void id_event(const char *op, const unsigned *from, int nfrom, const unsigned *to, int nto,
                     int r, int err) {
    tt_ev e;
    if (!tt_ev_begin(&e, TT_EV_IDENTITY, 1)) {
        return;
    }
    tt_ev_str(&e, 1, op, 32);
    for (int i = 0; i < nfrom; i++) {
        tt_uint(&e.b, 2, from[i]);
    }
    for (int i = 0; i < nto; i++) {
        tt_uint(&e.b, 3, to[i]);
    }
    tt_sint(&e.b, 4, r);
    if (r < 0) {
        tt_uint(&e.b, 5, (uint32_t) err);
    }
    tt_ev_send(&e);
}

/* Calls `call` and records the change from the ids read before to the ids asked for. */
#define ID_HOOK(op, isgid, nargs, call, ...)                                                  \
    unsigned before[3];                                                                       \
    int rec = tt_cfg.on;                                                                      \
    if (rec) {                                                                                \
        ids3(isgid, before);                                                                  \
        /* Connect first: the forwarder judges a peer by the credentials it connected with. */ \
        if (tt_enter()) {                                                                     \
            tt_channel_usable();                                                              \
            tt_leave();                                                                       \
        }                                                                                     \
    }                                                                                         \
    int r = call;                                                                             \
    int err = errno;                                                                          \
    if (rec && tt_enter()) {                                                                  \
        unsigned asked[3] = {__VA_ARGS__};                                                    \
        const unsigned *from = nargs == 1 ? before + 1 : before;                              \
        for (int i = 0; i < nargs; i++) {                                                     \
            if (asked[i] == (unsigned) -1) {                                                  \
                asked[i] = from[i];                                                           \
            }                                                                                 \
        }                                                                                     \
        id_event(op, from, nargs, asked, nargs, r, err);                                      \
        tt_leave();                                                                           \
    }                                                                                         \
    errno = err;                                                                              \
    return r;

TT_API int setuid(uid_t u) { ID_HOOK("setuid", 0, 1, TT_REAL(setuid)(u), u) }
TT_API int seteuid(uid_t u) { ID_HOOK("seteuid", 0, 1, TT_REAL(seteuid)(u), u) }
TT_API int setgid(gid_t g) { ID_HOOK("setgid", 1, 1, TT_REAL(setgid)(g), g) }
TT_API int setegid(gid_t g) { ID_HOOK("setegid", 1, 1, TT_REAL(setegid)(g), g) }
TT_API int setreuid(uid_t r_, uid_t e_) {
    ID_HOOK("setreuid", 0, 2, TT_REAL(setreuid)(r_, e_), r_, e_)
}
TT_API int setregid(gid_t r_, gid_t e_) {
    ID_HOOK("setregid", 1, 2, TT_REAL(setregid)(r_, e_), r_, e_)
}
TT_API int setresuid(uid_t r_, uid_t e_, uid_t s_) {
    ID_HOOK("setresuid", 0, 3, TT_REAL(setresuid)(r_, e_, s_), r_, e_, s_)
}
TT_API int setresgid(gid_t r_, gid_t e_, gid_t s_) {
    ID_HOOK("setresgid", 1, 3, TT_REAL(setresgid)(r_, e_, s_), r_, e_, s_)
}

#define MAX_GROUPS 256 /* recorded; longer lists are cut */

TT_API int setgroups(size_t n, const gid_t *list) {
    unsigned before[MAX_GROUPS + 1];
    int nbefore = 0;
    int rec = tt_cfg.on && !tt_guard;
    if (rec) {
        gid_t r, e, s;
        syscall(SYS_getresgid, &r, &e, &s);
        before[0] = e;
        gid_t tmp[MAX_GROUPS];
        long k = syscall(SYS_getgroups, MAX_GROUPS, tmp); /* -1 (EINVAL) when longer */
        nbefore = 1;
        for (long i = 0; i < k; i++) {
            before[nbefore++] = tmp[i];
        }
    }
    int r = TT_REAL(setgroups)(n, list);
    int err = errno;
    if (rec && tt_enter()) {
        unsigned to[MAX_GROUPS + 1];
        int nto = 1;
        to[0] = before[0];
        for (size_t i = 0; list != NULL && i < n && nto <= MAX_GROUPS; i++) {
            to[nto++] = list[i];
        }
        id_event("setgroups", before, nbefore, to, nto, r, err);
        tt_leave();
    }
    errno = err;
    return r;
}
