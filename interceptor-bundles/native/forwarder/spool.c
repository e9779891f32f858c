#define _GNU_SOURCE
#include "spool.h"

#include "log.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define HDR 8u
#define EVENT_FIXED 17u          /* kind, seq, time_us */
#define GAP_FIXED 18u            /* kind, seq, count, reason_len */
#define MAX_BODY (64u << 20)     /* larger than any record we write: a bigger length is damage */
#define WBUF_FLUSH (1u << 20)    /* write(2) the buffer once it holds this much */
#define FULL_GAP_EVERY_MS 1000u  /* while full, record the spool_full gap at least this often */

/* ---- CRC-32C (Castagnoli): the spool's torn-write and damage detector ---- */

static uint32_t crc_table[256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;
static uint32_t (*crc_update)(uint32_t crc, const uint8_t *b, size_t n);

/* Byte at a time: any CPU. */
static uint32_t crc32c_table(uint32_t crc, const uint8_t *b, size_t n) {
    while (n--) {
        crc = crc_table[(crc ^ *b++) & 0xff] ^ (crc >> 8);
    }
    return crc;
}

#if defined(__x86_64__)
/* SSE 4.2's crc32 instruction is CRC-32C: eight bytes per instruction. Every record is
   checksummed when spooled and again when read to be shipped; byte at a time, that was a
   third of the forwarder's CPU while a tar job opened 9,000 files. */
__attribute__((target("sse4.2"))) static uint32_t crc32c_sse42(uint32_t crc, const uint8_t *b, size_t n) {
    uint64_t c = crc;
    for (; n >= 8; n -= 8, b += 8) {
        uint64_t v;
        memcpy(&v, b, sizeof v);
        c = __builtin_ia32_crc32di(c, v);
    }
    uint32_t c32 = (uint32_t) c;
    while (n--) {
        c32 = __builtin_ia32_crc32qi(c32, *b++);
    }
    return c32;
}
#endif

static void crc_init(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) {
            c = c & 1 ? (c >> 1) ^ 0x82F63B78u : c >> 1;
        }
        crc_table[i] = c;
    }
    crc_update = crc32c_table;
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("sse4.2")) {
        crc_update = crc32c_sse42;
    }
#endif
}

uint32_t tt_crc32c(uint32_t crc, const void *p, size_t n) {
    pthread_once(&crc_once, crc_init);
    return ~crc_update(~crc, p, n);
}

/* ---- little-endian helpers ---- */

static void put32(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; i++) {
        p[i] = (uint8_t) (v >> (8 * i));
    }
}

static void put64(uint8_t *p, uint64_t v) {
    for (int i = 0; i < 8; i++) {
        p[i] = (uint8_t) (v >> (8 * i));
    }
}

static uint32_t get32(const uint8_t *p) {
    return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;
}

static uint64_t get64(const uint8_t *p) {
    return (uint64_t) get32(p) | (uint64_t) get32(p + 4) << 32;
}

/* Parses the record at p. 1 = ok (*size = whole record), 0 = need *size bytes, -1 = damaged. */
static int parse_rec(const uint8_t *p, size_t avail, tt_spool_rec *rec, size_t *size) {
    if (avail < HDR) {
        *size = HDR;
        return 0;
    }
    uint32_t blen = get32(p);
    if (blen < EVENT_FIXED || blen > MAX_BODY) {
        return -1;
    }
    *size = HDR + blen;
    if (avail < HDR + blen) {
        return 0;
    }
    const uint8_t *b = p + HDR;
    if (tt_crc32c(0, b, blen) != get32(p + 4)) {
        return -1;
    }
    rec->kind = b[0];
    rec->seq = get64(b + 1);
    if (rec->seq == 0) {
        return -1;
    }
    if (rec->kind == TT_REC_EVENT) {
        rec->time_us = get64(b + 9);
        rec->count = 1;
        rec->data = b + EVENT_FIXED;
        rec->len = blen - EVENT_FIXED;
        rec->reason[0] = 0;
        return 1;
    }
    if (rec->kind == TT_REC_GAP && blen >= GAP_FIXED) {
        rec->time_us = 0;
        rec->count = get64(b + 9);
        size_t rlen = b[17];
        if (rlen > 64 || GAP_FIXED + rlen > blen || rec->count == 0) {
            return -1;
        }
        memcpy(rec->reason, b + GAP_FIXED, rlen);
        rec->reason[rlen] = 0;
        rec->data = b + GAP_FIXED + rlen;
        rec->len = blen - GAP_FIXED - rlen;
        return 1;
    }
    return -1;
}

