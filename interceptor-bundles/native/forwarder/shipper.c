#define _GNU_SOURCE
#include "shipper.h"

#include "identity.h"
#include "log.h"
#include "session.h"
#include "util.h"
#include "version.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <zstd.h>

#define WINDOW_FRAMES 16            /* unacknowledged BATCH/GAP frames in flight */
#define RAW_TARGET (1u << 20)       /* events block size aimed at per BATCH */
#define OUT_HIGH_WATER (512u << 10) /* stop building frames while this much waits for the socket */
#define BACKOFF_MIN_MS 250u
#define BACKOFF_MAX_MS 30000u
#define DEAD_AFTER_MS 90000u        /* nothing heard for this long while waiting for ACKs: reconnect */
#define HELLO_TIMEOUT_MS 10000u
#define ZSTD_LEVEL 3
#define ZSTD_WINDOW_LOG 18          /* protocol.md §5.1: the appliance decodes with at most 256 KiB */

typedef struct inflight {
    uint64_t last_seq;
} inflight;

/* State of one connection. */
typedef struct conn {
    tt_session s;
    ZSTD_CCtx *zc;
    tt_spool_reader rd;
    uint64_t cursor;            /* next seq to send */
    uint64_t acked;
    inflight win[WINDOW_FRAMES];
    int nwin;
    tt_bytes_buf raw;           /* events block being built */
    tt_bytes_buf zbuf;          /* its compressed form */
    uint64_t first_seq, base_time;
    uint32_t count;
    int held;                   /* rec holds a record read but not yet used */
    tt_spool_rec rec;
    uint64_t max_events, max_frame, ping_ms;
    uint64_t ping_nonce;
    unsigned rejected_logged;
} conn;

static void drain_eventfd(int fd) {
    uint64_t v;
    ssize_t r = read(fd, &v, sizeof v);
    (void) r;
}

void tt_shipper_notify(tt_shipper *sh) {
    uint64_t one = 1;
    ssize_t r = write(sh->wake_fd, &one, sizeof one);
    (void) r;
}

static const char *missing_reason(tt_shipper *sh) {
    return sh->sp->corrupt_cut ? "spool_corrupt" : "spool_missing";
}

/* Appends a GAP frame and counts it as in flight. */
static int send_gap(tt_shipper *sh, conn *c, uint64_t first, uint64_t count, const char *reason, const char *detail) {
    if (tt_frame_gap(&c->s.out, first, count, reason, detail) != 0) {
        return -1;
    }
    c->win[c->nwin++].last_seq = first + count - 1;
    c->cursor = first + count;
    atomic_fetch_add(&sh->gaps_sent, 1);
    tt_info("GAP seq %" PRIu64 "..%" PRIu64 " (%" PRIu64 " events): %s%s%s", first, first + count - 1, count, reason,
            detail && *detail ? ": " : "", detail ? detail : "");
    return 0;
}

