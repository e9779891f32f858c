/*
 * Event building: record header, envelope (type, pid, tid, stack, body) and the field
 * helpers that keep values inside the schema's limits (Schemas.java), so the appliance
 * never rejects an event for its size.
 */
#include "tt.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#define TT_ACCOUNT_EVERY 16u
static TT_TLS unsigned account_tick;
static TT_TLS const uint8_t *given_frames;
static TT_TLS size_t given_len;

void tt_ev_frames(const uint8_t *frames, size_t len) {
    given_frames = frames;
    given_len = len;
}

int tt_ev_begin_buf(tt_ev *e, int type, int stack, uint8_t *buf, size_t cap) {
    if (buf == NULL || cap <= TT_HDR + 64 || !tt_channel_usable()) {
        return 0;
    }
    /* self-accounting (heartbeat agent_cpu_ms) times one event in TT_ACCOUNT_EVERY and
       counts it that many times: two clock reads per event were a tenth of its cost */
    e->t0 = (++account_tick & (TT_ACCOUNT_EVERY - 1)) == 0 ? tt_mono_ns() : 0;
    e->rec = buf;
    e->type = type;
    uint64_t t = tt_now_us();
    buf[0] = 1;
    for (int i = 0; i < 8; i++) {
        buf[1 + i] = (uint8_t) (t >> (8 * i));
    }
    if (cap > TT_RECORD_MAX) {
        cap = TT_RECORD_MAX;
    }
    tt_buf_init(&e->b, buf + TT_HDR, cap - TT_HDR);
    tt_uint(&e->b, 1, (uint64_t) type);
    tt_uint(&e->b, 3, (uint64_t) tt_self_pid());
    tt_uint(&e->b, 4, (uint64_t) tt_gettid());
    if (stack && given_frames != NULL) {
        if (given_len <= e->b.cap - e->b.len) {
            memcpy(e->b.data + e->b.len, given_frames, given_len);
            e->b.len += given_len;
        }
    } else if (stack && tt_cfg.stacks) {
        tt_stack_capture_event(&e->b);
        if (type == TT_EV_FILE || type == TT_EV_NETWORK) {
            tt_java_frames(&e->b, tt_stack_caller);
        }
    }
    e->body = tt_begin(&e->b, 6);
    return 1;
}

int tt_ev_begin(tt_ev *e, int type, int stack) {
    struct tt_scratch *s = tt_scratch();
    if (s == NULL) {
        return 0;
    }
    if (TT_UNLIKELY(type != TT_EV_DEPENDENCY)) {
        tt_libs_pending(); /* what a dlopen loaded comes before what happens next */
    }
    return tt_ev_begin_buf(e, type, stack, s->ev, sizeof s->ev);
}

void tt_ev_send(tt_ev *e) {
    tt_end(&e->b, e->body);
    if (tt_buf_ok(&e->b)) {
        tt_channel_send(e->rec, TT_HDR + e->b.len);
    } else {
        tt_channel_send(e->rec, TT_RECORD_MAX + 1); /* counted as lost */
    }
    if (e->t0 != 0 && !tt_no_account) {
        tt_account_ns((tt_mono_ns() - e->t0) * TT_ACCOUNT_EVERY);
    }
    /* the heartbeat thread starts with the first event of a running program, not for
       events on the way out (exec, exit) */
    if (tt_main_started && e->type != TT_EV_PROCESS && e->type != TT_EV_PROCESS_EXIT &&
        e->type != TT_EV_API) {
        tt_heartbeat_maybe_start();
    }
}

size_t tt_utf8_fit(const char *s, size_t n, size_t max) {
    if (n <= max / 4) {
        return n; /* even fully escaped it fits */
    }
    const unsigned char *u = (const unsigned char *) s;
    size_t out = 0, i = 0;
    while (i < n) {
        size_t k = tt_utf8_seq(u + i, n - i);
        size_t w = k == 0 ? 4 : k;
        if (out + w > max) {
            break;
        }
        out += w;
        i += k == 0 ? 1 : k;
    }
    return i;
}

void tt_ev_strn(tt_ev *e, uint32_t field, const char *s, size_t n, size_t max) {
    tt_strn(&e->b, field, s, tt_utf8_fit(s, n, max));
}

void tt_ev_str(tt_ev *e, uint32_t field, const char *s, size_t max) {
    if (s != NULL) {
        tt_ev_strn(e, field, s, strlen(s), max);
    }
}

void tt_ev_argv(tt_ev *e, uint32_t field, char *const argv[], size_t reserve) {
    if (argv == NULL) {
        return;
    }
    for (size_t i = 0; argv[i] != NULL && i < TT_LIM_ARGS; i++) {
        size_t before = e->b.len;
        tt_ev_str(e, field, argv[i], TT_LIM_ARG);
        if (!tt_buf_ok(&e->b) || e->b.cap - e->b.len < reserve) {
            /* cut the list here rather than lose the event */
            e->b.len = before;
            e->b.overflow = 0;
            break;
        }
    }
}

/* ---------- paths ---------- */

/* Whether normalise() would change p: a slash before a slash, a dot or the end. Most paths
 * are already clean, and the segment-by-segment rewrite showed in the recording's profile. */
