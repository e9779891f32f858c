/*
 * The shared-memory ring between the interceptors of a process tree (many producers: every
 * thread of every process) and the forwarder (one consumer); docs/interceptor.md, "Channel",
 * and docs/decisions/0018-interceptor-shared-memory-ring.md.
 *
 * Layout of the memfd: a control page, then `size` bytes of data (a power of two). Positions
 * (tail: reserved by producers, head: consumed) are 64-bit and only grow; a position's byte
 * is data[pos & (size - 1)]. A slot is a 16-byte header and the record (a channel record,
 * exactly what a datagram carries), padded to 16 bytes; a record may wrap around the end.
 *
 *   producer: reserve need bytes by compare-and-swap of tail (never past head + size: a full
 *             ring refuses, it never overwrites), write len and pid, copy the record, then
 *             publish it by compare-and-swap of the header's commit word 0 -> tag(pos).
 *   consumer: reads the slot at head once its commit word is tag(head), copies the record
 *             out, zeroes the slot (so a reserved slot always starts as zeros), advances head.
 *             A slot still 0 after a grace period whose writer died (or after a long timeout)
 *             is abandoned (commit word 0 -> ABANDONED, kept while the slot is free: a late
 *             writer's publish then fails and it counts the record as lost) and reported as
 *             lost. A writer stalled that long (stopped by a debugger or SIGSTOP mid-copy)
 *             may, when it resumes after the space was reused, damage one later record; the
 *             consumer then sees a wrong tag, resynchronises on the next published slot and
 *             counts a loss: never a crash, never a record taken twice.
 *
 * Wake-up: the consumer polls while records flow; when it finds the ring empty it sets
 * `sleeping` and waits on it (futex). A producer that publishes while `sleeping` is set clears
 * it and wakes the consumer: one system call per empty -> non-empty transition, none per event.
 *
 * Everything here is lock-free and async-signal-safe (atomics, memcpy, one futex call): it
 * may run in a signal handler or in a vfork child. Header-only: the interceptor, the forwarder
 * and the tests include it.
 */
#ifndef TT_RING_H
#define TT_RING_H

#include <errno.h>
#include <limits.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define TT_RING_MAGIC 0x31474e4952545454ull /* "TTTRING1" little-endian */
#define TT_RING_CTL 4096u                 /* control page before the data */
#define TT_RING_SLOT_HDR 16u
#define TT_RING_MIN (2u << 20)            /* a 256 KiB record must fit four times over */
#define TT_RING_MAX (1u << 30)
#define TT_RING_DEFAULT (8u << 20)
#define TT_RING_ABANDONED 1u               /* commit word of a slot given up by the consumer */

struct tt_ring_ctl {
    uint64_t magic;
    uint64_t token;      /* random, also in TELLTALE_RING: proves the descriptor is ours */
    uint64_t size;       /* data bytes, a power of two */
    uint64_t max_record; /* largest record a producer may put */
    char pad0[64 - 32];
    _Atomic uint64_t tail; /* next position to reserve (producers) */
    char pad1[64 - 8];
    _Atomic uint64_t head; /* next position to consume (consumer) */
    char pad2[64 - 8];
    _Atomic uint32_t sleeping; /* futex word: 1 while the consumer waits for records */
    char pad3[64 - 4];
    _Atomic uint64_t refused; /* records producers could not put (full): statistics only */
    _Atomic uint64_t wakes;   /* futex wakes producers made: statistics only */
};

struct tt_ring_slot {
    _Atomic uint32_t commit; /* 0 in flight, tag(pos) published, TT_RING_ABANDONED */
    _Atomic uint32_t len;    /* record bytes (0 until the writer stored it) */
    _Atomic uint32_t pid;    /* the writer, so the consumer can tell when it died */
    uint32_t pad;
};

/* A mapping of the ring: control page + data. */
struct tt_ring {
    struct tt_ring_ctl *ctl;
    uint8_t *data;
    uint64_t size, mask;
};

static inline uint32_t tt_ring_tag(uint64_t pos) {
    return (uint32_t) ((pos >> 4) | 0x80000000u); /* never 0 nor TT_RING_ABANDONED */
}