static void seg_path(const tt_spool *sp, uint64_t first, char *out, size_t cap) {
    snprintf(out, cap, "%s/seg-%020" PRIu64 ".tts", sp->dir, first);
}

static int seg_cmp(const void *a, const void *b) {
    uint64_t x = ((const tt_seg *) a)->first_seq, y = ((const tt_seg *) b)->first_seq;
    return x < y ? -1 : x > y;
}

static int push_seg(tt_spool *sp, uint64_t first, uint64_t bytes) {
    if (sp->nsegs == sp->segs_cap) {
        size_t cap = sp->segs_cap ? sp->segs_cap * 2 : 64;
        tt_seg *n = realloc(sp->segs, cap * sizeof *n);
        if (!n) {
            return -1;
        }
        sp->segs = n;
        sp->segs_cap = cap;
    }
    sp->segs[sp->nsegs].first_seq = first;
    sp->segs[sp->nsegs].bytes = bytes;
    sp->nsegs++;
    return 0;
}

/* Reads the records of one segment at open: returns the valid length, cuts a damaged tail. */
static uint64_t scan_segment(tt_spool *sp, uint64_t first, uint64_t *end_seq) {
    char path[PATH_MAX];
    seg_path(sp, first, path, sizeof path);
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        return 0;
    }
    struct stat st;
    fstat(fd, &st);
    size_t cap = 1 << 20, len = 0, pos = 0;
    uint8_t *buf = malloc(cap);
    uint64_t off = 0; /* file offset of buf[0] */
    uint64_t valid = 0;
    uint64_t expect = first;
    int damaged = 0;
    for (;;) {
        tt_spool_rec rec;
        size_t size;
        int rc = parse_rec(buf + pos, len - pos, &rec, &size);
        if (rc == 1) {
            if (rec.seq < expect) {
                damaged = 1; /* sequence numbers only grow: this is not ours */
                break;
            }
            expect = rec.seq + rec.count;
            pos += size;
            valid = off + pos;
            continue;
        }
        if (rc < 0) {
            damaged = 1;
            break;
        }
        /* Need more bytes: compact, grow if the record is large, read. */
        memmove(buf, buf + pos, len - pos);
        off += pos;
        len -= pos;
        pos = 0;
        if (size > cap) {
            uint8_t *nb = realloc(buf, size);
            if (!nb) {
                break;
            }
            buf = nb;
            cap = size;
        }
        ssize_t r = pread(fd, buf + len, cap - len, (off_t) (off + len));
        if (r <= 0) {
            if (len > 0) {
                damaged = 1; /* a record cut short: the crash hit mid-write */
            }
            break;
        }
        len += (size_t) r;
    }
    free(buf);
    if (damaged || (uint64_t) st.st_size != valid) {
        tt_warn("spool: %s: damaged record at offset %" PRIu64 " (file %lld bytes); cutting it off", path, valid,
                (long long) st.st_size);
        if (ftruncate(fd, (off_t) valid) == 0) {
            fdatasync(fd);
        }
        sp->corrupt_cut = 1;
    } else if (valid > 0) {
        /* A run that left without syncing (tt_spool_leave), or was killed, may have left records
         * that only the page cache holds: they become durable before anything ships them, so a
         * power loss can never take back a sequence number the appliance already has. Costs
         * next to nothing when they are on disk already. */
        fdatasync(fd);
    }
    close(fd);
    *end_seq = expect;
    return valid;
}

/* The length of a closed segment (0 when it is gone). */
static uint64_t segment_size(const tt_spool *sp, uint64_t first) {
    char path[PATH_MAX];
    seg_path(sp, first, path, sizeof path);
    struct stat st;
    return stat(path, &st) == 0 ? (uint64_t) st.st_size : 0;
}

