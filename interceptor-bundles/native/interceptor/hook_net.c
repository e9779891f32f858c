/*
 * Network operations: bind, listen, connect, accept/accept4 (family, local and remote
 * address and port, transport) and name resolution: getaddrinfo, gethostbyname(2)(_r)
 * with the names asked for and the addresses returned.
 */
#include "tt.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

static void add_transport(tt_ev *e, int fd, int family) {
    int type = 0;
    socklen_t len = sizeof type;
    if (family != AF_INET && family != AF_INET6) {
        return;
    }
    if (syscall(SYS_getsockopt, fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0) {
        if (type == SOCK_STREAM) {
            tt_ev_str(e, 11, "tcp", 16);
        } else if (type == SOCK_DGRAM) {
            tt_ev_str(e, 11, "udp", 16);
        }
    }
}

static void add_family(tt_ev *e, int family) {
    switch (family) {
    case AF_INET: tt_ev_str(e, 2, "inet", 16); break;
    case AF_INET6: tt_ev_str(e, 2, "inet6", 16); break;
    case AF_UNIX: tt_ev_str(e, 2, "unix", 16); break;
    case AF_NETLINK: tt_ev_str(e, 2, "netlink", 16); break;
    case AF_PACKET: tt_ev_str(e, 2, "packet", 16); break;
    default: {
        char f[16];
        snprintf(f, sizeof f, "af%d", family);
        tt_ev_str(e, 2, f, 16);
    }
    }
}

static void add_name(tt_ev *e, int fd, int peer, uint32_t f_addr, uint32_t f_port) {
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    long r = syscall(peer ? SYS_getpeername : SYS_getsockname, fd, &ss, &len);
    if (r == 0) {
        tt_ev_sockaddr(e, (struct sockaddr *) &ss, len, f_addr, f_port, 0);
    }
}

static int sock_family(int fd) {
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (syscall(SYS_getsockname, fd, &ss, &len) == 0) {
        return ss.ss_family;
    }
    return -1;
}

/*
 * One network event for a socket call. `given` is the address passed by the program
 * (local for bind, remote for connect); the other side is asked from the kernel.
 */
static void net_event(const char *op, int fd, const struct sockaddr *given, socklen_t glen,
                      int given_is_local, int result, int err, int newfd) {
    tt_ev e;
    if (!tt_ev_begin(&e, TT_EV_NETWORK, 1)) {
        return;
    }
    tt_ev_str(&e, 1, op, 32);
    int family = given != NULL && glen >= sizeof(sa_family_t) ? given->sa_family : sock_family(fd);
    if (family >= 0) {
        add_family(&e, family);
    }
    int q = newfd >= 0 ? newfd : fd;
    if (given != NULL && given_is_local) {
        tt_ev_sockaddr(&e, given, glen, 3, 4, 0);
    } else {
        add_name(&e, q, 0, 3, 4);
    }
    if (given != NULL && !given_is_local) {
        tt_ev_sockaddr(&e, given, glen, 5, 6, 0);
    } else if (newfd >= 0) {
        add_name(&e, newfd, 1, 5, 6);
    }
    tt_sint(&e.b, 9, q);
    tt_sint(&e.b, 10, result);
    add_transport(&e, q, family);
    if (result < 0 && err) {
        tt_uint(&e.b, 12, (uint32_t) err);
    }
    tt_ev_send(&e);
}

TT_API int bind(int fd, const struct sockaddr *addr, socklen_t len) {
    int r = TT_REAL(bind)(fd, addr, len);
    int err = errno;
    if (tt_enter()) {
        net_event("bind", fd, addr, len, 1, r, err, -1);
        tt_leave();
    }
    errno = err;
    return r;
}

TT_API int listen(int fd, int backlog) {
    int r = TT_REAL(listen)(fd, backlog);
    int err = errno;
    if (tt_enter()) {
        net_event("listen", fd, NULL, 0, 1, r, err, -1);
        tt_leave();
    }
    errno = err;
    return r;
}

TT_API int connect(int fd, const struct sockaddr *addr, socklen_t len) {
    int r = TT_REAL(connect)(fd, addr, len);
    int err = errno;
    if (tt_enter()) {
        net_event("connect", fd, addr, len, 0, r, r < 0 && err != EINPROGRESS ? err : 0, -1);
        tt_leave();
    }
    errno = err;
    return r;
}

static int after_accept(int lfd, int r) {
    int err = errno;
    if (r >= 0 && tt_cfg.on) {
        tt_web_accepted(r, lfd);
    }
    if (r >= 0 && tt_enter()) {
        net_event("accept", lfd, NULL, 0, 1, r, 0, r);
        tt_leave();
    }
    errno = err;
    return r;
}

TT_API int accept(int fd, struct sockaddr *addr, socklen_t *len) {
    return after_accept(fd, TT_REAL(accept)(fd, addr, len));
}

TT_API int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags) {
    return after_accept(fd, TT_REAL(accept4)(fd, addr, len, flags));
}