static inline uint64_t tt_ring_need(uint64_t len) {
    return TT_RING_SLOT_HDR + ((len + 15u) & ~(uint64_t) 15u);
}

/* Points r at a mapping of TT_RING_CTL + size bytes; 0, or -1 when it is not a ring of ours. */
static inline int tt_ring_attach(struct tt_ring *r, void *map, uint64_t map_len, uint64_t token) {
    struct tt_ring_ctl *c = map;
    if (map_len < TT_RING_CTL || c->magic != TT_RING_MAGIC || c->token != token || c->size < TT_RING_MIN ||
        c->size > TT_RING_MAX || (c->size & (c->size - 1)) != 0 || map_len < TT_RING_CTL + c->size) {
        return -1;
    }
    r->ctl = c;
    r->data = (uint8_t *) map + TT_RING_CTL;
    r->size = c->size;
    r->mask = c->size - 1;
    return 0;
}

/* Initialises a zeroed mapping (the forwarder, once). */
static inline void tt_ring_init(void *map, uint64_t size, uint64_t token, uint64_t max_record) {
    struct tt_ring_ctl *c = map;
    c->size = size;
    c->token = token;
    c->max_record = max_record;
    atomic_store(&c->tail, 0);
    atomic_store(&c->head, 0);
    atomic_store(&c->sleeping, 0);
    atomic_thread_fence(memory_order_seq_cst);
    c->magic = TT_RING_MAGIC;
}

static inline void tt_ring_copy_in(struct tt_ring *r, uint64_t pos, const void *src, size_t n) {
    uint64_t off = pos & r->mask;
    uint64_t first = r->size - off < n ? r->size - off : n;
    memcpy(r->data + off, src, first);
    if (first < n) {
        memcpy(r->data, (const uint8_t *) src + first, n - first);
    }
}

static inline void tt_ring_copy_out(struct tt_ring *r, uint64_t pos, void *dst, size_t n) {
    uint64_t off = pos & r->mask;
    uint64_t first = r->size - off < n ? r->size - off : n;
    memcpy(dst, r->data + off, first);
    if (first < n) {
        memcpy((uint8_t *) dst + first, r->data, n - first);
    }
}

static inline void tt_ring_zero(struct tt_ring *r, uint64_t pos, uint64_t n) {
    uint64_t off = pos & r->mask;
    uint64_t first = r->size - off < n ? r->size - off : n;
    memset(r->data + off, 0, first);
    if (first < n) {
        memset(r->data, 0, n - first);
    }
}

/* ---------- producer ---------- */

enum { TT_RING_FULL = 0, TT_RING_PUT = 1, TT_RING_LATE = -1 };

/*
 * Reserves a slot for a record of len bytes and stamps it with len and pid; *pos is its
 * position. Returns 0, or -1 when the ring is full or the record too big (nothing reserved).
 */
static inline int tt_ring_reserve(struct tt_ring *r, size_t len, uint32_t pid, uint64_t *pos) {
    struct tt_ring_ctl *c = r->ctl;
    if (len == 0 || len > c->max_record) {
        return -1;
    }
    uint64_t need = tt_ring_need(len);
    uint64_t t = atomic_load_explicit(&c->tail, memory_order_relaxed);
    for (;;) {
        uint64_t h = atomic_load_explicit(&c->head, memory_order_acquire);
        if (t + need - h > r->size) {
            atomic_fetch_add_explicit(&c->refused, 1, memory_order_relaxed);
            return -1;
        }
        if (atomic_compare_exchange_weak_explicit(&c->tail, &t, t + need, memory_order_acq_rel,
                                                  memory_order_relaxed)) {
            break;
        }
    }
    struct tt_ring_slot *s = (struct tt_ring_slot *) (r->data + (t & r->mask));
    /* a slot the consumer gave up keeps TT_RING_ABANDONED, so that its late writer fails */
    atomic_store_explicit(&s->commit, 0, memory_order_relaxed);
    atomic_store_explicit(&s->len, (uint32_t) len, memory_order_relaxed);
    atomic_store_explicit(&s->pid, pid, memory_order_relaxed);
    *pos = t;
    return 0;
}

