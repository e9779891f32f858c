#include "pbread.h"

int tt_pb_varint(tt_pb *r, uint64_t *out) {
    uint64_t v = 0;
    for (int shift = 0; shift < 70; shift += 7) {
        if (r->p >= r->end) {
            return -1;
        }
        uint8_t b = *r->p++;
        v |= (uint64_t) (b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *out = v;
            return 0;
        }
    }
    return -1;
}

int tt_pb_next(tt_pb *r, tt_pb_field *f) {
    if (r->p >= r->end) {
        return 0;
    }
    f->start = r->p;
    uint64_t tag;
    if (tt_pb_varint(r, &tag) != 0 || (tag >> 3) == 0 || (tag >> 3) > 0x1fffffff) {
        return -1;
    }
    f->num = (uint32_t) (tag >> 3);
    f->wire = (uint32_t) (tag & 7);
    f->v = 0;
    f->data = NULL;
    f->len = 0;
    switch (f->wire) {
        case 0:
            return tt_pb_varint(r, &f->v) == 0 ? 1 : -1;
        case 1:
            if (r->end - r->p < 8) {
                return -1;
            }
            f->data = r->p;
            f->len = 8;
            r->p += 8;
            return 1;
        case 5:
            if (r->end - r->p < 4) {
                return -1;
            }
            f->data = r->p;
            f->len = 4;
            r->p += 4;
            return 1;
        case 2: {
            uint64_t n;
            if (tt_pb_varint(r, &n) != 0 || n > (uint64_t) (r->end - r->p)) {
                return -1;
            }
            f->data = r->p;
            f->len = (size_t) n;
            r->p += n;
            return 1;
        }
        default:
            return -1;
    }
}