/* Compresses the events block (one flush on the connection's zstd stream) into a BATCH. */
static int finish_batch(tt_shipper *sh, conn *c) {
    if (c->count == 0) {
        return 0;
    }
    size_t bound = ZSTD_compressBound(c->raw.len) + 64;
    c->zbuf.len = 0;
    if (tt_bb_reserve(&c->zbuf, bound) != 0) {
        return -1;
    }
    ZSTD_inBuffer in = {c->raw.data, c->raw.len, 0};
    ZSTD_outBuffer out = {c->zbuf.data, c->zbuf.cap, 0};
    size_t left;
    do {
        left = ZSTD_compressStream2(c->zc, &out, &in, ZSTD_e_flush);
        if (ZSTD_isError(left)) {
            tt_err("zstd: %s", ZSTD_getErrorName(left));
            return -1;
        }
        if (left > 0 && out.pos == out.size) {
            /* Cannot happen with compressBound room; grow anyway rather than loop. */
            c->zbuf.len = out.pos;
            if (tt_bb_reserve(&c->zbuf, left + 4096) != 0) {
                return -1;
            }
            out.dst = c->zbuf.data;
            out.size = c->zbuf.cap;
        }
    } while (left > 0 || in.pos < in.size);
    c->zbuf.len = out.pos;

    /* BATCH payload: 1 first_seq, 2 count, 3 base_time_us, 4 raw_size, 5 events. */
    tt_bytes_buf hdr = {0};
    uint8_t frame_hdr[TT_FRAME_HEADER];
    tt_bb_varint(&hdr, 1 << 3);
    tt_bb_varint(&hdr, c->first_seq);
    tt_bb_varint(&hdr, 2 << 3);
    tt_bb_varint(&hdr, c->count);
    tt_bb_varint(&hdr, 3 << 3);
    tt_bb_varint(&hdr, c->base_time);
    tt_bb_varint(&hdr, 4 << 3);
    tt_bb_varint(&hdr, c->raw.len);
    tt_bb_varint(&hdr, (5 << 3) | 2);
    tt_bb_varint(&hdr, c->zbuf.len);
    size_t payload = hdr.len + c->zbuf.len;
    tt_frame_header(frame_hdr, TT_F_BATCH, (uint32_t) payload);
    int rc = tt_bb_put(&c->s.out, frame_hdr, sizeof frame_hdr) | tt_bb_put(&c->s.out, hdr.data, hdr.len) |
             tt_bb_put(&c->s.out, c->zbuf.data, c->zbuf.len);
    tt_bb_free(&hdr);
    if (rc != 0) {
        return -1;
    }
    c->win[c->nwin++].last_seq = c->first_seq + c->count - 1;
    atomic_fetch_add(&sh->events_sent, c->count);
    atomic_fetch_add(&sh->batches_sent, 1);
    atomic_fetch_add(&sh->raw_bytes, c->raw.len);
    atomic_fetch_add(&sh->wire_bytes, payload + TT_FRAME_HEADER);
    tt_debug("BATCH seq %" PRIu64 "..%" PRIu64 " raw %zu zstd %zu", c->first_seq, c->first_seq + c->count - 1,
             c->raw.len, c->zbuf.len);
    c->cursor = c->first_seq + c->count;
    c->count = 0;
    c->raw.len = 0;
    return 0;
}

/* Adds one event record to the batch: field 2 (dt_us) is prepended to the stored bytes
 * (docs/interceptor.md: fields may come in any order, nothing is re-encoded). */
static int add_event(conn *c, const tt_spool_rec *r) {
    if (c->count == 0) {
        c->first_seq = r->seq;
        c->base_time = r->time_us;
        c->raw.len = 0;
    }
    int64_t dt = (int64_t) (r->time_us - c->base_time);
    uint64_t zz = ((uint64_t) dt << 1) ^ (uint64_t) (dt >> 63);
    size_t inner = 1 + tt_varint_len(zz) + r->len;
    if (tt_bb_reserve(&c->raw, inner + 10) != 0) {
        return -1;
    }
    tt_bb_varint(&c->raw, inner);
    tt_bb_varint(&c->raw, 2 << 3);
    tt_bb_varint(&c->raw, zz);
    tt_bb_put(&c->raw, r->data, r->len);
    c->count++;
    return 0;
}

/* Builds the next frame(s) from the spool. Returns 1 when something was queued, 0 when
 * nothing durable is left, -1 on failure. */
