/* Programs the interceptor cannot see into, reported as "telltale.coverage" api events. */
#ifndef TT_COVERAGE_H
#define TT_COVERAGE_H

#include <stddef.h>
#include <stdint.h>

/* Why LD_PRELOAD will not work for the executable at path, or NULL when it should. */
const char *tt_coverage_reason(const char *path);

/* "glibc" or "musl": the C library the program at path runs on (a script: its interpreter's);
 * NULL when it cannot be told. */
const char *tt_target_libc(const char *path);

/* Encodes the api event (envelope without dt_us): api = "telltale.coverage",
 * args = [path, reason]. Returns its length, 0 when it does not fit. */
size_t tt_coverage_event(const char *path, const char *reason, uint8_t *out, size_t cap);

#endif