static int load_instance(tt_spool *sp) {
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/instance", sp->dir);
    char *text = tt_read_file(path, 256, NULL);
    if (text) {
        char *id = tt_trim(text);
        size_t n = strlen(id);
        int ok = n > 0 && n <= 64;
        for (size_t i = 0; ok && i < n; i++) {
            char ch = id[i];
            ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                 (i > 0 && (ch == '.' || ch == '_' || ch == '-'));
        }
        if (ok) {
            snprintf(sp->instance, sizeof sp->instance, "%s", id);
            free(text);
            return 0;
        }
        free(text);
        tt_warn("spool: %s is not a valid agent instance id; making a new one", path);
    }
    uint8_t rnd[16];
    char hex[33];
    if (tt_random(rnd, sizeof rnd) != 0) {
        return -1;
    }
    tt_hex(rnd, sizeof rnd, hex);
    snprintf(sp->instance, sizeof sp->instance, "tt-%s", hex);
    char line[80];
    int n = snprintf(line, sizeof line, "%s\n", sp->instance);
    return tt_write_file_atomic(path, line, (size_t) n, 0600);
}

static int open_active(tt_spool *sp, uint64_t first, int create) {
    char path[PATH_MAX];
    seg_path(sp, first, path, sizeof path);
    sp->wfd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC | (create ? O_CREAT | O_EXCL : 0), 0600);
    if (sp->wfd < 0) {
        tt_err("spool: cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    if (create) {
        tt_fsync_dir(sp->dir); /* the file name carries the next seq: it must survive a crash */
    }
    struct stat st;
    fstat(sp->wfd, &st);
    sp->wfile_size = (uint64_t) st.st_size;
    return 0;
}

static int lock_dir(tt_spool *sp, const char *dir) {
    if (tt_mkdirs(dir, 0700) != 0) {
        return -1;
    }
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/lock", dir);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        close(fd);
        errno = EWOULDBLOCK;
        return -1;
    }
    snprintf(sp->dir, sizeof sp->dir, "%s", dir);
    sp->lock_fd = fd;
    return 0;
}

int tt_spool_open(tt_spool *sp, const char *dir, uint64_t limit) {
    memset(sp, 0, sizeof *sp);
    sp->wfd = -1;
    sp->lock_fd = -1;
    sp->limit = limit;
    /* Segments small enough that ACKs free space steadily, large enough to keep files few. */
    sp->seg_max = limit / 64 < (8u << 20) ? (limit / 64 < (64u << 10) ? (64u << 10) : limit / 64) : (8u << 20);
    pthread_mutex_init(&sp->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&sp->cond, &ca);
    pthread_condattr_destroy(&ca);

    /* One forwarder per spool: a concurrent run of the same app/component takes the next one. */
    int locked = lock_dir(sp, dir) == 0;
    for (int i = 2; !locked && i <= 9 && errno == EWOULDBLOCK; i++) {
        char alt[PATH_MAX];
        snprintf(alt, sizeof alt, "%s.%d", dir, i);
        locked = lock_dir(sp, alt) == 0;
    }
    if (!locked) {
        tt_err("spool: cannot use %s: %s", dir, strerror(errno));
        return -1;
    }
    if (load_instance(sp) != 0) {
        tt_err("spool: cannot write the agent instance id in %s: %s", sp->dir, strerror(errno));
        return -1;
    }

    DIR *d = opendir(sp->dir);
    if (!d) {
        return -1;
    }
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        uint64_t first;
        char tail[8];
        if (sscanf(de->d_name, "seg-%20" SCNu64 ".%7s", &first, tail) == 2 && strcmp(tail, "tts") == 0 && first > 0) {
            push_seg(sp, first, 0);
        }
    }
    closedir(d);
    qsort(sp->segs, sp->nsegs, sizeof *sp->segs, seg_cmp);

    /*
     * Only the last segment can end in a torn write. Every older one was synced before its
     * successor was created (rotate), or was the last at an earlier open and cut there, so its
     * size is its length. Reading them all here made every start pay for the whole backlog
     * (an unreachable appliance: up to the spool's 1 GB before the program starts); a damaged
     * record in them is still found, by the reader, which skips the rest of that segment and
     * the shipper declares the missing sequence numbers as a spool_corrupt gap.
     */
    uint64_t next = 1;
    for (size_t i = 0; i < sp->nsegs; i++) {
        uint64_t end = sp->segs[i].first_seq;
        sp->segs[i].bytes = i + 1 < sp->nsegs ? segment_size(sp, sp->segs[i].first_seq)
                                              : scan_segment(sp, sp->segs[i].first_seq, &end);
        sp->total_bytes += sp->segs[i].bytes;
        if (end > next) {
            next = end;
        }
    }
    /* Start a fresh active segment so everything older can go once ACKed; reuse an empty last one. */
    if (sp->nsegs > 0 && sp->segs[sp->nsegs - 1].bytes == 0 && sp->segs[sp->nsegs - 1].first_seq == next) {
        if (open_active(sp, next, 0) != 0) {
            return -1;
        }
    } else {
        if (open_active(sp, next, 1) != 0 || push_seg(sp, next, 0) != 0) {
            return -1;
        }
    }
    sp->next_seq = next;
    sp->pending_seq = next;
    sp->durable_seq = next;
    sp->durable_off = sp->wfile_size;
    atomic_store(&sp->seq_floor, 0);
    tt_info("spool: %s holds %zu segment(s), %" PRIu64 " bytes; next seq %" PRIu64 "; agent instance %s", sp->dir,
            sp->nsegs, sp->total_bytes, next, sp->instance);
    return 0;
}