static int build(tt_shipper *sh, conn *c) {
    size_t raw_target = RAW_TARGET;
    if (c->max_frame / 2 < raw_target) {
        raw_target = c->max_frame / 2;
    }
    for (;;) {
        if (!c->held) {
            int rc = tt_spool_reader_next(&c->rd, &c->rec);
            if (rc == 0) {
                break;
            }
            if (rc < 0) {
                continue; /* damaged segment skipped: the jump in seqs becomes a GAP below */
            }
            c->held = 1;
        }
        tt_spool_rec *r = &c->rec;
        uint64_t end = r->seq + r->count;
        uint64_t next_seq = c->count ? c->first_seq + c->count : c->cursor;
        if (end <= next_seq) {
            c->held = 0; /* the appliance has it already */
            continue;
        }
        if (r->seq > next_seq || r->kind == TT_REC_GAP) {
            /* A GAP (recorded, or a hole in the spool) ends the batch being built. */
            if (c->count) {
                return finish_batch(sh, c) == 0 ? 1 : -1;
            }
            if (r->seq > c->cursor) {
                char detail[96];
                snprintf(detail, sizeof detail, "the spool no longer holds these events");
                return send_gap(sh, c, c->cursor, r->seq - c->cursor, missing_reason(sh), detail) == 0 ? 1 : -1;
            }
            c->held = 0;
            char detail[1025];
            snprintf(detail, sizeof detail, "%.*s", (int) (r->len < 1024 ? r->len : 1024), (const char *) r->data);
            return send_gap(sh, c, c->cursor, end - c->cursor, r->reason, detail) == 0 ? 1 : -1;
        }
        /* An event. */
        if (r->len + 32 > c->max_frame) {
            if (c->count) {
                return finish_batch(sh, c) == 0 ? 1 : -1;
            }
            c->held = 0;
            char detail[96];
            snprintf(detail, sizeof detail, "event of %zu bytes exceeds the appliance's frame limit", r->len);
            return send_gap(sh, c, r->seq, 1, "too_large", detail) == 0 ? 1 : -1;
        }
        if (c->count && (c->count >= c->max_events || c->raw.len + r->len + 16 > raw_target)) {
            return finish_batch(sh, c) == 0 ? 1 : -1;
        }
        if (add_event(c, r) != 0) {
            return -1;
        }
        c->held = 0;
    }
    if (c->count) {
        return finish_batch(sh, c) == 0 ? 1 : -1;
    }
    return 0;
}

/* Handles the frames received so far. Returns 0, or -1 to end the connection. */
static int handle_frames(tt_shipper *sh, conn *c) {
    uint32_t type;
    const uint8_t *p;
    size_t n;
    int fr;
    while ((fr = tt_session_frame(&c->s, &type, &p, &n)) == 1) {
        switch (type) {
            case TT_F_ACK: {
                uint64_t acked;
                if (tt_decode_ack(p, n, &acked) != 0) {
                    tt_warn("malformed ACK");
                    return -1;
                }
                if (acked > c->acked) {
                    c->acked = acked;
                    atomic_store(&sh->acked, acked);
                    tt_spool_acked(sh->sp, acked);
                }
                int k = 0;
                while (k < c->nwin && c->win[k].last_seq <= acked) {
                    k++;
                }
                if (k) {
                    memmove(c->win, c->win + k, (size_t) (c->nwin - k) * sizeof c->win[0]);
                    c->nwin -= k;
                }
                break;
            }
            case TT_F_ERROR: {
                tt_error_frame e;
                tt_decode_error(p, n, &e);
                if (e.code == TT_E_EVENT_REJECTED) {
                    atomic_fetch_add(&sh->rejected, 1);
                    if (c->rejected_logged++ < 20) {
                        tt_warn("appliance rejected event seq %" PRId64 " (index %" PRId64 "): %s", e.seq, e.index,
                                e.message);
                    }
                    break;
                }
                tt_err("appliance ERROR %s (%" PRIu64 ")%s: %s", tt_error_name(e.code), e.code,
                       tt_error_fatal(e.code) ? "" : " (non-fatal)", e.message);
                /* OUT_OF_ORDER: our idea of the appliance's position is wrong; a new session's
                 * WELCOME states it again, so reconnect rather than guess. */
                return -1;
            }
            case TT_F_PING: {
                uint64_t nonce, t;
                tt_decode_ping(p, n, &nonce, &t);
                tt_frame_ping(&c->s.out, TT_F_PONG, nonce, t);
                break;
            }
            case TT_F_PONG:
                break;
            case TT_F_BYE:
                tt_info("the appliance said BYE: %.*s", (int) (n > 2 ? n - 2 : 0), (const char *) p + (n > 2 ? 2 : 0));
                return -1;
            default:
                tt_warn("unexpected frame type %u from the appliance", type);
                return -1;
        }
    }
    return fr < 0 ? -1 : 0;
}

static uint64_t durable_end(tt_shipper *sh) {
    return tt_spool_durable_seq(sh->sp); /* every seq below it is durable */
}

