/*
 * Unit test of the shared-memory ring (common/tt_ring.h), glibc and musl:
 *  1. many producers (threads of this process and of forked processes) write concurrently
 *     into a small ring that wraps dozens of times; the consumer sees every record exactly
 *     once, each producer's in its order, intact;
 *  2. a producer killed mid-write (length known) is skipped after the grace period and
 *     counted; one killed right after reserving (length unknown) is skipped by resynchronising;
 *  3. a stalled writer is given up after the long timeout and its late publish fails;
 *  4. a full ring refuses without blocking or overwriting, and works again once drained;
 *  5. a record straddling the end of the data area comes out whole;
 *  6. a consumer sleeping on the futex is woken by the first record.
 * Exit status 0 when all pass.
 */
#define _GNU_SOURCE
#include "../../common/tt_ring.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int failures;
#define CHECK(c, ...)                                                                         \
    do {                                                                                      \
        if (!(c)) {                                                                           \
            failures++;                                                                       \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                              \
            fprintf(stderr, __VA_ARGS__);                                                     \
            fputc('\n', stderr);                                                              \
        }                                                                                     \
    } while (0)

static uint64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000u + (uint64_t) ts.tv_nsec / 1000000u;
}

static int alive(uint32_t pid) {
    return kill((pid_t) pid, 0) == 0 || errno != ESRCH;
}

static struct tt_ring_reader rd;
static void *map;

static void new_ring(uint64_t size) {
    if (map) {
        munmap(map, TT_RING_CTL + rd.r.size);
    }
    map = mmap(NULL, TT_RING_CTL + size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED) {
        perror("mmap");
        exit(2);
    }
    tt_ring_init(map, size, 42, 256 * 1024);
    memset(&rd, 0, sizeof rd);
    tt_ring_attach(&rd.r, map, TT_RING_CTL + size, 42);
    rd.grace_dead_ms = 20;
    rd.grace_alive_ms = 300;
}

/* ---------- 1. concurrency ---------- */

#define PRODUCERS_THREADS 3
#define PROCS 3
#define THREADS_PER_PROC 2
#define PER_PRODUCER 20000
#define NPRODUCERS (PRODUCERS_THREADS + PROCS * THREADS_PER_PROC)

/* record: u8 kind, u32 producer, u32 seq, then filler derived from both */
static size_t rec_len(uint32_t prod, uint32_t seq) {
    uint32_t x = (prod * 2654435761u) ^ (seq * 40503u);
    if (x % 97 == 0) {
        return 9 + (x >> 8) % 60000; /* now and then a big one */
    }
    return 9 + (x >> 8) % 700;
}

static void fill(uint8_t *b, uint32_t prod, uint32_t seq, size_t len) {
    b[0] = 1;
    memcpy(b + 1, &prod, 4);
    memcpy(b + 5, &seq, 4);
    for (size_t i = 9; i < len; i++) {
        b[i] = (uint8_t) (prod * 31 + seq * 7 + i);
    }
}

static void *producer(void *arg) {
    uint32_t prod = (uint32_t) (uintptr_t) arg;
    static __thread uint8_t buf[64 * 1024];
    uint32_t pid = (uint32_t) getpid();
    for (uint32_t seq = 0; seq < PER_PRODUCER; seq++) {
        size_t len = rec_len(prod, seq);
        fill(buf, prod, seq, len);
        int r;
        while ((r = tt_ring_put(&rd.r, buf, len, pid)) == TT_RING_FULL) {
            sched_yield(); /* the test retries; the interceptor counts the record as lost */
        }
        if (r != TT_RING_PUT) {
            fprintf(stderr, "producer %u: record %u given up\n", prod, seq);
            exit(3);
        }
    }
    return NULL;
}

