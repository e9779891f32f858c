/*
 * A minimal protobuf wire-format reader (docs/protocol.md, "Payload encoding"): enough to
 * walk frames from the appliance and the few event bodies the forwarder must rewrite.
 */
#ifndef TT_PBREAD_H
#define TT_PBREAD_H

#include <stddef.h>
#include <stdint.h>

typedef struct tt_pb {
    const uint8_t *p;
    const uint8_t *end;
} tt_pb;

typedef struct tt_pb_field {
    uint32_t num;
    uint32_t wire;          /* 0 varint, 2 length-delimited */
    uint64_t v;             /* varint value */
    const uint8_t *data;    /* length-delimited contents */
    size_t len;
    const uint8_t *start;   /* first byte of the tag: the whole field is [start, r->p) */
} tt_pb_field;

static inline void tt_pb_init(tt_pb *r, const void *p, size_t n) {
    r->p = p;
    r->end = r->p + n;
}

/* Reads a varint; returns 0 or -1 when truncated/overlong. */
int tt_pb_varint(tt_pb *r, uint64_t *out);

/* Reads the next field: 1 = a field, 0 = end of input, -1 = malformed (or a wire type other
 * than 0, 1, 2, 5: groups are not part of this protocol). */
int tt_pb_next(tt_pb *r, tt_pb_field *f);

#endif
