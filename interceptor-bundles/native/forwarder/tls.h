/*
 * TLS 1.3 to the appliance (docs/protocol.md §1): TLS 1.3 only, the appliance CA from the
 * bundle as the only trust anchor, host name or IP address verified against the
 * certificate. Non-blocking underneath; every wait has a deadline and can be cut short by
 * a wake-up descriptor (so the forwarder can stop at once).
 */
#ifndef TT_TLS_H
#define TT_TLS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;

typedef struct tt_tls {
    SSL_CTX *ctx;
    SSL *ssl;
    int fd;
    int want_write_for_read;  /* SSL_read needs the socket writable */
    int want_read_for_write;  /* SSL_write needs the socket readable */
    char peer[128];           /* address actually connected, for logs */
} tt_tls;

/* Creates the context pinned to the PEM certificate(s). Returns 0 or -1 with a message. */
int tt_tls_init(tt_tls *t, const char *ca_pem, char *err, size_t errlen);
void tt_tls_free(tt_tls *t);

/* TCP connect + handshake within timeout_ms. wake_fd (or -1): readable = give up.
 * Returns 0, or -1 with a message in err. */
int tt_tls_connect(tt_tls *t, const char *host, int port, unsigned timeout_ms, int wake_fd, char *err, size_t errlen);

/* Non-blocking I/O on an established session. read: >0 bytes, 0 = nothing now, -1 = closed
 * or failed (err says which). write: bytes taken (possibly 0), -1 = failed. */
ssize_t tt_tls_read(tt_tls *t, void *buf, size_t n, char *err, size_t errlen);
ssize_t tt_tls_write(tt_tls *t, const void *buf, size_t n, char *err, size_t errlen);
/* Whether decrypted bytes wait inside OpenSSL (poll would not report them). */
int tt_tls_pending(tt_tls *t);

/* Closes the session; graceful sends close_notify first (best effort, non-blocking). */
void tt_tls_close(tt_tls *t, int graceful);

/* The negotiated protocol and cipher, e.g. "TLSv1.3 TLS_AES_256_GCM_SHA384". */
void tt_tls_describe(tt_tls *t, char *out, size_t cap);

#endif
