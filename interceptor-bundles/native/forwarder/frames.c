#define _GNU_SOURCE
#include "frames.h"

#include "../common/tt_wire.h"
#include "pbread.h"

#include <stdlib.h>
#include <string.h>

void tt_frame_header(uint8_t *out, uint32_t type, uint32_t len) {
    out[0] = (uint8_t) type;
    out[1] = (uint8_t) (len >> 24);
    out[2] = (uint8_t) (len >> 16);
    out[3] = (uint8_t) (len >> 8);
    out[4] = (uint8_t) len;
}

/* Small frames are encoded with the shared wire encoder into a stack buffer. */
static int append_frame(tt_bytes_buf *b, uint32_t type, const tt_buf *payload) {
    if (!tt_buf_ok(payload)) {
        return -1;
    }
    uint8_t hdr[TT_FRAME_HEADER];
    tt_frame_header(hdr, type, (uint32_t) payload->len);
    if (tt_bb_put(b, hdr, sizeof hdr) != 0 || tt_bb_put(b, payload->data, payload->len) != 0) {
        return -1;
    }
    return 0;
}

int tt_frame_hello(tt_bytes_buf *b, const tt_hello *h) {
    uint8_t storage[4096];
    tt_buf w;
    tt_buf_init(&w, storage, sizeof storage);
    tt_uint(&w, 1, TT_PROTOCOL_VERSION);
    tt_str(&w, 2, h->run_token);
    tt_str(&w, 3, h->agent_instance);
    tt_str(&w, 4, h->agent_kind);
    tt_str(&w, 5, h->agent_version);
    tt_str(&w, 6, h->hostname);
    tt_str(&w, 7, h->application);
    tt_str(&w, 8, h->component);
    tt_str(&w, 9, h->version);
    if (h->policy && *h->policy) {
        tt_str(&w, 10, h->policy);
    }
    tt_str(&w, 11, h->compression);
    if (h->container_id && *h->container_id) {
        tt_str(&w, 13, h->container_id);
    }
    if (h->trace_request) {
        tt_uint(&w, 14, 1);
    }
    return append_frame(b, TT_F_HELLO, &w);
}

int tt_frame_gap(tt_bytes_buf *b, uint64_t first, uint64_t count, const char *reason, const char *detail) {
    uint8_t storage[2048];
    tt_buf w;
    tt_buf_init(&w, storage, sizeof storage);
    tt_uint(&w, 1, first);
    tt_uint(&w, 2, count);
    tt_str(&w, 3, reason);
    if (detail && *detail) {
        tt_strn(&w, 4, detail, strnlen(detail, 1000));
    }
    return append_frame(b, TT_F_GAP, &w);
}

int tt_frame_ping(tt_bytes_buf *b, uint32_t type, uint64_t nonce, uint64_t time_us) {
    uint8_t storage[32];
    tt_buf w;
    tt_buf_init(&w, storage, sizeof storage);
    tt_uint(&w, 1, nonce);
    tt_uint(&w, 2, time_us);
    return append_frame(b, type, &w);
}

int tt_frame_bye(tt_bytes_buf *b, const char *reason) {
    uint8_t storage[256];
    tt_buf w;
    tt_buf_init(&w, storage, sizeof storage);
    if (reason) {
        tt_str(&w, 1, reason);
    }
    return append_frame(b, TT_F_BYE, &w);
}

/* A package URL as the agent may write it to its trace file: printable, no spaces, bounded. */
static int trace_entry_ok(const uint8_t *d, size_t len) {
    if (len == 0 || len > 2048) {
        return 0;
    }
    for (size_t i = 0; i < len; i++) {
        if (d[i] <= 0x20 || d[i] >= 0x7f) {
            return 0;
        }
    }
    return 1;
}

static int trace_append(tt_welcome *w, const uint8_t *d, size_t len) {
    char *t = realloc(w->trace, w->trace_len + len + 2);
    if (!t) {
        return -1;
    }
    memcpy(t + w->trace_len, d, len);
    w->trace_len += len;
    t[w->trace_len++] = '\n';
    t[w->trace_len] = 0;
    w->trace = t;
    return 0;
}

void tt_welcome_free(tt_welcome *w) {
    free(w->trace);
    w->trace = NULL;
    w->trace_len = 0;
    w->has_trace = 0;
}

int tt_java_methods_vulnerable(const char *v) {
    while (v && *v) {
        const char *end = strchr(v, ',');
        size_t len = end ? (size_t) (end - v) : strlen(v);
        while (len && (*v == ' ' || *v == '\t')) {
            v++, len--;
        }
        while (len && (v[len - 1] == ' ' || v[len - 1] == '\t')) {
            len--;
        }
        if (len == 10 && !strncmp(v, "vulnerable", 10)) {
            return 1;
        }
        v = end ? end + 1 : NULL;
    }
    return 0;
}