static void test_concurrency(void) {
    new_ring(TT_RING_MIN);
    pid_t kids[PROCS];
    for (int p = 0; p < PROCS; p++) {
        kids[p] = fork();
        if (kids[p] == 0) {
            pthread_t t[THREADS_PER_PROC];
            for (int i = 0; i < THREADS_PER_PROC; i++) {
                pthread_create(&t[i], NULL, producer,
                               (void *) (uintptr_t) (PRODUCERS_THREADS + p * THREADS_PER_PROC + i));
            }
            for (int i = 0; i < THREADS_PER_PROC; i++) {
                pthread_join(t[i], NULL);
            }
            _exit(0);
        }
    }
    pthread_t t[PRODUCERS_THREADS];
    for (int i = 0; i < PRODUCERS_THREADS; i++) {
        pthread_create(&t[i], NULL, producer, (void *) (uintptr_t) i);
    }
    uint32_t next[NPRODUCERS] = {0};
    static uint8_t out[256 * 1024], want[64 * 1024];
    uint64_t total = 0, expect = (uint64_t) NPRODUCERS * PER_PRODUCER, bad = 0, t0 = now_ms();
    while (total < expect && now_ms() - t0 < 120000) {
        size_t n;
        uint32_t pid;
        int r = tt_ring_take(&rd, out, &n, &pid, now_ms(), alive);
        if (r == TT_RING_EMPTY || r == TT_RING_WAIT) {
            sched_yield();
            continue;
        }
        CHECK(r == TT_RING_RECORD, "unexpected take result %d", r);
        if (r != TT_RING_RECORD || n < 9) {
            bad++;
            continue;
        }
        uint32_t prod, seq;
        memcpy(&prod, out + 1, 4);
        memcpy(&seq, out + 5, 4);
        if (prod >= NPRODUCERS || seq != next[prod]) {
            if (bad++ < 5) {
                CHECK(0, "producer %u: got record %u, expected %u", prod, seq, prod < NPRODUCERS ? next[prod] : 0);
            }
            continue;
        }
        size_t len = rec_len(prod, seq);
        fill(want, prod, seq, len);
        if (n != len || memcmp(out, want, len) != 0) {
            if (bad++ < 5) {
                CHECK(0, "producer %u record %u: damaged (%zu bytes, expected %zu)", prod, seq, n, len);
            }
        }
        next[prod]++;
        total++;
    }
    for (int i = 0; i < PRODUCERS_THREADS; i++) {
        pthread_join(t[i], NULL);
    }
    for (int p = 0; p < PROCS; p++) {
        int st;
        waitpid(kids[p], &st, 0);
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "producer process %d failed", p);
    }
    size_t n;
    uint32_t pid;
    CHECK(tt_ring_take(&rd, out, &n, &pid, now_ms(), alive) == TT_RING_EMPTY, "records left over");
    CHECK(total == expect && bad == 0, "%llu of %llu records, %llu bad", (unsigned long long) total,
          (unsigned long long) expect, (unsigned long long) bad);
    CHECK(atomic_load(&rd.r.ctl->tail) > 20 * rd.r.size, "the ring should have wrapped many times");
    printf("ring: %d producers (%d processes) x %d records, %llu bytes through a %llu-byte ring, %llu refusals\n",
           NPRODUCERS, PROCS + 1, PER_PRODUCER, (unsigned long long) atomic_load(&rd.r.ctl->tail),
           (unsigned long long) rd.r.size, (unsigned long long) atomic_load(&rd.r.ctl->refused));
}

/* ---------- 2. killed writers ---------- */

static int take_all(uint8_t *out, int *records, int *skipped, int want_total, int max_ms) {
    uint64_t t0 = now_ms();
    while (*records + *skipped < want_total && now_ms() - t0 < (uint64_t) max_ms) {
        size_t n;
        uint32_t pid;
        int r = tt_ring_take(&rd, out, &n, &pid, now_ms(), alive);
        if (r == TT_RING_RECORD) {
            (*records)++;
        } else if (r == TT_RING_SKIPPED) {
            (*skipped)++;
        } else {
            usleep(1000);
        }
    }
    return *records + *skipped == want_total;
}

