#define _GNU_SOURCE
#include "session.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_IN_FRAME (16u << 20) /* appliance frames are small; anything this big is garbage */

int tt_session_init(tt_session *s, const char *ca_pem) {
    memset(s, 0, sizeof *s);
    return tt_tls_init(&s->tls, ca_pem, s->err, sizeof s->err);
}

void tt_session_free(tt_session *s) {
    tt_welcome_free(&s->welcome);
    tt_tls_free(&s->tls);
    free(s->rbuf);
    tt_bb_free(&s->out);
    s->rbuf = NULL;
}

void tt_session_close(tt_session *s, int graceful) {
    tt_tls_close(&s->tls, graceful);
    s->rlen = s->rpos = 0;
    s->out.len = 0;
    s->out_pos = 0;
}

static int read_some(tt_session *s) {
    for (;;) {
        if (s->rpos > 0 && s->rpos == s->rlen) {
            s->rpos = s->rlen = 0;
        }
        if (s->rcap - s->rlen < 16384) {
            if (s->rpos > 0) {
                memmove(s->rbuf, s->rbuf + s->rpos, s->rlen - s->rpos);
                s->rlen -= s->rpos;
                s->rpos = 0;
            }
            if (s->rcap - s->rlen < 16384) {
                size_t cap = s->rcap ? s->rcap * 2 : 65536;
                uint8_t *nb = realloc(s->rbuf, cap);
                if (!nb) {
                    snprintf(s->err, sizeof s->err, "out of memory");
                    return -1;
                }
                s->rbuf = nb;
                s->rcap = cap;
            }
        }
        ssize_t r = tt_tls_read(&s->tls, s->rbuf + s->rlen, s->rcap - s->rlen, s->err, sizeof s->err);
        if (r < 0) {
            return -1;
        }
        if (r == 0) {
            return 0;
        }
        s->rlen += (size_t) r;
        s->last_rx_ms = tt_mono_ms();
    }
}

static int write_some(tt_session *s) {
    while (s->out_pos < s->out.len) {
        ssize_t w = tt_tls_write(&s->tls, s->out.data + s->out_pos, s->out.len - s->out_pos, s->err, sizeof s->err);
        if (w < 0) {
            return -1;
        }
        if (w == 0) {
            return 0;
        }
        s->out_pos += (size_t) w;
        s->bytes_out += (uint64_t) w;
        s->last_tx_ms = tt_mono_ms();
    }
    s->out.len = 0;
    s->out_pos = 0;
    return 0;
}

int tt_session_pump(tt_session *s, int timeout_ms, int wake_fd, int stop_fd) {
    if (write_some(s) != 0 || read_some(s) != 0) {
        return -1;
    }
    if (tt_tls_pending(&s->tls)) {
        timeout_ms = 0;
    }
    short ev = POLLIN;
    if (tt_session_out_pending(s) > 0 || s->tls.want_write_for_read) {
        ev |= POLLOUT;
    }
    struct pollfd p[3] = {{.fd = s->tls.fd, .events = ev}, {.fd = wake_fd, .events = POLLIN},
                          {.fd = stop_fd, .events = POLLIN}};
    int r = poll(p, 3, timeout_ms); /* negative fds are ignored by poll(2) */
    if (r < 0 && errno != EINTR) {
        snprintf(s->err, sizeof s->err, "poll: %s", strerror(errno));
        return -1;
    }
    if (r > 0 && (p[0].revents & (POLLERR | POLLNVAL))) {
        snprintf(s->err, sizeof s->err, "connection error");
        return -1;
    }
    if (r > 0 && (p[0].revents & (POLLIN | POLLHUP))) {
        if (read_some(s) != 0) {
            return -1;
        }
    }
    if (write_some(s) != 0) {
        return -1;
    }
    return 0;
}

int tt_session_frame(tt_session *s, uint32_t *type, const uint8_t **payload, size_t *len) {
    size_t avail = s->rlen - s->rpos;
    if (avail < TT_FRAME_HEADER) {
        return 0;
    }
    const uint8_t *h = s->rbuf + s->rpos;
    uint32_t n = (uint32_t) h[1] << 24 | (uint32_t) h[2] << 16 | (uint32_t) h[3] << 8 | h[4];
    if (n > MAX_IN_FRAME) {
        snprintf(s->err, sizeof s->err, "the appliance sent a frame of %u bytes", n);
        return -1;
    }
    if (avail < TT_FRAME_HEADER + (size_t) n) {
        return 0;
    }
    *type = h[0];
    *payload = h + TT_FRAME_HEADER;
    *len = n;
    s->rpos += TT_FRAME_HEADER + n;
    return 1;
}

int tt_session_open(tt_session *s, const char *host, int port, const tt_hello *hello, unsigned timeout_ms,
                    int wake_fd) {
    uint64_t deadline = tt_mono_ms() + timeout_ms;
    tt_session_close(s, 0);
    if (tt_tls_connect(&s->tls, host, port, timeout_ms, wake_fd, s->err, sizeof s->err) != 0) {
        return -1;
    }
    if (tt_frame_hello(&s->out, hello) != 0) {
        snprintf(s->err, sizeof s->err, "cannot encode HELLO");
        return -1;
    }
    s->last_rx_ms = s->last_tx_ms = tt_mono_ms();
    for (;;) {
        uint32_t type;
        const uint8_t *p;
        size_t n;
        int fr = tt_session_frame(s, &type, &p, &n);
        if (fr < 0) {
            return -1;
        }
        if (fr == 1) {
            if (type == TT_F_WELCOME) {
                if (tt_decode_welcome(p, n, &s->welcome) != 0) {
                    snprintf(s->err, sizeof s->err, "malformed WELCOME");
                    return -1;
                }
                return 0;
            }
            if (type == TT_F_ERROR) {
                tt_decode_error(p, n, &s->error);
                snprintf(s->err, sizeof s->err, "the appliance refused: %s (%llu): %.400s", tt_error_name(s->error.code),
                         (unsigned long long) s->error.code, s->error.message);
                return -2;
            }
            snprintf(s->err, sizeof s->err, "expected WELCOME, got frame type %u", type);
            return -1;
        }
        uint64_t now = tt_mono_ms();
        if (now >= deadline) {
            snprintf(s->err, sizeof s->err, "no WELCOME within %u ms", timeout_ms);
            return -1;
        }
        if (tt_session_pump(s, (int) (deadline - now), -1, wake_fd) != 0) {
            /* The appliance closes right after a refusing ERROR: read what arrived first. */
            char err[sizeof s->err];
            memcpy(err, s->err, sizeof err);
            int fr2 = tt_session_frame(s, &type, &p, &n);
            if (fr2 == 1 && type == TT_F_ERROR) {
                tt_decode_error(p, n, &s->error);
                snprintf(s->err, sizeof s->err, "the appliance refused: %s (%llu): %.400s",
                         tt_error_name(s->error.code), (unsigned long long) s->error.code, s->error.message);
                return -2;
            }
            if (fr2 == 1 && type == TT_F_WELCOME && tt_decode_welcome(p, n, &s->welcome) == 0) {
                return 0; /* welcomed, then the connection dropped: the caller finds out on its next read */
            }
            memcpy(s->err, err, sizeof err);
            return -1;
        }
        if (wake_fd >= 0) {
            /* The wake descriptor is a stop request here (level-triggered, never drained). */
            struct pollfd wp = {.fd = wake_fd, .events = POLLIN};
            if (poll(&wp, 1, 0) == 1) {
                snprintf(s->err, sizeof s->err, "interrupted: stopping");
                return -1;
            }
        }
    }
}