int tt_decode_welcome(const uint8_t *p, size_t n, tt_welcome *w) {
    tt_welcome_free(w);
    memset(w, 0, sizeof *w);
    tt_pb r;
    tt_pb_field f;
    tt_pb_init(&r, p, n);
    int rc;
    while ((rc = tt_pb_next(&r, &f)) == 1) {
        if (f.num >= 1 && f.num <= 6 && f.wire == 0) {
            uint64_t *slots[] = {NULL, &w->protocol_version, &w->agent_id, &w->next_seq, &w->max_frame_bytes,
                                 &w->max_batch_events, &w->ping_interval_ms};
            *slots[f.num] = f.v;
        } else if (f.num == 7 && f.wire == 2) {
            size_t k = f.len < sizeof w->server_version - 1 ? f.len : sizeof w->server_version - 1;
            memcpy(w->server_version, f.data, k);
            w->server_version[k] = 0;
        } else if (f.num == 8 && f.wire == 2) {
            /* Entries the agent could not take (spaces, control bytes) are left out, not trusted. */
            if (trace_entry_ok(f.data, f.len) && w->trace_len < (1u << 20) && trace_append(w, f.data, f.len) != 0) {
                rc = -1;
                break;
            }
        } else if (f.num == 9 && f.wire == 0) {
            w->has_trace = 1;
        }
    }
    if (rc < 0 || w->next_seq == 0) {
        tt_welcome_free(w);
        return -1;
    }
    if (!w->has_trace) {
        tt_welcome_free(w); /* entries without field 9 may be the start of a list cut short */
    }
    return 0;
}

int tt_decode_ack(const uint8_t *p, size_t n, uint64_t *acked) {
    tt_pb r;
    tt_pb_field f;
    tt_pb_init(&r, p, n);
    int rc, found = 0;
    while ((rc = tt_pb_next(&r, &f)) == 1) {
        if (f.num == 1 && f.wire == 0) {
            *acked = f.v;
            found = 1;
        }
    }
    return rc < 0 || !found ? -1 : 0;
}

int tt_decode_error(const uint8_t *p, size_t n, tt_error_frame *e) {
    memset(e, 0, sizeof *e);
    e->seq = e->index = -1;
    tt_pb r;
    tt_pb_field f;
    tt_pb_init(&r, p, n);
    int rc;
    while ((rc = tt_pb_next(&r, &f)) == 1) {
        if (f.num == 1 && f.wire == 0) {
            e->code = f.v;
        } else if (f.num == 2 && f.wire == 2) {
            size_t k = f.len < sizeof e->message - 1 ? f.len : sizeof e->message - 1;
            memcpy(e->message, f.data, k);
            e->message[k] = 0;
        } else if (f.num == 3 && f.wire == 0) {
            e->seq = (int64_t) f.v;
        } else if (f.num == 4 && f.wire == 0) {
            e->index = (int64_t) f.v;
        }
    }
    return rc < 0 ? -1 : 0;
}

int tt_decode_ping(const uint8_t *p, size_t n, uint64_t *nonce, uint64_t *time_us) {
    tt_pb r;
    tt_pb_field f;
    tt_pb_init(&r, p, n);
    *nonce = *time_us = 0;
    int rc;
    while ((rc = tt_pb_next(&r, &f)) == 1) {
        if (f.num == 1 && f.wire == 0) {
            *nonce = f.v;
        } else if (f.num == 2 && f.wire == 0) {
            *time_us = f.v;
        }
    }
    return rc < 0 ? -1 : 0;
}

const char *tt_error_name(uint64_t code) {
    static const char *const names[] = {
        [1] = "UNSUPPORTED_VERSION", [2] = "HELLO_REQUIRED", [3] = "AUTH_FAILED", [4] = "FRAME_TOO_LARGE",
        [5] = "MALFORMED_FRAME", [6] = "UNKNOWN_FRAME_TYPE", [7] = "DECOMPRESSION_FAILED",
        [8] = "PAYLOAD_TOO_LARGE", [9] = "OUT_OF_ORDER", [10] = "EVENT_REJECTED", [11] = "TOKEN_REVOKED",
        [13] = "INTERNAL", [14] = "SUPERSEDED", [15] = "IDLE_TIMEOUT", [16] = "BAD_HELLO", [17] = "SHUTTING_DOWN",
    };
    if (code < sizeof names / sizeof names[0] && names[code]) {
        return names[code];
    }
    return "UNKNOWN_ERROR";
}

int tt_error_fatal(uint64_t code) {
    return code != TT_E_OUT_OF_ORDER && code != TT_E_EVENT_REJECTED;
}