static void test_killed(int before_len) {
    new_ring(TT_RING_MIN);
    uint8_t rec[100];
    fill(rec, 1, 0, sizeof rec);
    int pipefd[2];
    if (pipe(pipefd) != 0) {
        exit(2);
    }
    pid_t kid = fork();
    if (kid == 0) {
        uint64_t pos;
        if (before_len) {
            /* reserve by hand and die before stamping length and pid */
            atomic_fetch_add(&rd.r.ctl->tail, tt_ring_need(sizeof rec));
        } else {
            tt_ring_reserve(&rd.r, sizeof rec, (uint32_t) getpid(), &pos);
            tt_ring_copy_in(&rd.r, pos + TT_RING_SLOT_HDR, rec, 40); /* half written */
        }
        ssize_t w = write(pipefd[1], "x", 1);
        (void) w;
        pause();
        _exit(0);
    }
    char c;
    ssize_t r = read(pipefd[0], &c, 1);
    (void) r;
    close(pipefd[0]);
    close(pipefd[1]);
    for (int i = 0; i < 10; i++) {
        CHECK(tt_ring_put(&rd.r, rec, sizeof rec, (uint32_t) getpid()) == TT_RING_PUT, "put after a stuck slot");
    }
    uint8_t out[256 * 1024];
    size_t n;
    uint32_t pid;
    /* the dead-to-be writer blocks the records behind it while it lives (a short while) */
    CHECK(tt_ring_take(&rd, out, &n, &pid, now_ms(), alive) == TT_RING_WAIT, "in-flight slot must wait");
    kill(kid, SIGKILL);
    waitpid(kid, NULL, 0);
    int records = 0, skipped = 0;
    CHECK(take_all(out, &records, &skipped, 11, 5000), "records after a killed writer: %d + %d skipped", records,
          skipped);
    CHECK(records == 10 && skipped == 1, "killed writer (%s): %d records, %d skipped",
          before_len ? "before its length" : "mid-copy", records, skipped);
    CHECK(tt_ring_take(&rd, out, &n, &pid, now_ms(), alive) == TT_RING_EMPTY, "ring empty after");
    CHECK(rd.abandoned == 1, "abandoned count %llu", (unsigned long long) rd.abandoned);
}

/* ---------- 3. stalled writer publishes late ---------- */

static void test_late(void) {
    new_ring(TT_RING_MIN);
    uint8_t rec[64], out[256 * 1024];
    fill(rec, 2, 0, sizeof rec);
    uint64_t pos;
    CHECK(tt_ring_reserve(&rd.r, sizeof rec, (uint32_t) getpid(), &pos) == 0, "reserve");
    CHECK(tt_ring_put(&rd.r, rec, sizeof rec, (uint32_t) getpid()) == TT_RING_PUT, "put");
    int records = 0, skipped = 0;
    uint64_t t0 = now_ms();
    CHECK(take_all(out, &records, &skipped, 2, 3000), "stalled writer never given up");
    CHECK(skipped == 1 && records == 1 && now_ms() - t0 >= rd.grace_alive_ms,
          "alive writer given up after %llu ms (%d skipped)", (unsigned long long) (now_ms() - t0), skipped);
    tt_ring_copy_in(&rd.r, pos + TT_RING_SLOT_HDR, rec, sizeof rec);
    CHECK(tt_ring_publish(&rd.r, pos) == 0, "a late publish must fail");
    size_t n;
    uint32_t pid;
    CHECK(tt_ring_take(&rd, out, &n, &pid, now_ms(), alive) == TT_RING_EMPTY, "late record must not appear");
}

/* ---------- 4. full ---------- */

