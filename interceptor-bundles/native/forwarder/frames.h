/*
 * Frames of the agent protocol (docs/protocol.md §2–§8): `type u8 | length u32 BE | payload`,
 * payloads in the protobuf wire format. Field numbers follow server/protocol's Hello,
 * Welcome, Ack, GapFrame, ErrorFrame and Ping.
 */
#ifndef TT_FRAMES_H
#define TT_FRAMES_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

enum {
    TT_F_HELLO = 1, TT_F_WELCOME = 2, TT_F_BATCH = 3, TT_F_ACK = 4, TT_F_GAP = 5,
    TT_F_ERROR = 6, TT_F_PING = 7, TT_F_PONG = 8, TT_F_BYE = 9,
};

enum {
    TT_E_UNSUPPORTED_VERSION = 1, TT_E_HELLO_REQUIRED = 2, TT_E_AUTH_FAILED = 3, TT_E_FRAME_TOO_LARGE = 4,
    TT_E_MALFORMED_FRAME = 5, TT_E_UNKNOWN_FRAME_TYPE = 6, TT_E_DECOMPRESSION_FAILED = 7,
    TT_E_PAYLOAD_TOO_LARGE = 8, TT_E_OUT_OF_ORDER = 9, TT_E_EVENT_REJECTED = 10, TT_E_TOKEN_REVOKED = 11,
    TT_E_INTERNAL = 13, TT_E_SUPERSEDED = 14, TT_E_IDLE_TIMEOUT = 15, TT_E_BAD_HELLO = 16,
    TT_E_SHUTTING_DOWN = 17,
};

#define TT_FRAME_HEADER 5
/* In the spool directory: the packages the Java agents trace, one per line. */
#define TT_JAVA_TRACE_FILE "java-trace"
#define TT_PROTOCOL_VERSION 1

typedef struct tt_hello {
    const char *run_token, *agent_instance, *agent_kind, *agent_version, *hostname;
    const char *application, *component, *version, *policy /* may be NULL */;
    const char *compression; /* "zstd" or "none" */
    const char *container_id; /* may be NULL */
    int trace_request;        /* ask for the packages Java agents trace (WELCOME fields 8-9) */
} tt_hello;

typedef struct tt_welcome {
    uint64_t protocol_version, agent_id, next_seq, max_frame_bytes, max_batch_events, ping_interval_ms;
    char server_version[128];
    /* The packages to trace, one per line, when the appliance sent the list (has_trace); malloc'd,
     * freed by tt_welcome_free, and by the next tt_decode_welcome into the same struct (which
     * must therefore start zeroed). */
    int has_trace;
    char *trace;
    size_t trace_len;
} tt_welcome;

typedef struct tt_error_frame {
    uint64_t code;
    char message[1024];
    int64_t seq, index; /* -1 when absent */
} tt_error_frame;

/* Appends whole frames to b. */
int tt_frame_hello(tt_bytes_buf *b, const tt_hello *h);
int tt_frame_gap(tt_bytes_buf *b, uint64_t first, uint64_t count, const char *reason, const char *detail);
int tt_frame_ping(tt_bytes_buf *b, uint32_t type /* PING or PONG */, uint64_t nonce, uint64_t time_us);
int tt_frame_bye(tt_bytes_buf *b, const char *reason);
/* Writes the 5-byte header for a payload of len bytes. */
void tt_frame_header(uint8_t *out, uint32_t type, uint32_t len);

int tt_decode_welcome(const uint8_t *p, size_t n, tt_welcome *w);
void tt_welcome_free(tt_welcome *w);
/* 1 when TELLTALE_JAVA_METHODS (a comma-separated list) names `vulnerable`. */
int tt_java_methods_vulnerable(const char *value);
int tt_decode_ack(const uint8_t *p, size_t n, uint64_t *acked);
int tt_decode_error(const uint8_t *p, size_t n, tt_error_frame *e);
int tt_decode_ping(const uint8_t *p, size_t n, uint64_t *nonce, uint64_t *time_us);

const char *tt_error_name(uint64_t code);
int tt_error_fatal(uint64_t code);

#endif
