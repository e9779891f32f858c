/*
 * Protobuf-compatible wire encoding (docs/protocol.md, "Payload encoding") into a caller-owned
 * fixed buffer. No allocation, no libc beyond memcpy/strlen: safe inside interposed calls.
 * Writes past the end set an overflow flag instead of writing; check tt_buf_ok() at the end.
 */
#ifndef TT_WIRE_H
#define TT_WIRE_H

#include <stddef.h>
#include <stdint.h>

typedef struct tt_buf {
    uint8_t *data;
    size_t cap;
    size_t len;
    int overflow;
} tt_buf;

/* A nested message being written: remember where its length goes. */
typedef struct tt_mark {
    size_t start;   /* offset of the reserved length bytes */
} tt_mark;

void tt_buf_init(tt_buf *b, void *storage, size_t cap);
static inline int tt_buf_ok(const tt_buf *b) { return !b->overflow; }

/* Values of 128 or more, and writes that do not fit (sets the overflow flag). */
void tt_varint_slow(tt_buf *b, uint64_t v);

/* Inline: an event is a few dozen tags and small numbers, and a call per byte showed as the
 * interceptor's hottest function in perf. */
static inline void tt_varint(tt_buf *b, uint64_t v) {
    if (v < 0x80 && !b->overflow && b->len < b->cap) {
        b->data[b->len++] = (uint8_t) v;
        return;
    }
    tt_varint_slow(b, v);
}

static inline void tt_tag(tt_buf *b, uint32_t field, uint32_t wire_type) {
    tt_varint(b, ((uint64_t) field << 3) | wire_type);
}

static inline void tt_uint(tt_buf *b, uint32_t field, uint64_t v) {
    tt_tag(b, field, 0);
    tt_varint(b, v);
}

static inline void tt_sint(tt_buf *b, uint32_t field, int64_t v) {
    tt_tag(b, field, 0);
    tt_varint(b, ((uint64_t) v << 1) ^ (uint64_t) (v >> 63));
}

static inline void tt_bool(tt_buf *b, uint32_t field, int v) {
    tt_uint(b, field, v ? 1 : 0);
}
/* Length-delimited bytes; strings must be valid UTF-8 (see tt_str). */
void tt_bytes(tt_buf *b, uint32_t field, const void *p, size_t n);
/* A NUL-terminated string, with bytes that are not valid UTF-8 escaped as \xNN. */
void tt_str(tt_buf *b, uint32_t field, const char *s);
void tt_strn(tt_buf *b, uint32_t field, const char *s, size_t n);

/* Bytes the valid UTF-8 sequence at s takes (1-4), or 0 when the byte is not valid UTF-8. */
size_t tt_utf8_seq(const unsigned char *s, size_t left);

/*
 * Nested messages: tt_begin reserves room for the length (up to 4 bytes: messages < 256 MiB),
 * tt_end writes it and moves the content down when fewer bytes were needed.
 */
tt_mark tt_begin(tt_buf *b, uint32_t field);
void tt_end(tt_buf *b, tt_mark m);

#endif