static void test_full(void) {
    new_ring(TT_RING_MIN);
    static uint8_t rec[4000], out[256 * 1024];
    fill(rec, 3, 0, sizeof rec);
    int put = 0;
    while (tt_ring_put(&rd.r, rec, sizeof rec, 1) == TT_RING_PUT) {
        put++;
    }
    CHECK(put == (int) (rd.r.size / tt_ring_need(sizeof rec)), "%d records fit", put);
    CHECK(atomic_load(&rd.r.ctl->refused) == 1, "refusal counted");
    uint64_t room = rd.r.size - atomic_load(&rd.r.ctl->tail);
    while (room >= tt_ring_need(9)) {
        CHECK(tt_ring_put(&rd.r, rec, 9, 1) == TT_RING_PUT, "small record in the remaining room");
        put++;
        room -= tt_ring_need(9);
    }
    CHECK(tt_ring_put(&rd.r, rec, 9, 1) == TT_RING_FULL, "the ring is full to the byte");
    int got = 0, skipped = 0;
    take_all(out, &got, &skipped, put, 2000);
    size_t n;
    uint32_t pid;
    CHECK(got == put && skipped == 0 && tt_ring_take(&rd, out, &n, &pid, now_ms(), alive) == TT_RING_EMPTY,
          "drained %d of %d", got, put);
    CHECK(tt_ring_put(&rd.r, rec, sizeof rec, 1) == TT_RING_PUT, "put after draining");
    CHECK(tt_ring_put(&rd.r, rec, 256 * 1024 + 1, 1) == TT_RING_FULL, "too big a record is refused");
}

/* ---------- 5. wrap-around ---------- */

static void test_wrap(void) {
    new_ring(TT_RING_MIN);
    static uint8_t rec[100000], out[256 * 1024];
    /* move both positions to 48 bytes before the end */
    uint64_t start = rd.r.size - 48;
    atomic_store(&rd.r.ctl->tail, start);
    atomic_store(&rd.r.ctl->head, start);
    fill(rec, 4, 7, sizeof rec);
    CHECK(tt_ring_put(&rd.r, rec, sizeof rec, 1) == TT_RING_PUT, "put across the end");
    fill(rec, 4, 8, 9);
    CHECK(tt_ring_put(&rd.r, rec, 9, 1) == TT_RING_PUT, "put after");
    size_t n;
    uint32_t pid;
    CHECK(tt_ring_take(&rd, out, &n, &pid, now_ms(), alive) == TT_RING_RECORD && n == sizeof rec, "take across");
    fill(rec, 4, 7, sizeof rec);
    CHECK(memcmp(out, rec, sizeof rec) == 0, "record across the end intact");
    CHECK(tt_ring_take(&rd, out, &n, &pid, now_ms(), alive) == TT_RING_RECORD && n == 9, "next record");
    /* every consumed byte is zero again */
    int dirty = 0;
    for (uint64_t i = 0; i < rd.r.size; i++) {
        dirty |= rd.r.data[i];
    }
    CHECK(!dirty, "consumed slots are zeroed");
}

/* ---------- 6. wake-up ---------- */

static _Atomic int woke;
static void *sleeper(void *arg) {
    (void) arg;
    tt_ring_wait(&rd.r, 5000);
    atomic_store(&woke, 1);
    return NULL;
}

static void test_wake(void) {
    new_ring(TT_RING_MIN);
    pthread_t t;
    pthread_create(&t, NULL, sleeper, NULL);
    while (atomic_load(&rd.r.ctl->sleeping) == 0) {
        usleep(1000);
    }
    usleep(20000);
    uint8_t rec[9] = {1};
    uint64_t t0 = now_ms();
    tt_ring_put(&rd.r, rec, sizeof rec, 1);
    pthread_join(t, NULL);
    CHECK(woke && now_ms() - t0 < 1000, "sleeping consumer woken after %llu ms", (unsigned long long) (now_ms() - t0));
    CHECK(atomic_load(&rd.r.ctl->wakes) == 1, "one wake-up system call");
    tt_ring_put(&rd.r, rec, sizeof rec, 1);
    CHECK(atomic_load(&rd.r.ctl->wakes) == 1, "no wake-up while the consumer is not sleeping");
}

int main(void) {
    test_concurrency();
    test_killed(0);
    test_killed(1);
    test_late();
    test_full();
    test_wrap();
    test_wake();
    if (failures) {
        fprintf(stderr, "ring test: %d failure(s)\n", failures);
        return 1;
    }
    printf("ring test: all passed\n");
    return 0;
}
