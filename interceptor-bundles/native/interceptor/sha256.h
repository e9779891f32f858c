/* SHA-256 (FIPS 180-4), no allocation: for dependency hashes. */
#ifndef TT_SHA256_H
#define TT_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct tt_sha256 {
    uint32_t h[8];
    uint64_t len;
    uint8_t buf[64];
    size_t fill;
} tt_sha256;

void tt_sha256_init(tt_sha256 *s);
void tt_sha256_update(tt_sha256 *s, const void *p, size_t n);
void tt_sha256_final(tt_sha256 *s, uint8_t out[32]);

#endif
