/*
 * Web applications. Sockets returned by accept are watched: the first bytes the program
 * reads from one (read, recv, recvfrom, readv) tell whether it speaks HTTP/1.x. Then:
 *  - one `webapp` per listening port (protocol from the request line, addresses, tls=false),
 *  - one `webapp_uri` per new (method, path without query) per port, with the full URI,
 *  - one `bearer_token` per new token per port when an "Authorization: Bearer" header is
 *    seen; the clear value crosses the local channel in `value` and the forwarder replaces
 *    it with a keyed hash and a masked form (docs/interceptor.md).
 * A connection that does not start with a request line (TLS, other protocols) is dropped
 * from the watch list at once; keep-alive connections are parsed again whenever a read
 * starts with a request line. The read path costs one byte-table lookup when not watched.
 */
#include "tt.h"

#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#define WEB_FDS 65536
#define SNIFF_TRIES 4    /* reads that may pass before the first line is complete */
#define HTTP_STATE 0x80
#define URI_SET 4096
#define TOKEN_SET 1024

static _Atomic uint8_t web_state[WEB_FDS];
static _Atomic uint8_t port_registered[65536 / 8];
static _Atomic uint64_t uri_seen[URI_SET];
static _Atomic uint64_t token_seen[TOKEN_SET];

void tt_web_accepted(int fd, int lfd) {
    (void) lfd;
    if (fd < 0 || fd >= WEB_FDS) {
        return;
    }
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (syscall(SYS_getsockname, fd, &ss, &len) != 0 ||
        (ss.ss_family != AF_INET && ss.ss_family != AF_INET6)) {
        atomic_store_explicit(&web_state[fd], 0, memory_order_relaxed);
        return;
    }
    atomic_store_explicit(&web_state[fd], SNIFF_TRIES, memory_order_relaxed);
}

void tt_web_forget(int fd) {
    if (fd >= 0 && fd < WEB_FDS &&
        atomic_load_explicit(&web_state[fd], memory_order_relaxed) != 0) {
        atomic_store_explicit(&web_state[fd], 0, memory_order_relaxed);
    }
}

static uint64_t fnv(uint64_t h, const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        h = (h ^ (unsigned char) s[i]) * 1099511628211ull;
    }
    return h;
}

/* Inserts h into a small open-addressing set; 1 when it was new (0 also when full). */
static int set_add(_Atomic uint64_t *set, size_t cap, uint64_t h) {
    if (h == 0) {
        h = 1;
    }
    for (size_t i = 0; i < 16; i++) {
        size_t k = (size_t) (h + i) & (cap - 1);
        uint64_t cur = atomic_load(&set[k]);
        if (cur == h) {
            return 0;
        }
        if (cur == 0) {
            uint64_t zero = 0;
            if (atomic_compare_exchange_strong(&set[k], &zero, h)) {
                return 1;
            }
            if (zero == h) {
                return 0;
            }
        }
    }
    return 0; /* saturated neighbourhood: report no more (bounded volume) */
}

static int upper_token(const char *p, size_t n) {
    size_t i = 0;
    while (i < n && p[i] >= 'A' && p[i] <= 'Z') {
        i++;
    }
    return i >= 3 && i <= 12 && i < n && p[i] == ' ' ? (int) i : 0;
}

struct reqline {
    const char *method, *uri, *version;
    size_t mlen, ulen, vlen;
    const char *headers; /* after the request line */
};

