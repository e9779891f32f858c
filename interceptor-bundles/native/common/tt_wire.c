#include "tt_wire.h"

#include <string.h>

void tt_buf_init(tt_buf *b, void *storage, size_t cap) {
    b->data = storage;
    b->cap = cap;
    b->len = 0;
    b->overflow = 0;
}

static void put(tt_buf *b, const void *p, size_t n) {
    if (b->overflow || n > b->cap - b->len) {
        b->overflow = 1;
        return;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

void tt_varint_slow(tt_buf *b, uint64_t v) {
    uint8_t tmp[10];
    size_t n = 0;
    while (v >= 0x80) {
        tmp[n++] = (uint8_t) (v | 0x80);
        v >>= 7;
    }
    tmp[n++] = (uint8_t) v;
    put(b, tmp, n);
}

void tt_bytes(tt_buf *b, uint32_t field, const void *p, size_t n) {
    tt_tag(b, field, 2);
    tt_varint(b, n);
    put(b, p, n);
}

size_t tt_utf8_seq(const unsigned char *s, size_t left) {
    unsigned char c = s[0];
    size_t n;
    if (c < 0x80) {
        return 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
    } else {
        return 0;
    }
    if (n > left) {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            return 0;
        }
    }
    if (n == 3 && ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] >= 0xA0))) {
        return 0; /* overlong or surrogate */
    }
    if (n == 4 && ((c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] >= 0x90))) {
        return 0;
    }
    return n;
}

void tt_strn(tt_buf *b, uint32_t field, const char *s, size_t n) {
    const unsigned char *u = (const unsigned char *) s;
    size_t escaped = 0;
    for (size_t i = 0; i < n;) {
        uint64_t w;
        if (n - i >= 8 && (memcpy(&w, u + i, 8), (w & 0x8080808080808080ull) == 0)) {
            i += 8; /* eight ASCII bytes at once: paths and names are nearly always ASCII */
            continue;
        }
        if (u[i] < 0x80) {
            i++;
            continue;
        }
        size_t k = tt_utf8_seq(u + i, n - i);
        if (k == 0) {
            escaped += 3; /* one byte becomes \xNN */
            i++;
        } else {
            i += k;
        }
    }
    tt_tag(b, field, 2);
    tt_varint(b, n + escaped);
    if (escaped == 0) {
        put(b, s, n);
        return;
    }
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n;) {
        size_t k = tt_utf8_seq(u + i, n - i);
        if (k == 0) {
            char e[4] = {'\\', 'x', hex[u[i] >> 4], hex[u[i] & 15]};
            put(b, e, 4);
            i++;
        } else {
            put(b, u + i, k);
            i += k;
        }
    }
}

void tt_str(tt_buf *b, uint32_t field, const char *s) {
    tt_strn(b, field, s, strlen(s));
}

tt_mark tt_begin(tt_buf *b, uint32_t field) {
    tt_tag(b, field, 2);
    tt_mark m = {b->len};
    uint8_t reserve[4] = {0, 0, 0, 0};
    put(b, reserve, 4);
    return m;
}

void tt_end(tt_buf *b, tt_mark m) {
    if (b->overflow) {
        return;
    }
    size_t content = b->len - m.start - 4;
    uint8_t tmp[5];
    size_t n = 0;
    uint64_t v = content;
    while (v >= 0x80) {
        tmp[n++] = (uint8_t) (v | 0x80);
        v >>= 7;
    }
    tmp[n++] = (uint8_t) v;
    if (n > 4) {
        b->overflow = 1;
        return;
    }
    memmove(b->data + m.start + n, b->data + m.start + 4, content);
    memcpy(b->data + m.start, tmp, n);
    b->len = m.start + n + content;
}
