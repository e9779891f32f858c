/*
 * Secrets never reach the spool (docs/interceptor.md, "Who records what"): before an event is
 * spooled, a bearer_token's clear `value` becomes `token_hash` + `token_masked`, and
 * process_start environment values that look like secrets become a masked form + hash.
 *
 * The hash is the first 16 bytes, in hex, of HMAC-SHA256 keyed with
 * SHA-256("telltale bearer v1" || run token): agents of one team hash a token alike.
 */
#ifndef TT_REDACT_H
#define TT_REDACT_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* Derives the key from the run token (may be NULL or empty: a fixed key is better than none). */
void tt_redact_init(const char *run_token);

enum {
    TT_REDACT_KEEP = 0,     /* nothing secret: spool the input unchanged */
    TT_REDACT_CHANGED = 1,  /* spool `out` instead */
};

/* Looks at one event (envelope without dt_us). Returns TT_REDACT_KEEP or TT_REDACT_CHANGED
 * (then `out` holds the replacement). A bearer_token event that cannot be parsed loses its
 * body rather than risk spooling its value (the appliance then records it as rejected). */
int tt_redact_event(const uint8_t *ev, size_t len, tt_bytes_buf *out);

/* The two forms, exposed for tests. hash_hex needs 33 bytes, masked 64. */
void tt_redact_hash(const char *secret, size_t n, char *hash_hex);
void tt_redact_mask(const char *secret, size_t n, char *masked, size_t cap);
/* Whether an environment variable is a secret by its name or its value's shape. */
int tt_redact_secret_env(const char *name, size_t name_len, const char *value, size_t value_len);

#endif