/* 1: a complete request line, 0: not HTTP, -1: too short to tell. */
static int parse_request(const char *p, size_t n, struct reqline *r) {
    int m = upper_token(p, n);
    if (m == 0) {
        return n < 13 && n > 0 && p[0] >= 'A' && p[0] <= 'Z' ? -1 : 0;
    }
    const char *uri = p + m + 1;
    const char *end = p + n;
    if (uri >= end) {
        return -1;
    }
    if (*uri != '/' && *uri != '*' && strncmp(uri, "http", end - uri < 4 ? (size_t) (end - uri) : 4) != 0) {
        return 0;
    }
    const char *sp = memchr(uri, ' ', (size_t) (end - uri));
    if (sp == NULL) {
        return (size_t) (end - uri) < 8192 ? -1 : 0;
    }
    const char *ver = sp + 1;
    const char *eol = memchr(ver, '\n', (size_t) (end - ver));
    if (eol == NULL) {
        return end - ver < 16 ? -1 : 0;
    }
    size_t vlen = (size_t) (eol - ver);
    if (vlen > 0 && ver[vlen - 1] == '\r') {
        vlen--;
    }
    if (vlen < 8 || memcmp(ver, "HTTP/1.", 7) != 0) {
        return 0;
    }
    r->method = p;
    r->mlen = (size_t) m;
    r->uri = uri;
    r->ulen = (size_t) (sp - uri);
    r->version = ver;
    r->vlen = vlen;
    r->headers = eol + 1;
    return 1;
}

static int ieq(const char *a, const char *b, size_t n) {
    for (size_t i = 0; i < n; i++) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') {
            x = (char) (x + 32);
        }
        if (y >= 'A' && y <= 'Z') {
            y = (char) (y + 32);
        }
        if (x != y) {
            return 0;
        }
    }
    return 1;
}

static void add_addrs(tt_ev *e, int fd, uint32_t f_family, uint32_t f_laddr, uint32_t f_lport,
                      uint32_t f_raddr, uint32_t f_rport) {
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (syscall(SYS_getsockname, fd, &ss, &len) == 0) {
        tt_ev_sockaddr(e, (struct sockaddr *) &ss, len, f_laddr, f_lport, f_family);
    }
    len = sizeof ss;
    if (f_raddr && syscall(SYS_getpeername, fd, &ss, &len) == 0) {
        tt_ev_sockaddr(e, (struct sockaddr *) &ss, len, f_raddr, f_rport, 0);
    }
}

static unsigned local_port(int fd) {
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    char text[64];
    unsigned port = 0;
    const char *fam;
    if (syscall(SYS_getsockname, fd, &ss, &len) == 0) {
        tt_sockaddr_str((struct sockaddr *) &ss, len, text, sizeof text, &port, &fam);
    }
    return port;
}

static void request(int fd, const char *data, size_t n, const struct reqline *r) {
    unsigned lport = local_port(fd);
    if (lport == 0) {
        return;
    }
    uint8_t bit = (uint8_t) (1u << (lport & 7));
    if (!(atomic_fetch_or(&port_registered[lport >> 3], bit) & bit)) {
        tt_ev e;
        if (tt_ev_begin(&e, TT_EV_WEBAPP, 1)) {
            tt_ev_strn(&e, 1, r->version, r->vlen, 32);
            add_addrs(&e, fd, 2, 3, 4, 5, 6);
            tt_bool(&e.b, 7, 0);
            tt_ev_send(&e);
        }
    }
    size_t path_len = r->ulen;
    const char *q = memchr(r->uri, '?', r->ulen);
    if (q != NULL) {
        path_len = (size_t) (q - r->uri);
    }
    uint64_t h = fnv(fnv(1469598103934665603ull ^ lport, r->method, r->mlen), r->uri, path_len);
    if (set_add(uri_seen, URI_SET, h)) {
        tt_ev e;
        if (tt_ev_begin(&e, TT_EV_WEBAPP_URI, 1)) {
            tt_ev_strn(&e, 1, r->method, r->mlen, 32);
            tt_ev_strn(&e, 2, r->uri, r->ulen, 8192);
            tt_uint(&e.b, 3, lport);
            tt_ev_send(&e);
        }
    }
    /* headers present in this read: look for Authorization: Bearer */
    const char *end = data + n;
    for (const char *line = r->headers; line < end;) {
        const char *eol = memchr(line, '\n', (size_t) (end - line));
        size_t len = eol ? (size_t) (eol - line) : (size_t) (end - line);
        if (len <= 1) {
            break; /* blank line: end of headers */
        }
        if (len > 14 && ieq(line, "authorization:", 14)) {
            const char *v = line + 14;
            const char *le = line + len;
            while (v < le && (*v == ' ' || *v == '\t')) {
                v++;
            }
            if (le - v > 7 && ieq(v, "bearer ", 7)) {
                const char *tok = v + 7;
                while (tok < le && *tok == ' ') {
                    tok++;
                }
                const char *te = le;
                while (te > tok && (te[-1] == '\r' || te[-1] == ' ' || te[-1] == '\t')) {
                    te--;
                }
                if (te > tok && eol != NULL) {
                    uint64_t th = fnv(1469598103934665603ull ^ ((uint64_t) lport << 32), tok,
                                      (size_t) (te - tok));
                    if (set_add(token_seen, TOKEN_SET, th)) {
                        tt_ev e;
                        if (tt_ev_begin(&e, TT_EV_BEARER, 1)) {
                            tt_ev_str(&e, 1, "bearer", 32);
                            tt_ev_strn(&e, 2, tok, (size_t) (te - tok), 16384);
                            tt_uint(&e.b, 5, lport);
                            tt_ev_strn(&e, 6, r->uri, r->ulen, 8192);
                            tt_bool(&e.b, 7, 0);
                            tt_ev_send(&e);
                        }
                    }
                }
            }
        }
        if (eol == NULL) {
            break;
        }
        line = eol + 1;
    }
}