/* The appliance's list of packages whose methods the Java agents of this run trace
 * (docs/java-agent.md): replaced whole, so an agent never reads half a list. */
static void write_trace(tt_shipper *sh, tt_welcome *w) {
    if (!sh->sp) {
        return;
    }
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/%s", sh->sp->dir, TT_JAVA_TRACE_FILE) < (int) sizeof path &&
        tt_write_file_atomic(path, w->trace ? w->trace : "", w->trace_len, 0600) != 0) {
        tt_warn("cannot write %s: %s", path, strerror(errno));
    }
    tt_welcome_free(w);
}

/* Runs one WELCOMEd connection until it fails or the shipper is done. Returns 1 when all
 * was sent and acknowledged in drain mode, 0 otherwise. */
static int run_connection(tt_shipper *sh, conn *c) {
    tt_welcome *w = &c->s.welcome;
    c->max_events = w->max_batch_events ? w->max_batch_events : 1000;
    if (c->max_events > 5000) {
        c->max_events = 5000;
    }
    c->max_frame = w->max_frame_bytes ? w->max_frame_bytes : (4u << 20);
    c->ping_ms = w->ping_interval_ms ? w->ping_interval_ms : 30000;
    c->nwin = 0;
    c->count = 0;
    c->held = 0;
    c->rejected_logged = 0;
    uint64_t next = w->next_seq;
    uint64_t have = durable_end(sh);
    if (next > have) {
        /* The appliance holds more than our spool ever had: our state was lost. */
        tt_warn("the appliance expects seq %" PRIu64 " but the spool ends at %" PRIu64 "; numbering continues there",
                next, have);
        tt_spool_raise_seq(sh->sp, next);
    }
    c->acked = next - 1;
    atomic_store(&sh->acked, c->acked);
    tt_spool_acked(sh->sp, c->acked);
    c->cursor = next;
    tt_spool_reader_close(&c->rd);
    tt_spool_reader_init(&c->rd, sh->sp);
    tt_spool_reader_seek(&c->rd, next);
    ZSTD_CCtx_reset(c->zc, ZSTD_reset_session_and_parameters);
    ZSTD_CCtx_setParameter(c->zc, ZSTD_c_compressionLevel, ZSTD_LEVEL);
    ZSTD_CCtx_setParameter(c->zc, ZSTD_c_windowLog, ZSTD_WINDOW_LOG);
    ZSTD_CCtx_setParameter(c->zc, ZSTD_c_checksumFlag, 0);
    uint64_t sent_before = atomic_load(&sh->events_sent);

    for (;;) {
        if (atomic_load(&sh->stop_now)) {
            return 0;
        }
        /* Fill the window. */
        while (c->nwin < WINDOW_FRAMES - 1 && tt_session_out_pending(&c->s) < OUT_HIGH_WATER) {
            int b = build(sh, c);
            if (b < 0) {
                return 0;
            }
            if (b == 0) {
                break;
            }
        }
        if (atomic_load(&sh->draining) && c->nwin == 0 && tt_session_out_pending(&c->s) == 0 &&
            c->acked + 1 >= durable_end(sh)) {
            tt_frame_bye(&c->s.out, "command exited");
            tt_session_pump(&c->s, 0, -1, -1);
            tt_info("all %" PRIu64 " events of this run are acknowledged (acked seq %" PRIu64 ")",
                    atomic_load(&sh->events_sent) - sent_before, c->acked);
            return 1;
        }
        uint64_t now = tt_mono_ms();
        if (now - c->s.last_tx_ms >= c->ping_ms) {
            tt_frame_ping(&c->s.out, TT_F_PING, ++c->ping_nonce, tt_now_us());
        }
        if (c->nwin > 0 && now - c->s.last_rx_ms > DEAD_AFTER_MS) {
            tt_warn("no answer from the appliance for %u s; reconnecting", DEAD_AFTER_MS / 1000);
            return 0;
        }
        uint64_t until_ping = c->s.last_tx_ms + c->ping_ms > now ? c->s.last_tx_ms + c->ping_ms - now : 0;
        int timeout = (int) (until_ping < 1000 ? until_ping : 1000);
        drain_eventfd(sh->wake_fd);
        if (tt_session_pump(&c->s, timeout, sh->wake_fd, sh->kill_fd) != 0) {
            char err[sizeof c->s.err];
            memcpy(err, c->s.err, sizeof err);
            handle_frames(sh, c); /* ACKs and the ERROR that explains the close, if any */
            tt_warn("connection to the appliance lost: %s", err);
            return 0;
        }
        if (handle_frames(sh, c) != 0) {
            return 0;
        }
    }
}

