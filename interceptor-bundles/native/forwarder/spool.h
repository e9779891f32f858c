/*
 * The spool (docs/interceptor.md, "Spool"): the source of truth for every event until the
 * appliance ACKs it. A directory of append-only segment files `seg-<first seq>.tts`, each a
 * run of records
 *
 *     u32 body_len | u32 crc32c(body) | body
 *     body = u8 kind | u64 seq | (kind 1) u64 time_us, event bytes
 *                              | (kind 2) u64 count, u8 reason_len, reason, detail
 *
 * (little-endian). Kind 1 is one event, kind 2 a GAP the forwarder must declare (events it
 * could not keep: spool full, interceptor overflow). A torn tail after a crash fails its
 * checksum and is cut off at the next start (only the newest segment can have one, so only it
 * is read then); damage found later by the reader skips the rest of that segment.
 *
 * Threads: one writer (the receiving loop) appends and makes records durable in groups;
 * one reader (the shipper) reads only durable records and deletes segments an ACK covers.
 * The shipper never sends a record before it is durable, so the appliance never holds a
 * sequence number that a crash could hand out again.
 */
#ifndef TT_SPOOL_H
#define TT_SPOOL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

enum { TT_REC_EVENT = 1, TT_REC_GAP = 2 };

typedef struct tt_spool_rec {
    int kind;
    uint64_t seq;
    uint64_t time_us;       /* event */
    uint64_t count;         /* gap: number of sequence numbers (1 for an event) */
    const uint8_t *data;    /* event bytes, or gap detail */
    size_t len;
    char reason[65];        /* gap */
} tt_spool_rec;

typedef struct tt_seg {
    uint64_t first_seq;
    uint64_t bytes;
} tt_seg;

typedef struct tt_spool {
    char dir[4000];  /* leaves room for file names within PATH_MAX */
    char instance[65];
    int lock_fd;
    uint64_t limit;         /* bytes of all segments together */
    uint64_t seg_max;       /* rotate the active segment past this size */

    pthread_mutex_t mu;
    pthread_cond_t cond;    /* durable_seq advanced */
    tt_seg *segs;           /* sorted; the last is the active one */
    size_t nsegs, segs_cap;
    uint64_t total_bytes;   /* on disk plus buffered */
    uint64_t durable_seq;   /* every seq below is on disk and synced */
    uint64_t durable_off;   /* synced bytes of the active segment */
    uint64_t acked_seq;     /* highest seq the appliance has acknowledged (this run) */
    _Atomic uint64_t seq_floor; /* raised by the shipper when the appliance is ahead (lost state) */

    /* writer only */
    int wfd;
    uint64_t wfile_size;    /* bytes written to the active file */
    uint8_t *wbuf;
    size_t wlen, wcap;
    uint64_t next_seq;      /* next sequence number to hand out */
    uint64_t pending_seq;   /* every seq below has a record in wbuf or on disk */
    uint64_t full_first, full_count; /* spool_full gap not yet recorded */
    uint64_t full_since_ms;
    int corrupt_cut;        /* a damaged record was cut off at open, or skipped by the reader */

    /* statistics */
    _Atomic uint64_t events_spooled, events_dropped, bytes_spooled, syncs;
} tt_spool;

/* Opens (creating) the spool at dir, or at dir.2 … dir.9 when another forwarder holds dir.
 * Lists the segments, cuts a torn tail off the newest and syncs it, starts a fresh active segment.
 * Returns 0 or -1. */
int tt_spool_open(tt_spool *sp, const char *dir, uint64_t limit);
/* Records a pending spool_full gap, flushes, syncs and closes. */
void tt_spool_close(tt_spool *sp);
/* Like tt_spool_close, but without waiting for the disk: every record is written (safe from a
 * crash of this process) and its write-back started, not forced. For an exit that will not
 * ship: nothing unsynced was shipped (the shipper sends durable records only), and the next
 * tt_spool_open syncs the newest segment before the shipper may read it. */
void tt_spool_leave(tt_spool *sp);

/* Writer: appends one event (bytes without dt_us). Returns its seq, or 0 when the spool is
 * full (the seq is then part of a spool_full gap). Not yet durable: see tt_spool_sync. */
uint64_t tt_spool_append_event(tt_spool *sp, uint64_t time_us, const void *ev, size_t len);
/* Writer: takes `count` seqs for a GAP record. Returns the first seq. */
uint64_t tt_spool_append_gap(tt_spool *sp, uint64_t count, const char *reason, const char *detail);
/* Writer: writes the buffer, fdatasyncs, publishes durability (group commit). Also records
 * a spool_full gap that has been pending for a while. Returns 0 or -1 (I/O error). */
int tt_spool_sync(tt_spool *sp);
/* Writer: whether unsynced records wait. */
int tt_spool_dirty(const tt_spool *sp);

/* Shipper: every seq <= acked is stored by the appliance: delete the segments it covers. */
void tt_spool_acked(tt_spool *sp, uint64_t acked);
/* Shipper: the appliance's next_seq is beyond anything we hold (our state was lost):
 * continue numbering from there. */
void tt_spool_raise_seq(tt_spool *sp, uint64_t next_seq);
uint64_t tt_spool_durable_seq(tt_spool *sp);
uint64_t tt_spool_bytes(tt_spool *sp);
/* Waits up to ms for durable_seq to pass `seq`; returns the durable seq. */
uint64_t tt_spool_wait_durable(tt_spool *sp, uint64_t seq, unsigned ms);

/* A sequential reader of durable records (owned by the shipper). */
typedef struct tt_spool_reader {
    tt_spool *sp;
    int fd;
    uint64_t seg_first;     /* segment being read (0: none yet) */
    uint64_t off;           /* file offset of buf[0] */
    uint8_t *buf;
    size_t blen, bpos, bcap;
} tt_spool_reader;

void tt_spool_reader_init(tt_spool_reader *r, tt_spool *sp);
/* Positions the reader at the first record whose range ends at or after seq. */
int tt_spool_reader_seek(tt_spool_reader *r, uint64_t seq);
/* 1 = a record (valid until the next call), 0 = nothing more durable yet, -1 = damaged
 * segment (the reader skips to the next one; the missing seqs surface as a jump). */
int tt_spool_reader_next(tt_spool_reader *r, tt_spool_rec *rec);
void tt_spool_reader_close(tt_spool_reader *r);

uint32_t tt_crc32c(uint32_t crc, const void *p, size_t n);

#endif