static void sniff(int fd, const void *buf, size_t n) {
    uint8_t st = atomic_load_explicit(&web_state[fd], memory_order_relaxed);
    if (st == 0 || !tt_enter()) {
        return;
    }
    int saved = errno;
    struct reqline r;
    int p = parse_request(buf, n, &r);
    if (p == 1) {
        atomic_store_explicit(&web_state[fd], HTTP_STATE, memory_order_relaxed);
        request(fd, buf, n, &r);
    } else if (!(st & HTTP_STATE)) {
        /* undecided first reads get a few more tries; anything else is not for us */
        uint8_t next = p < 0 && st > 1 ? (uint8_t) (st - 1) : 0;
        atomic_store_explicit(&web_state[fd], next, memory_order_relaxed);
    }
    tt_leave();
    errno = saved;
}

#define WATCHED(fd) TT_UNLIKELY((unsigned) (fd) < WEB_FDS && atomic_load_explicit(&web_state[fd], memory_order_relaxed))

TT_API ssize_t read(int fd, void *buf, size_t n) {
    ssize_t r = TT_REAL(read)(fd, buf, n);
    if (WATCHED(fd) && r > 0) {
        sniff(fd, buf, (size_t) r);
    }
    return r;
}

TT_API ssize_t recv(int fd, void *buf, size_t n, int flags) {
    ssize_t r = TT_REAL(recv)(fd, buf, n, flags);
    if (WATCHED(fd) && r > 0) {
        sniff(fd, buf, (size_t) r);
    }
    return r;
}

TT_API ssize_t recvfrom(int fd, void *buf, size_t n, int flags, struct sockaddr *from, socklen_t *len) {
    ssize_t r = TT_REAL(recvfrom)(fd, buf, n, flags, from, len);
    if (WATCHED(fd) && r > 0) {
        sniff(fd, buf, (size_t) r);
    }
    return r;
}

TT_API ssize_t readv(int fd, const struct iovec *iov, int cnt) {
    ssize_t r = TT_REAL(readv)(fd, iov, cnt);
    if (WATCHED(fd) && r > 0 && cnt > 0) {
        size_t first = iov[0].iov_len < (size_t) r ? iov[0].iov_len : (size_t) r;
        if (first > 0) {
            sniff(fd, iov[0].iov_base, first);
        }
    }
    return r;
}