static void *shipper_main(void *arg) {
    tt_shipper *sh = arg;
    conn c;
    memset(&c, 0, sizeof c);
    tt_spool_reader_init(&c.rd, sh->sp);
    c.zc = ZSTD_createCCtx();
    int have_ctx = tt_session_init(&c.s, sh->cfg->ca_pem) == 0;
    if (!have_ctx) {
        tt_err("cannot ship: %s", c.s.err);
    } else if (!sh->cfg->host || !sh->cfg->token) {
        tt_err("cannot ship: no %s configured; events stay in the spool", !sh->cfg->host ? "portal" : "run token");
        have_ctx = 0;
    }
    if (!have_ctx) {
        atomic_store(&sh->offline, 1);
    }
    unsigned backoff = 0;
    int ever_connected = 0;
    char last_err[512] = "";
    while (have_ctx && !atomic_load(&sh->stop_now)) {
        if (atomic_load(&sh->draining) && atomic_load(&sh->acked) + 1 >= durable_end(sh)) {
            break;
        }
        if (backoff) {
            /* Jittered: many agents restarting with one appliance must not reconnect in step. */
            unsigned wait = backoff / 2 + (unsigned) (tt_random_u64() % (backoff / 2 + 1));
            /* The drain request cuts a wait short once (to try at once); afterwards it stays
             * readable, so only a stop request may end the wait. */
            struct pollfd p[2] = {{.fd = sh->kill_fd, .events = POLLIN}, {.fd = sh->drain_fd, .events = POLLIN}};
            poll(p, atomic_load(&sh->draining) ? 1 : 2, (int) wait);
            if (atomic_load(&sh->stop_now)) {
                break;
            }
        }
        atomic_fetch_add(&sh->connects, 1);
        int rc = tt_session_open(&c.s, sh->cfg->host, sh->cfg->port, &sh->hello, HELLO_TIMEOUT_MS, sh->kill_fd);
        if (rc != 0) {
            if (strcmp(last_err, c.s.err) != 0) {
                tt_warn("cannot reach the appliance %s:%d: %s", sh->cfg->host, sh->cfg->port, c.s.err);
                snprintf(last_err, sizeof last_err, "%s", c.s.err);
            } else {
                tt_debug("still cannot reach the appliance: %s", c.s.err);
            }
            unsigned floor = BACKOFF_MIN_MS;
            if (rc == -2 && (c.s.error.code == TT_E_AUTH_FAILED || c.s.error.code == TT_E_TOKEN_REVOKED ||
                             c.s.error.code == TT_E_BAD_HELLO || c.s.error.code == TT_E_UNSUPPORTED_VERSION)) {
                floor = BACKOFF_MAX_MS; /* will not fix itself quickly */
            }
            backoff = backoff ? backoff * 2 : floor;
            if (backoff < floor) {
                backoff = floor;
            }
            if (backoff > BACKOFF_MAX_MS) {
                backoff = BACKOFF_MAX_MS;
            }
            if (atomic_load(&sh->draining) && backoff > 1000) {
                backoff = 1000; /* the flush window is short: try often within it */
            }
            tt_session_close(&c.s, 0);
            if (!ever_connected) {
                atomic_store(&sh->offline, 1);
            }
            if (atomic_load(&sh->draining) && !ever_connected) {
                /* The command has exited and the appliance was never reachable during this run
                 * (offline laptop): do not hold up the exit; the spool keeps it for the next run.
                 * After a transient outage, keep trying until tt_shipper_finish's deadline. */
                break;
            }
            continue;
        }
        char desc[128];
        tt_tls_describe(&c.s.tls, desc, sizeof desc);
        tt_info("connected to %s (%s), appliance %s: agent id %" PRIu64 ", next seq %" PRIu64, c.s.tls.peer, desc,
                c.s.welcome.server_version, c.s.welcome.agent_id, c.s.welcome.next_seq);
        if (c.s.welcome.has_trace) {
            write_trace(sh, &c.s.welcome);
        }
        last_err[0] = 0;
        backoff = 0;
        ever_connected = 1;
        atomic_store(&sh->offline, 0);
        atomic_store(&sh->connected, 1);
        int done = run_connection(sh, &c);
        atomic_store(&sh->connected, 0);
        tt_session_close(&c.s, done);
        if (done) {
            break;
        }
        backoff = BACKOFF_MIN_MS;
    }
    tt_spool_reader_close(&c.rd);
    tt_bb_free(&c.raw);
    tt_bb_free(&c.zbuf);
    ZSTD_freeCCtx(c.zc);
    tt_session_free(&c.s);
    atomic_store(&sh->finished, 1);
    uint64_t one = 1;
    ssize_t w = write(sh->wake_fd, &one, sizeof one); /* tt_shipper_finish may be waiting */
    (void) w;
    return NULL;
}