static int wbuf_reserve(tt_spool *sp, size_t n) {
    if (sp->wcap - sp->wlen >= n) {
        return 0;
    }
    size_t cap = sp->wcap ? sp->wcap : (2u << 20);
    while (cap - sp->wlen < n) {
        cap *= 2;
    }
    uint8_t *nb = realloc(sp->wbuf, cap);
    if (!nb) {
        return -1;
    }
    sp->wbuf = nb;
    sp->wcap = cap;
    return 0;
}

/* write(2) the buffer. On failure the file is cut back to its last good size. */
static int write_out(tt_spool *sp) {
    size_t done = 0;
    while (done < sp->wlen) {
        ssize_t w = write(sp->wfd, sp->wbuf + done, sp->wlen - done);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            int e = errno;
            if (ftruncate(sp->wfd, (off_t) sp->wfile_size) != 0) {
                tt_err("spool: cannot cut back a failed write: %s", strerror(errno));
            }
            tt_err("spool: write failed: %s", strerror(e));
            return -1;
        }
        done += (size_t) w;
    }
    sp->wfile_size += sp->wlen;
    sp->wlen = 0;
    return 0;
}

static void publish_durable(tt_spool *sp) {
    pthread_mutex_lock(&sp->mu);
    sp->durable_seq = sp->pending_seq;
    sp->durable_off = sp->wfile_size;
    sp->segs[sp->nsegs - 1].bytes = sp->wfile_size;
    pthread_cond_broadcast(&sp->cond);
    pthread_mutex_unlock(&sp->mu);
}

/* Closes the active segment (synced) and opens the next one, named after next_seq. */
static int rotate(tt_spool *sp) {
    if (write_out(sp) != 0) {
        return -1;
    }
    fdatasync(sp->wfd);
    atomic_fetch_add(&sp->syncs, 1);
    publish_durable(sp);
    close(sp->wfd);
    sp->wfd = -1;
    if (open_active(sp, sp->pending_seq, 1) != 0) {
        return -1;
    }
    pthread_mutex_lock(&sp->mu);
    int rc = push_seg(sp, sp->pending_seq, 0);
    sp->durable_off = 0;
    pthread_mutex_unlock(&sp->mu);
    return rc;
}

static uint64_t take_seq(tt_spool *sp, uint64_t count) {
    uint64_t floor = atomic_load(&sp->seq_floor);
    if (floor > sp->next_seq) {
        /* The appliance already holds numbers we would hand out again (our state was lost). */
        tt_warn("spool: continuing at seq %" PRIu64 " (was %" PRIu64 "), as the appliance asked", floor, sp->next_seq);
        sp->next_seq = floor;
        sp->pending_seq = floor;
    }
    uint64_t s = sp->next_seq;
    sp->next_seq += count;
    return s;
}

/* Appends a record with the given body parts. The caller has already taken the seqs. */
static int put_record(tt_spool *sp, const uint8_t *fixed, size_t flen, const void *a, size_t alen, const void *b,
                      size_t blen, uint64_t end_seq) {
    size_t body = flen + alen + blen;
    size_t size = HDR + body;
    if (sp->wfile_size + sp->wlen > 0 && sp->wfile_size + sp->wlen + size > sp->seg_max) {
        if (rotate(sp) != 0) {
            return -1;
        }
    }
    if (wbuf_reserve(sp, size) != 0) {
        return -1;
    }
    uint8_t *p = sp->wbuf + sp->wlen;
    put32(p, (uint32_t) body);
    memcpy(p + HDR, fixed, flen);
    if (alen) {
        memcpy(p + HDR + flen, a, alen);
    }
    if (blen) {
        memcpy(p + HDR + flen + alen, b, blen);
    }
    put32(p + 4, tt_crc32c(0, p + HDR, body));
    sp->wlen += size;
    sp->pending_seq = end_seq;
    pthread_mutex_lock(&sp->mu);
    sp->total_bytes += size;
    pthread_mutex_unlock(&sp->mu);
    atomic_fetch_add(&sp->bytes_spooled, size);
    if (sp->wlen >= WBUF_FLUSH) {
        return write_out(sp);
    }
    return 0;
}

