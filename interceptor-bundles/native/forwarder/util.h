/*
 * Small helpers shared by the launcher and the forwarder: clocks, random bytes, files,
 * growable byte buffers. Nothing here knows about the protocol.
 */
#ifndef TT_UTIL_H
#define TT_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define TT_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

uint64_t tt_now_us(void);   /* CLOCK_REALTIME, microseconds since the epoch */
uint64_t tt_mono_ms(void);  /* CLOCK_MONOTONIC, milliseconds */

/* Fills buf from getrandom(2); falls back to /dev/urandom. Returns 0 on success. */
int tt_random(void *buf, size_t n);
uint64_t tt_random_u64(void);
void tt_hex(const uint8_t *in, size_t n, char *out /* 2n+1 */);

/* mkdir -p with the given mode for created directories. Returns 0 or -1 (errno set). */
int tt_mkdirs(const char *path, mode_t mode);

/* Reads a whole (small) file into a malloc'd NUL-terminated buffer; NULL on error. */
char *tt_read_file(const char *path, size_t max, size_t *len_out);

/* Writes a file atomically (temp file, fsync, rename, fsync dir). Returns 0 or -1. */
int tt_write_file_atomic(const char *path, const void *data, size_t len, mode_t mode);

/* fsync the directory holding path (so a create/rename/unlink is durable). */
void tt_fsync_dir(const char *dir);

/* Directory of the running executable (from /proc/self/exe), without trailing slash. */
int tt_exe_dir(char *out, size_t cap);

/* Strips leading and trailing ASCII whitespace in place; returns s. */
char *tt_trim(char *s);

/* A growable byte buffer for building frames and batches outside the interposed path. */
typedef struct tt_bytes_buf {
    uint8_t *data;
    size_t len;
    size_t cap;
} tt_bytes_buf;

int tt_bb_reserve(tt_bytes_buf *b, size_t extra);
int tt_bb_put(tt_bytes_buf *b, const void *p, size_t n);
int tt_bb_varint(tt_bytes_buf *b, uint64_t v);
void tt_bb_free(tt_bytes_buf *b);

/* Length of a protobuf varint encoding of v. */
size_t tt_varint_len(uint64_t v);

#endif