static int needs_normalising(const char *p) {
    for (; *p; p++) {
        if (p[0] == '/' && (p[1] == '/' || p[1] == '.' || p[1] == 0)) {
            return 1;
        }
    }
    return 0;
}

/* Lexical normalisation of an absolute path in place: "//", "/./", "/../", a trailing "/". */
static void normalise(char *p) {
    if (!needs_normalising(p)) {
        return;
    }
    char *out = p;
    const char *in = p;
    while (*in) {
        while (*in == '/') {
            in++;
        }
        if (*in == 0) {
            break;
        }
        const char *seg = in;
        while (*in && *in != '/') {
            in++;
        }
        size_t len = (size_t) (in - seg);
        if (len == 1 && seg[0] == '.') {
            continue;
        }
        if (len == 2 && seg[0] == '.' && seg[1] == '.') {
            while (out > p && *--out != '/') {
            }
            continue;
        }
        *out++ = '/';
        memmove(out, seg, len);
        out += len;
    }
    if (out == p) {
        *out++ = '/';
    }
    *out = 0;
}

const char *tt_abspath(int dirfd, const char *path, char *out) {
    if (path == NULL) {
        return NULL;
    }
    size_t plen = strnlen(path, TT_LIM_PATH + 1);
    if (plen > TT_LIM_PATH) {
        plen = TT_LIM_PATH;
    }
    size_t dlen = 0;
    if (path[0] != '/') {
        if (dirfd == AT_FDCWD) {
            long r = syscall(SYS_getcwd, out, TT_LIM_PATH);
            if (r <= 0 || out[0] != '/') {
                goto raw;
            }
            dlen = strlen(out);
        } else {
            ssize_t r = tt_dirfd_path(dirfd, out, TT_LIM_PATH);
            if (r <= 0 || out[0] != '/') {
                goto raw;
            }
            dlen = (size_t) r;
        }
        if (dlen + 2 >= TT_LIM_PATH) {
            goto raw;
        }
        if (dlen + 1 + plen > TT_LIM_PATH) {
            plen = TT_LIM_PATH - dlen - 1 < plen ? TT_LIM_PATH - dlen - 1 : plen;
        }
        out[dlen++] = '/';
    }
    memcpy(out + dlen, path, plen);
    out[dlen + plen] = 0;
    normalise(out);
    return out;
raw:
    memcpy(out, path, plen);
    out[plen] = 0;
    return out;
}

/* ---------- socket addresses ---------- */

void tt_sockaddr_str(const struct sockaddr *sa, socklen_t len, char *out, size_t cap,
                     unsigned *port, const char **family) {
    out[0] = 0;
    *port = 0;
    *family = NULL;
    if (sa == NULL || len < sizeof(sa_family_t)) {
        return;
    }
    switch (sa->sa_family) {
    case AF_INET:
        if (len >= sizeof(struct sockaddr_in)) {
            const struct sockaddr_in *in = (const void *) sa;
            inet_ntop(AF_INET, &in->sin_addr, out, (socklen_t) cap);
            *port = ntohs(in->sin_port);
        }
        *family = "inet";
        break;
    case AF_INET6:
        if (len >= sizeof(struct sockaddr_in6)) {
            const struct sockaddr_in6 *in6 = (const void *) sa;
            inet_ntop(AF_INET6, &in6->sin6_addr, out, (socklen_t) cap);
            *port = ntohs(in6->sin6_port);
        }
        *family = "inet6";
        break;
    case AF_UNIX: {
        const struct sockaddr_un *un = (const void *) sa;
        size_t n = len > offsetof(struct sockaddr_un, sun_path)
                       ? len - offsetof(struct sockaddr_un, sun_path) : 0;
        if (n > sizeof un->sun_path) {
            n = sizeof un->sun_path;
        }
        if (n > 0 && un->sun_path[0] == 0) {
            /* abstract: '@' + name (may contain NULs; stop at the first) */
            size_t k = strnlen(un->sun_path + 1, n - 1);
            if (k + 2 > cap) {
                k = cap - 2;
            }
            out[0] = '@';
            memcpy(out + 1, un->sun_path + 1, k);
            out[k + 1] = 0;
        } else if (n > 0) {
            size_t k = strnlen(un->sun_path, n);
            if (k + 1 > cap) {
                k = cap - 1;
            }
            memcpy(out, un->sun_path, k);
            out[k] = 0;
        }
        *family = "unix";
        break;
    }
    default:
        *family = NULL;
    }
}

void tt_ev_sockaddr(tt_ev *e, const struct sockaddr *sa, socklen_t len, uint32_t f_addr,
                    uint32_t f_port, uint32_t f_family) {
    char text[128];
    unsigned port;
    const char *fam;
    tt_sockaddr_str(sa, len, text, sizeof text, &port, &fam);
    if (f_family && fam) {
        tt_ev_str(e, f_family, fam, 16);
    }
    if (text[0]) {
        tt_ev_str(e, f_addr, text, 128);
    }
    if (port && f_port) {
        tt_uint(&e->b, f_port, port);
    }
}