static int write_gap(tt_spool *sp, uint64_t first, uint64_t count, const char *reason, const char *detail) {
    uint8_t fixed[GAP_FIXED];
    size_t rlen = strlen(reason);
    if (rlen > 64) {
        rlen = 64;
    }
    size_t dlen = detail ? strlen(detail) : 0;
    if (dlen > 1024) {
        dlen = 1024;
    }
    fixed[0] = TT_REC_GAP;
    put64(fixed + 1, first);
    put64(fixed + 9, count);
    fixed[17] = (uint8_t) rlen;
    return put_record(sp, fixed, sizeof fixed, reason, rlen, detail, dlen, first + count);
}

static int flush_full_gap(tt_spool *sp) {
    if (sp->full_count == 0) {
        return 0;
    }
    char detail[128];
    snprintf(detail, sizeof detail, "%" PRIu64 " events dropped: spool over %" PRIu64 " bytes", sp->full_count,
             sp->limit);
    tt_warn("spool: full: %" PRIu64 " events dropped (seq %" PRIu64 "..%" PRIu64 "), declared as a gap",
            sp->full_count, sp->full_first, sp->full_first + sp->full_count - 1);
    int rc = write_gap(sp, sp->full_first, sp->full_count, "spool_full", detail);
    sp->full_count = 0;
    return rc;
}

uint64_t tt_spool_append_event(tt_spool *sp, uint64_t time_us, const void *ev, size_t len) {
    size_t size = HDR + EVENT_FIXED + len;
    pthread_mutex_lock(&sp->mu);
    int full = sp->total_bytes + size > sp->limit;
    uint64_t acked = sp->acked_seq;
    pthread_mutex_unlock(&sp->mu);
    if (full && acked + 1 >= sp->pending_seq && sp->wfile_size + sp->wlen > 0) {
        /* Full only of acknowledged records held by the active segment (never deleted while
         * active): start a new one so the old can go, then look again. */
        if (rotate(sp) == 0) {
            tt_spool_acked(sp, acked);
            pthread_mutex_lock(&sp->mu);
            full = sp->total_bytes + size > sp->limit;
            pthread_mutex_unlock(&sp->mu);
        }
    }
    if (full) {
        uint64_t s = take_seq(sp, 1);
        if (sp->full_count == 0 || sp->full_first + sp->full_count != s) {
            flush_full_gap(sp);
            sp->full_first = s;
            sp->full_since_ms = tt_mono_ms();
        }
        sp->full_count++;
        atomic_fetch_add(&sp->events_dropped, 1);
        return 0;
    }
    if (sp->full_count) {
        flush_full_gap(sp); /* its seqs come before this event's */
    }
    uint64_t s = take_seq(sp, 1);
    uint8_t fixed[EVENT_FIXED];
    fixed[0] = TT_REC_EVENT;
    put64(fixed + 1, s);
    put64(fixed + 9, time_us);
    if (put_record(sp, fixed, sizeof fixed, ev, len, NULL, 0, s + 1) != 0) {
        /* Could not buffer or write it: account for it like a dropped event. */
        sp->full_first = s;
        sp->full_count = 1;
        sp->full_since_ms = tt_mono_ms();
        return 0;
    }
    atomic_fetch_add(&sp->events_spooled, 1);
    return s;
}

uint64_t tt_spool_append_gap(tt_spool *sp, uint64_t count, const char *reason, const char *detail) {
    if (sp->full_count) {
        flush_full_gap(sp);
    }
    uint64_t s = take_seq(sp, count);
    if (write_gap(sp, s, count, reason, detail) != 0) {
        tt_err("spool: could not record a %s gap of %" PRIu64 " events", reason, count);
    }
    return s;
}

int tt_spool_dirty(const tt_spool *sp) {
    return sp->wlen > 0 || sp->pending_seq != sp->durable_seq || sp->full_count > 0;
}

