#define _GNU_SOURCE
#include "tls.h"

#include "util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void ssl_error(char *err, size_t errlen, const char *what) {
    unsigned long e = ERR_get_error();
    char buf[256] = "";
    if (e) {
        ERR_error_string_n(e, buf, sizeof buf);
    }
    snprintf(err, errlen, "%s%s%s", what, e ? ": " : "", buf);
    ERR_clear_error();
}

int tt_tls_init(tt_tls *t, const char *ca_pem, char *err, size_t errlen) {
    memset(t, 0, sizeof *t);
    t->fd = -1;
    if (!ca_pem || !*ca_pem) {
        snprintf(err, errlen, "no CA certificate (--ca, TELLTALE_CA or 'ca' in the config file)");
        return -1;
    }
    t->ctx = SSL_CTX_new(TLS_client_method());
    if (!t->ctx) {
        ssl_error(err, errlen, "SSL_CTX_new");
        return -1;
    }
    SSL_CTX_set_min_proto_version(t->ctx, TLS1_3_VERSION);
    SSL_CTX_set_max_proto_version(t->ctx, TLS1_3_VERSION);
    SSL_CTX_set_mode(t->ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    SSL_CTX_set_verify(t->ctx, SSL_VERIFY_PEER, NULL);
    /* Trust exactly the pinned CA: no system store (SSL_CTX_set_default_verify_paths is never called). */
    X509_STORE *store = SSL_CTX_get_cert_store(t->ctx);
    BIO *bio = BIO_new_mem_buf(ca_pem, -1);
    int n = 0;
    X509 *cert;
    while (bio && (cert = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
        if (X509_STORE_add_cert(store, cert) == 1) {
            n++;
        }
        X509_free(cert);
    }
    BIO_free(bio);
    ERR_clear_error(); /* the end of the PEM text reads as an error */
    if (n == 0) {
        snprintf(err, errlen, "the CA text holds no usable PEM certificate");
        SSL_CTX_free(t->ctx);
        t->ctx = NULL;
        return -1;
    }
    return 0;
}

void tt_tls_free(tt_tls *t) {
    tt_tls_close(t, 0);
    if (t->ctx) {
        SSL_CTX_free(t->ctx);
        t->ctx = NULL;
    }
}

/* Waits for events on fd until the deadline; 1 = ready, 0 = timeout, -1 = woken/failed. */
static int wait_fd(int fd, short events, uint64_t deadline_ms, int wake_fd) {
    for (;;) {
        uint64_t now = tt_mono_ms();
        if (now >= deadline_ms) {
            return 0;
        }
        struct pollfd p[2] = {{.fd = fd, .events = events}, {.fd = wake_fd, .events = POLLIN}};
        int r = poll(p, wake_fd >= 0 ? 2 : 1, (int) (deadline_ms - now));
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r < 0) {
            return -1;
        }
        if (wake_fd >= 0 && (p[1].revents & POLLIN)) {
            return -1;
        }
        if (r > 0) {
            return 1;
        }
    }
}

static int tcp_connect(tt_tls *t, const char *host, int port, uint64_t deadline, int wake_fd, char *err,
                       size_t errlen) {
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res = NULL;
    char portstr[16];
    snprintf(portstr, sizeof portstr, "%d", port);
    int rc = getaddrinfo(host, portstr, &hints, &res);
    if (rc != 0) {
        snprintf(err, errlen, "cannot resolve %s: %s", host, gai_strerror(rc));
        return -1;
    }
    int fd = -1;
    snprintf(err, errlen, "no address for %s", host);
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0) {
            continue;
        }
        char addr[INET6_ADDRSTRLEN] = "?";
        if (ai->ai_family == AF_INET) {
            inet_ntop(AF_INET, &((struct sockaddr_in *) ai->ai_addr)->sin_addr, addr, sizeof addr);
        } else if (ai->ai_family == AF_INET6) {
            inet_ntop(AF_INET6, &((struct sockaddr_in6 *) ai->ai_addr)->sin6_addr, addr, sizeof addr);
        }
        snprintf(t->peer, sizeof t->peer, "%s port %d", addr, port);
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
            break;
        }
        if (errno == EINPROGRESS) {
            int w = wait_fd(fd, POLLOUT, deadline, wake_fd);
            int soerr = 0;
            socklen_t sl = sizeof soerr;
            if (w == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 && soerr == 0) {
                break;
            }
            snprintf(err, errlen, "cannot connect to %s: %s", t->peer,
                     w == 0 ? "timed out" : w < 0 ? "interrupted" : strerror(soerr));
        } else {
            snprintf(err, errlen, "cannot connect to %s: %s", t->peer, strerror(errno));
        }
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
    t->fd = fd;
    return 0;
}