int tt_shipper_init(tt_shipper *sh, tt_spool *sp, const tt_config *cfg) {
    memset(sh, 0, sizeof *sh);
    sh->sp = sp;
    sh->cfg = cfg;
    sh->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    sh->drain_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    sh->kill_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (sh->wake_fd < 0 || sh->drain_fd < 0 || sh->kill_fd < 0) {
        return -1;
    }
    tt_hostname(sh->hostname, sizeof sh->hostname);
    tt_container_id(sh->container_id, sizeof sh->container_id);
    sh->hello = (tt_hello){
        .run_token = cfg->token ? cfg->token : "",
        .agent_instance = sp ? sp->instance : "doctor",
        .agent_kind = "native",
        .agent_version = TT_VERSION,
        .hostname = sh->hostname,
        .application = cfg->app,
        .component = cfg->component,
        .version = cfg->version,
        .policy = cfg->policy,
        .compression = "zstd",
        .container_id = sh->container_id[0] ? sh->container_id : NULL,
        .trace_request = sp != NULL && tt_java_methods_vulnerable(getenv("TELLTALE_JAVA_METHODS")),
    };
    return 0;
}

int tt_shipper_start(tt_shipper *sh) {
    if (pthread_create(&sh->thread, NULL, shipper_main, sh) != 0) {
        return -1;
    }
    sh->started = 1;
    return 0;
}

int tt_shipper_offline(tt_shipper *sh) {
    return !sh->started || atomic_load(&sh->offline);
}

int tt_shipper_finish(tt_shipper *sh, unsigned ms) {
    if (!sh->started) {
        return 0;
    }
    atomic_store(&sh->draining, 1);
    uint64_t one = 1;
    ssize_t w = write(sh->drain_fd, &one, sizeof one);
    tt_shipper_notify(sh);
    uint64_t deadline = tt_mono_ms() + ms;
    while (!atomic_load(&sh->finished)) {
        uint64_t now = tt_mono_ms();
        if (now >= deadline) {
            break;
        }
        poll(NULL, 0, (int) (deadline - now < 20 ? deadline - now : 20));
    }
    atomic_store(&sh->stop_now, 1);
    w = write(sh->kill_fd, &one, sizeof one);
    (void) w;
    pthread_join(sh->thread, NULL);
    sh->started = 0;
    return atomic_load(&sh->acked) + 1 >= tt_spool_durable_seq(sh->sp);
}

void tt_shipper_free(tt_shipper *sh) {
    if (sh->wake_fd >= 0) {
        close(sh->wake_fd);
    }
    if (sh->drain_fd >= 0) {
        close(sh->drain_fd);
    }
    if (sh->kill_fd >= 0) {
        close(sh->kill_fd);
    }
    sh->wake_fd = sh->drain_fd = sh->kill_fd = -1;
}