int tt_spool_sync(tt_spool *sp) {
    if (sp->full_count && tt_mono_ms() - sp->full_since_ms >= FULL_GAP_EVERY_MS) {
        flush_full_gap(sp);
    }
    if (sp->wlen && write_out(sp) != 0) {
        return -1;
    }
    pthread_mutex_lock(&sp->mu);
    int need = sp->durable_seq != sp->pending_seq || sp->durable_off != sp->wfile_size;
    pthread_mutex_unlock(&sp->mu);
    if (!need) {
        return 0;
    }
    if (fdatasync(sp->wfd) != 0) {
        tt_err("spool: fdatasync: %s", strerror(errno));
        return -1;
    }
    atomic_fetch_add(&sp->syncs, 1);
    publish_durable(sp);
    return 0;
}

/* Drops the directory lock and the write buffer. */
static void release(tt_spool *sp) {
    if (sp->lock_fd >= 0) {
        close(sp->lock_fd);
        sp->lock_fd = -1;
    }
    free(sp->wbuf);
    sp->wbuf = NULL;
}

void tt_spool_close(tt_spool *sp) {
    if (sp->wfd >= 0) {
        flush_full_gap(sp);
        tt_spool_sync(sp);
        close(sp->wfd);
        sp->wfd = -1;
    }
    release(sp);
}

void tt_spool_leave(tt_spool *sp) {
    if (sp->wfd >= 0) {
        flush_full_gap(sp);
        if (sp->wlen == 0 || write_out(sp) == 0) {
            /* Starts the write-back and returns: a sync here would wait behind whatever else the
               disk has queued, the observed program's own output included. */
            sync_file_range(sp->wfd, 0, 0, SYNC_FILE_RANGE_WRITE);
        }
        close(sp->wfd);
        sp->wfd = -1;
    }
    release(sp);
}

void tt_spool_acked(tt_spool *sp, uint64_t acked) {
    pthread_mutex_lock(&sp->mu);
    if (acked > sp->acked_seq) {
        sp->acked_seq = acked;
    }
    size_t drop = 0;
    while (drop + 1 < sp->nsegs && sp->segs[drop + 1].first_seq - 1 <= acked) {
        drop++;
    }
    for (size_t i = 0; i < drop; i++) {
        char path[PATH_MAX];
        seg_path(sp, sp->segs[i].first_seq, path, sizeof path);
        if (unlink(path) != 0 && errno != ENOENT) {
            tt_warn("spool: cannot delete %s: %s", path, strerror(errno));
        }
        sp->total_bytes -= sp->segs[i].bytes;
    }
    if (drop) {
        memmove(sp->segs, sp->segs + drop, (sp->nsegs - drop) * sizeof *sp->segs);
        sp->nsegs -= drop;
    }
    pthread_mutex_unlock(&sp->mu);
    if (drop) {
        tt_debug("spool: deleted %zu acknowledged segment(s) up to seq %" PRIu64, drop, acked);
    }
}

void tt_spool_raise_seq(tt_spool *sp, uint64_t next_seq) {
    uint64_t cur = atomic_load(&sp->seq_floor);
    while (next_seq > cur && !atomic_compare_exchange_weak(&sp->seq_floor, &cur, next_seq)) {
    }
}

uint64_t tt_spool_durable_seq(tt_spool *sp) {
    pthread_mutex_lock(&sp->mu);
    uint64_t s = sp->durable_seq;
    pthread_mutex_unlock(&sp->mu);
    return s;
}

uint64_t tt_spool_bytes(tt_spool *sp) {
    pthread_mutex_lock(&sp->mu);
    uint64_t s = sp->total_bytes;
    pthread_mutex_unlock(&sp->mu);
    return s;
}

uint64_t tt_spool_wait_durable(tt_spool *sp, uint64_t seq, unsigned ms) {
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += ms / 1000;
    until.tv_nsec += (long) (ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&sp->mu);
    while (sp->durable_seq <= seq) {
        if (pthread_cond_timedwait(&sp->cond, &sp->mu, &until) != 0) {
            break;
        }
    }
    uint64_t s = sp->durable_seq;
    pthread_mutex_unlock(&sp->mu);
    return s;
}

/* ---- reader ---- */

void tt_spool_reader_init(tt_spool_reader *r, tt_spool *sp) {
    memset(r, 0, sizeof *r);
    r->sp = sp;
    r->fd = -1;
}