int tt_tls_connect(tt_tls *t, const char *host, int port, unsigned timeout_ms, int wake_fd, char *err,
                   size_t errlen) {
    uint64_t deadline = tt_mono_ms() + timeout_ms;
    tt_tls_close(t, 0);
    if (tcp_connect(t, host, port, deadline, wake_fd, err, errlen) != 0) {
        return -1;
    }
    t->ssl = SSL_new(t->ctx);
    if (!t->ssl) {
        ssl_error(err, errlen, "SSL_new");
        tt_tls_close(t, 0);
        return -1;
    }
    SSL_set_fd(t->ssl, t->fd);
    /* Verify the name we dialled: an IP literal against IP SANs, a name against DNS SANs. */
    unsigned char ipbuf[16];
    int is_ip = inet_pton(AF_INET, host, ipbuf) == 1 || inet_pton(AF_INET6, host, ipbuf) == 1;
    if (is_ip) {
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(t->ssl), host);
    } else {
        SSL_set_tlsext_host_name(t->ssl, host);
        SSL_set1_host(t->ssl, host);
    }
    for (;;) {
        int r = SSL_connect(t->ssl);
        if (r == 1) {
            break;
        }
        int e = SSL_get_error(t->ssl, r);
        int w;
        if (e == SSL_ERROR_WANT_READ) {
            w = wait_fd(t->fd, POLLIN, deadline, wake_fd);
        } else if (e == SSL_ERROR_WANT_WRITE) {
            w = wait_fd(t->fd, POLLOUT, deadline, wake_fd);
        } else {
            long v = SSL_get_verify_result(t->ssl);
            if (v != X509_V_OK) {
                snprintf(err, errlen, "TLS handshake with %s failed: certificate not trusted: %s", t->peer,
                         X509_verify_cert_error_string(v));
                ERR_clear_error();
            } else {
                char what[320];
                snprintf(what, sizeof what, "TLS handshake with %s failed%s", t->peer,
                         e == SSL_ERROR_SYSCALL ? " (connection closed: is this the agent port, speaking TLS 1.3?)" : "");
                ssl_error(err, errlen, what);
            }
            tt_tls_close(t, 0);
            return -1;
        }
        if (w != 1) {
            snprintf(err, errlen, "TLS handshake with %s %s", t->peer, w == 0 ? "timed out" : "interrupted");
            tt_tls_close(t, 0);
            return -1;
        }
    }
    return 0;
}

ssize_t tt_tls_read(tt_tls *t, void *buf, size_t n, char *err, size_t errlen) {
    t->want_write_for_read = 0;
    size_t got = 0;
    int r = SSL_read_ex(t->ssl, buf, n, &got);
    if (r == 1) {
        return (ssize_t) got;
    }
    int e = SSL_get_error(t->ssl, r);
    if (e == SSL_ERROR_WANT_READ) {
        return 0;
    }
    if (e == SSL_ERROR_WANT_WRITE) {
        t->want_write_for_read = 1;
        return 0;
    }
    if (e == SSL_ERROR_ZERO_RETURN) {
        snprintf(err, errlen, "the appliance closed the connection");
    } else if (e == SSL_ERROR_SYSCALL) {
        snprintf(err, errlen, "connection lost: %s", errno ? strerror(errno) : "unexpected EOF");
    } else {
        ssl_error(err, errlen, "TLS read failed");
    }
    ERR_clear_error();
    return -1;
}

ssize_t tt_tls_write(tt_tls *t, const void *buf, size_t n, char *err, size_t errlen) {
    t->want_read_for_write = 0;
    size_t done = 0;
    int r = SSL_write_ex(t->ssl, buf, n, &done);
    if (r == 1) {
        return (ssize_t) done;
    }
    int e = SSL_get_error(t->ssl, r);
    if (e == SSL_ERROR_WANT_WRITE) {
        return 0;
    }
    if (e == SSL_ERROR_WANT_READ) {
        t->want_read_for_write = 1;
        return 0;
    }
    if (e == SSL_ERROR_SYSCALL) {
        snprintf(err, errlen, "connection lost while sending: %s", errno ? strerror(errno) : "EOF");
    } else {
        ssl_error(err, errlen, "TLS write failed");
    }
    ERR_clear_error();
    return -1;
}

int tt_tls_pending(tt_tls *t) {
    return t->ssl && SSL_pending(t->ssl) > 0;
}

void tt_tls_close(tt_tls *t, int graceful) {
    if (t->ssl) {
        if (graceful) {
            SSL_shutdown(t->ssl);
        }
        SSL_free(t->ssl);
        t->ssl = NULL;
    }
    if (t->fd >= 0) {
        close(t->fd);
        t->fd = -1;
    }
    ERR_clear_error();
}

void tt_tls_describe(tt_tls *t, char *out, size_t cap) {
    if (!t->ssl) {
        snprintf(out, cap, "not connected");
        return;
    }
    snprintf(out, cap, "%s %s", SSL_get_version(t->ssl), SSL_get_cipher_name(t->ssl));
}