/* Publishes the slot at pos (its record written); wakes a sleeping consumer. Returns 1, or 0
 * when the consumer gave the slot up meanwhile (the record is lost). */
static inline int tt_ring_publish(struct tt_ring *r, uint64_t pos) {
    struct tt_ring_ctl *c = r->ctl;
    struct tt_ring_slot *s = (struct tt_ring_slot *) (r->data + (pos & r->mask));
    uint32_t zero = 0;
    int ok = atomic_compare_exchange_strong_explicit(&s->commit, &zero, tt_ring_tag(pos), memory_order_seq_cst,
                                                     memory_order_relaxed);
    /* the compare-and-swap is a full barrier: either we see `sleeping`, or the consumer,
       which sets it before looking at the ring a last time, sees our record */
    if (atomic_load_explicit(&c->sleeping, memory_order_relaxed) &&
        atomic_exchange_explicit(&c->sleeping, 0, memory_order_seq_cst)) {
        atomic_fetch_add_explicit(&c->wakes, 1, memory_order_relaxed);
        syscall(SYS_futex, &c->sleeping, 1 /* FUTEX_WAKE, shared */, INT_MAX, NULL, NULL, 0);
    }
    return ok;
}

/*
 * Puts one record (header byte + payload, as on the socket). Returns TT_RING_PUT, TT_RING_FULL
 * (nothing reserved: the ring is full or the record too big) or TT_RING_LATE (the consumer
 * gave up on this slot while we were writing it: the record is lost). Never blocks.
 */
static inline int tt_ring_put(struct tt_ring *r, const void *rec, size_t len, uint32_t pid) {
    uint64_t pos;
    if (tt_ring_reserve(r, len, pid, &pos) != 0) {
        return TT_RING_FULL;
    }
    tt_ring_copy_in(r, pos + TT_RING_SLOT_HDR, rec, len);
    return tt_ring_publish(r, pos) ? TT_RING_PUT : TT_RING_LATE;
}

/* ---------- consumer (one thread of the forwarder) ---------- */

struct tt_ring_reader {
    struct tt_ring r;
    uint64_t stuck_pos;      /* head position found in flight, and since when */
    uint64_t stuck_since_ms;
    uint32_t grace_dead_ms;  /* a dead writer's slot is given up after this */
    uint32_t grace_alive_ms; /* any writer's slot is given up after this */
    uint64_t abandoned;      /* slots given up (each reported as one lost event) */
};

enum { TT_RING_EMPTY = 0, TT_RING_RECORD = 1, TT_RING_WAIT = 2, TT_RING_SKIPPED = 3 };

static inline uint64_t tt_ring_pending(const struct tt_ring *r) {
    return atomic_load_explicit(&r->ctl->tail, memory_order_acquire) -
           atomic_load_explicit(&r->ctl->head, memory_order_relaxed);
}

/* Releases `need` bytes at head; an abandoned slot keeps its mark (see tt_ring_reserve). */
static inline void tt_ring_release(struct tt_ring_reader *rd, uint64_t h, uint64_t need, int abandoned) {
    tt_ring_zero(&rd->r, h, need);
    if (abandoned) {
        struct tt_ring_slot *s = (struct tt_ring_slot *) (rd->r.data + (h & rd->r.mask));
        atomic_store_explicit(&s->commit, TT_RING_ABANDONED, memory_order_relaxed);
    }
    atomic_store_explicit(&rd->r.ctl->head, h + need, memory_order_release);
}

/*
 * Takes the next record into out (cap >= max_record). Returns TT_RING_RECORD (*len, *pid set),
 * TT_RING_EMPTY, TT_RING_WAIT (the next record is still being written: call again soon) or
 * TT_RING_SKIPPED (its writer died or stalled: one record lost, *pid says whose).
 * `alive(pid)` tells whether a writer still exists; now_ms is a monotonic clock.
 */