void tt_spool_reader_close(tt_spool_reader *r) {
    if (r->fd >= 0) {
        close(r->fd);
    }
    free(r->buf);
    tt_spool_reader_init(r, r->sp);
}

static int reader_open(tt_spool_reader *r, uint64_t first) {
    if (r->fd >= 0) {
        close(r->fd);
    }
    char path[PATH_MAX];
    seg_path(r->sp, first, path, sizeof path);
    r->fd = open(path, O_RDONLY | O_CLOEXEC);
    r->seg_first = first;
    r->off = 0;
    r->blen = r->bpos = 0;
    return r->fd >= 0 ? 0 : -1;
}

int tt_spool_reader_seek(tt_spool_reader *r, uint64_t seq) {
    tt_spool *sp = r->sp;
    pthread_mutex_lock(&sp->mu);
    uint64_t first = sp->segs[0].first_seq;
    for (size_t i = 0; i < sp->nsegs && sp->segs[i].first_seq <= seq; i++) {
        first = sp->segs[i].first_seq;
    }
    pthread_mutex_unlock(&sp->mu);
    return reader_open(r, first);
}

/* Where the current segment ends for us now, and which segment follows (0: none yet). */
static void reader_bounds(tt_spool_reader *r, uint64_t *limit, uint64_t *next_first) {
    tt_spool *sp = r->sp;
    *next_first = 0;
    *limit = UINT64_MAX; /* deleted while we read: it was acknowledged, read what the file has */
    pthread_mutex_lock(&sp->mu);
    for (size_t i = 0; i < sp->nsegs; i++) {
        if (sp->segs[i].first_seq == r->seg_first) {
            *limit = i + 1 == sp->nsegs ? sp->durable_off : sp->segs[i].bytes;
        }
        if (sp->segs[i].first_seq > r->seg_first) {
            *next_first = sp->segs[i].first_seq;
            break;
        }
    }
    pthread_mutex_unlock(&sp->mu);
}

int tt_spool_reader_next(tt_spool_reader *r, tt_spool_rec *rec) {
    for (;;) {
        if (r->fd < 0) {
            uint64_t limit, next;
            reader_bounds(r, &limit, &next);
            if (next == 0 || reader_open(r, next) != 0) {
                return 0;
            }
        }
        uint64_t limit, next;
        reader_bounds(r, &limit, &next);
        size_t size = 0;
        int rc = parse_rec(r->buf + r->bpos, r->blen - r->bpos, rec, &size);
        if (rc == 1 && r->off + r->bpos + size <= limit) {
            r->bpos += size;
            return 1;
        }
        if (rc < 0) {
            tt_err("spool: damaged record in segment %" PRIu64 " at offset %" PRIu64 "; skipping the rest of it",
                   r->seg_first, r->off + r->bpos);
            r->sp->corrupt_cut = 1; /* the events skipped are declared as a spool_corrupt gap */
            close(r->fd);
            r->fd = -1;
            if (next == 0) {
                return -1;
            }
            reader_open(r, next);
            return -1;
        }
        /* Need more of the file: read up to the durable limit. */
        uint64_t have_end = r->off + r->blen;
        if (have_end < limit) {
            if (r->bpos > 0) {
                memmove(r->buf, r->buf + r->bpos, r->blen - r->bpos);
                r->off += r->bpos;
                r->blen -= r->bpos;
                r->bpos = 0;
            }
            size_t want = size > (1u << 20) ? size : (1u << 20);
            if (r->bcap < want) {
                uint8_t *nb = realloc(r->buf, want);
                if (!nb) {
                    return 0;
                }
                r->buf = nb;
                r->bcap = want;
            }
            uint64_t room = r->bcap - r->blen;
            uint64_t left = limit - (r->off + r->blen);
            size_t n = (size_t) (room < left ? room : left);
            ssize_t got = pread(r->fd, r->buf + r->blen, n, (off_t) (r->off + r->blen));
            if (got > 0) {
                r->blen += (size_t) got;
                continue;
            }
            if (limit != UINT64_MAX) {
                return 0; /* the file is shorter than the durable limit says: not yet visible */
            }
        }
        /* End of what is durable in this segment. Move on only once it is no longer active. */
        if (next != 0 && r->off + r->blen >= (limit == UINT64_MAX ? r->off + r->blen : limit) &&
            r->bpos == r->blen) {
            reader_open(r, next);
            continue;
        }
        return 0;
    }
}
