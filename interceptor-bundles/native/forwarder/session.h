/*
 * One connection to the appliance: TLS, HELLO → WELCOME (or ERROR), then frames both ways
 * over a non-blocking socket. Used by the shipper and by `telltale doctor`.
 */
#ifndef TT_SESSION_H
#define TT_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "frames.h"
#include "tls.h"
#include "util.h"

typedef struct tt_session {
    tt_tls tls;
    uint8_t *rbuf;          /* received, not yet consumed bytes */
    size_t rlen, rpos, rcap;
    tt_bytes_buf out;       /* frames waiting to be written */
    size_t out_pos;
    tt_welcome welcome;
    tt_error_frame error;   /* the ERROR that refused the HELLO (open returned -2) */
    uint64_t last_rx_ms, last_tx_ms;
    uint64_t bytes_out;     /* bytes handed to TLS */
    char err[512];
} tt_session;

/* Creates the TLS context (pinned CA). Returns 0 or -1 with s->err. */
int tt_session_init(tt_session *s, const char *ca_pem);
void tt_session_free(tt_session *s);

/* Connects, sends HELLO, waits for WELCOME. 0 = welcome filled in; -1 = transport or TLS
 * failure (s->err); -2 = the appliance answered ERROR (s->error). stop_fd readable cuts it short. */
int tt_session_open(tt_session *s, const char *host, int port, const tt_hello *hello, unsigned timeout_ms,
                    int stop_fd);
void tt_session_close(tt_session *s, int graceful);

/* Moves bytes: writes pending output, reads what is there. Waits up to timeout_ms for either
 * (or for wake_fd / stop_fd to become readable; either may be -1). Returns 0, or -1 when the
 * connection failed (s->err). */
int tt_session_pump(tt_session *s, int timeout_ms, int wake_fd, int stop_fd);

/* Next complete frame from the receive buffer: 1 = got one (payload valid until the next
 * call), 0 = none yet, -1 = malformed stream. */
int tt_session_frame(tt_session *s, uint32_t *type, const uint8_t **payload, size_t *len);

static inline size_t tt_session_out_pending(const tt_session *s) {
    return s->out.len - s->out_pos;
}

#endif