static inline int tt_ring_take(struct tt_ring_reader *rd, uint8_t *out, size_t *len, uint32_t *pid,
                               uint64_t now_ms, int (*alive)(uint32_t pid)) {
    struct tt_ring *r = &rd->r;
    uint64_t h = atomic_load_explicit(&r->ctl->head, memory_order_relaxed);
    uint64_t t = atomic_load_explicit(&r->ctl->tail, memory_order_acquire);
    if (h == t) {
        return TT_RING_EMPTY;
    }
    struct tt_ring_slot *s = (struct tt_ring_slot *) (r->data + (h & r->mask));
    uint32_t c = atomic_load_explicit(&s->commit, memory_order_acquire);
    uint32_t n = atomic_load_explicit(&s->len, memory_order_relaxed);
    *pid = atomic_load_explicit(&s->pid, memory_order_relaxed);
    if (c == tt_ring_tag(h) && n > 0 && n <= r->ctl->max_record && tt_ring_need(n) <= t - h) {
        tt_ring_copy_out(r, h + TT_RING_SLOT_HDR, out, n);
        *len = n;
        tt_ring_release(rd, h, tt_ring_need(n), 0);
        return TT_RING_RECORD;
    }
    if (c == 0 || c == TT_RING_ABANDONED) { /* in flight (ABANDONED: an old mark not yet cleared) */
        if (rd->stuck_pos != h || rd->stuck_since_ms == 0) {
            rd->stuck_pos = h;
            rd->stuck_since_ms = now_ms ? now_ms : 1;
            return TT_RING_WAIT;
        }
        uint64_t waited = now_ms - rd->stuck_since_ms;
        int dead = *pid != 0 && !alive(*pid);
        if (!(waited >= rd->grace_alive_ms || ((dead || *pid == 0) && waited >= rd->grace_dead_ms))) {
            return TT_RING_WAIT;
        }
        if (n > 0 && n <= r->ctl->max_record && tt_ring_need(n) <= t - h) {
            uint32_t expect = c;
            if (!atomic_compare_exchange_strong(&s->commit, &expect, TT_RING_ABANDONED)) {
                return TT_RING_WAIT; /* published just now: taken on the next call */
            }
            tt_ring_release(rd, h, tt_ring_need(n), 1);
            rd->abandoned++;
            rd->stuck_since_ms = 0;
            return TT_RING_SKIPPED;
        }
        if (*pid == 0 && n == 0 && waited < rd->grace_alive_ms) {
            return TT_RING_WAIT; /* the writer has not even stored its length yet */
        }
    }
    /* The slot's length is unknown (its writer died right after reserving) or the header is
       damaged: resume at the next published slot and count one lost record. */
    for (uint64_t p = h + TT_RING_SLOT_HDR; p < t; p += 16) {
        struct tt_ring_slot *q = (struct tt_ring_slot *) (r->data + (p & r->mask));
        uint32_t qc = atomic_load_explicit(&q->commit, memory_order_acquire);
        uint32_t qn = atomic_load_explicit(&q->len, memory_order_relaxed);
        if (qc == tt_ring_tag(p) && qn > 0 && qn <= r->ctl->max_record && tt_ring_need(qn) <= t - p) {
            uint32_t expect = c;
            atomic_compare_exchange_strong(&s->commit, &expect, TT_RING_ABANDONED);
            tt_ring_release(rd, h, p - h, 1);
            rd->abandoned++;
            rd->stuck_since_ms = 0;
            return TT_RING_SKIPPED;
        }
    }
    return TT_RING_WAIT;
}

/*
 * Sleeps until a producer publishes while the ring is empty, or timeout_ms passes (the
 * consumer's waiting thread). Returns at once when the ring is not empty.
 */
static inline void tt_ring_wait(struct tt_ring *r, int timeout_ms) {
    struct tt_ring_ctl *c = r->ctl;
    atomic_store_explicit(&c->sleeping, 1, memory_order_seq_cst);
    if (tt_ring_pending(r) == 0) {
        struct timespec ts = {timeout_ms / 1000, (long) (timeout_ms % 1000) * 1000000L};
        syscall(SYS_futex, &c->sleeping, 0 /* FUTEX_WAIT, shared */, 1, &ts, NULL, 0);
    }
    atomic_store_explicit(&c->sleeping, 0, memory_order_relaxed);
}

#endif