/* ---------- DNS ---------- */

/* Appends an address to `resolved` unless it is already there (getaddrinfo lists each
 * address once per socket type). */
static void add_resolved(tt_ev *e, char seen[][48], int *nseen, const char *text) {
    for (int i = 0; i < *nseen; i++) {
        if (strcmp(seen[i], text) == 0) {
            return;
        }
    }
    if (*nseen < 64) {
        memcpy(seen[*nseen], text, strlen(text) + 1);
        (*nseen)++;
    }
    tt_ev_str(e, 8, text, 128);
}

TT_API int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                       struct addrinfo **res) {
    int r = TT_REAL(getaddrinfo)(node, service, hints, res);
    int err = errno;
    if (node != NULL && tt_enter()) {
        tt_ev e;
        if (tt_ev_begin(&e, TT_EV_NETWORK, 1)) {
            tt_ev_str(&e, 1, "dns", 32);
            if (hints != NULL && (hints->ai_family == AF_INET || hints->ai_family == AF_INET6)) {
                add_family(&e, hints->ai_family);
            }
            tt_ev_str(&e, 7, node, 1024);
            char seen[64][48];
            int nseen = 0;
            const char *canon = NULL;
            for (const struct addrinfo *ai = r == 0 && res ? *res : NULL; ai; ai = ai->ai_next) {
                char text[64];
                unsigned port;
                const char *fam;
                if (ai->ai_canonname && canon == NULL && strcmp(ai->ai_canonname, node) != 0) {
                    canon = ai->ai_canonname;
                }
                tt_sockaddr_str(ai->ai_addr, ai->ai_addrlen, text, sizeof text, &port, &fam);
                if (text[0] && nseen < 64) {
                    add_resolved(&e, seen, &nseen, text);
                }
            }
            if (canon != NULL) {
                tt_ev_str(&e, 7, canon, 1024);
            }
            tt_sint(&e.b, 10, r);
            tt_ev_send(&e);
        }
        tt_leave();
    }
    errno = err;
    return r;
}

static void hostent_event(const char *name, const struct hostent *h, int result) {
    tt_ev e;
    if (!tt_ev_begin(&e, TT_EV_NETWORK, 1)) {
        return;
    }
    tt_ev_str(&e, 1, "dns", 32);
    if (h != NULL) {
        add_family(&e, h->h_addrtype);
    }
    tt_ev_str(&e, 7, name, 1024);
    if (h != NULL) {
        if (h->h_name && strcmp(h->h_name, name) != 0) {
            tt_ev_str(&e, 7, h->h_name, 1024);
        }
        for (int i = 0; h->h_aliases && h->h_aliases[i] && i < 32; i++) {
            const char *al = h->h_aliases[i];
            if (strcmp(al, name) != 0 && (h->h_name == NULL || strcmp(al, h->h_name) != 0)) {
                tt_ev_str(&e, 7, al, 1024);
            }
        }
        for (int i = 0; h->h_addr_list && h->h_addr_list[i] && i < 64; i++) {
            char text[64];
            if (inet_ntop(h->h_addrtype, h->h_addr_list[i], text, sizeof text)) {
                tt_ev_str(&e, 8, text, 128);
            }
        }
    }
    tt_sint(&e.b, 10, result);
    tt_ev_send(&e);
}

TT_API struct hostent *gethostbyname(const char *name) {
    struct hostent *h = TT_REAL(gethostbyname)(name);
    int err = errno;
    if (name != NULL && tt_enter()) {
        hostent_event(name, h, h ? 0 : -1);
        tt_leave();
    }
    errno = err;
    return h;
}

TT_API struct hostent *gethostbyname2(const char *name, int af) {
    struct hostent *h = TT_REAL(gethostbyname2)(name, af);
    int err = errno;
    if (name != NULL && tt_enter()) {
        hostent_event(name, h, h ? 0 : -1);
        tt_leave();
    }
    errno = err;
    return h;
}

TT_API int gethostbyname_r(const char *name, struct hostent *ret, char *buf, size_t buflen,
                           struct hostent **result, int *h_errnop) {
    int r = TT_REAL(gethostbyname_r)(name, ret, buf, buflen, result, h_errnop);
    int err = errno;
    /* ERANGE asks the caller to retry with a bigger buffer: record only the final answer */
    if (name != NULL && r != ERANGE && tt_enter()) {
        hostent_event(name, r == 0 && result ? *result : NULL, r == 0 && result && *result ? 0 : -1);
        tt_leave();
    }
    errno = err;
    return r;
}
