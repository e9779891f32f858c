/*
 * The local channel to the forwarder (docs/interceptor.md, "Channel records").
 *
 * Ring: when TELLTALE_RING names a descriptor of the forwarder's shared-memory ring
 * (common/tt_ring.h), every record of this process image goes there: no system call per
 * event. A process uses one channel for its whole life (from load or exec), so its records
 * stay in order; a full ring counts records as lost, declared by a `lost` record in the ring
 * as soon as there is room again.
 *
 * Socket (no ring: the descriptor was closed before an exec, the forwarder runs without
 * one): one non-blocking SOCK_SEQPACKET connection per process, one datagram per record.
 *
 * Fail open: when the forwarder is missing or slow nothing waits; records that cannot be
 * sent are counted and declared later in a `lost` record. The program may close or reuse
 * our descriptor behind our back, so every send first checks (fstat) that the number still
 * names our socket; a dead socket is closed only when no other thread can be sending on it.
 */
#include "tt.h"

#include "../common/tt_ring.h"

#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

static _Atomic int chan_fd = -1;
static _Atomic int chan_checked;    /* every send verifies the descriptor (it is low) */
static _Atomic uint64_t chan_ino;   /* identity of our socket: st_ino (sockets share st_dev) */
static _Atomic int senders;         /* threads between loading chan_fd and finishing send */
static _Atomic int dead_fd = -1;    /* failed socket waiting until no sender can touch it */
static _Atomic int ever_connected;
static _Atomic uint64_t retry_at_us; /* 0: try now */
static _Atomic uint32_t backoff_ms;
static _Atomic uint32_t lost;
static atomic_flag connecting = ATOMIC_FLAG_INIT;

/* Keep our descriptor out of the low numbers programs expect to get from open(). */
#define CHAN_MIN_FD 512

/* ---------- ring ---------- */

static struct tt_ring ring;
static int ring_on;               /* set once at load, before any thread of ours */
static int ring_fd = -1;          /* inherited descriptor (kept open for exec'd programs) */
static _Atomic uint32_t ring_lost; /* records the full ring refused, not yet declared */
/* After the ring refused a record, events are not even built for a moment (the forwarder is
   far behind, stopped or gone): they are counted as lost at once, like a broken socket's. */
static _Atomic uint64_t ring_full_until;
#define RING_FULL_BACKOFF_US 10000u

/*
 * TELLTALE_RING = "<fd>:<token in hex>": an inherited memfd of the forwarder. Anything that
 * does not prove to be that ring (closed, reused number, other file) leaves us on the socket.
 */
void tt_channel_ring_init(void) {
    const char *v = getenv("TELLTALE_RING");
    if (v == NULL || *v == 0) {
        return;
    }
    char *end = NULL;
    long fd = strtol(v, &end, 10);
    if (end == v || *end != ':' || fd < 0 || fd > 1 << 20) {
        return;
    }
    uint64_t token = strtoull(end + 1, NULL, 16);
    struct stat st;
    if (syscall(SYS_fstat, (int) fd, &st) != 0 || !S_ISREG(st.st_mode) ||
        (uint64_t) st.st_size < TT_RING_CTL + TT_RING_MIN || (uint64_t) st.st_size > TT_RING_CTL + TT_RING_MAX ||
        (syscall(SYS_fcntl, (int) fd, F_GETFL) & O_ACCMODE) != O_RDWR) {
        tt_log("TELLTALE_RING: descriptor %ld is not the ring; using the socket", fd);
        return;
    }
    void *m = mmap(NULL, (size_t) st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, (int) fd, 0);
    if (m == MAP_FAILED) {
        return;
    }
    if (tt_ring_attach(&ring, m, (uint64_t) st.st_size, token) != 0) {
        munmap(m, (size_t) st.st_size);
        tt_log("TELLTALE_RING: descriptor %ld is not the ring; using the socket", fd);
        return;
    }
    ring_fd = (int) fd;
    ring_on = 1;
}

int tt_channel_ring_fd(void) {
    return ring_fd;
}

static void ring_send(uint8_t *rec, size_t len) {
    uint32_t pid = (uint32_t) tt_self_pid();
    uint32_t n = atomic_load_explicit(&ring_lost, memory_order_relaxed);
    if (n != 0 && (n = atomic_exchange(&ring_lost, 0)) != 0) {
        uint8_t lr[9];
        lr[0] = 2;
        for (int i = 0; i < 4; i++) {
            lr[1 + i] = (uint8_t) (n >> (8 * i));
            lr[5 + i] = (uint8_t) (pid >> (8 * i));
        }
        int r = tt_ring_put(&ring, lr, sizeof lr, pid);
        if (r != TT_RING_PUT) {
            atomic_fetch_add(&ring_lost, n + 1);
            if (r == TT_RING_FULL) {
                atomic_store_explicit(&ring_full_until, tt_now_us() + RING_FULL_BACKOFF_US, memory_order_relaxed);
            }
            return; /* still full: this record is lost too, and declared later */
        }
    }
    int r = len > TT_RECORD_MAX ? TT_RING_LATE : tt_ring_put(&ring, rec, len, pid);
    if (r != TT_RING_PUT) {
        atomic_fetch_add(&ring_lost, 1);
        if (r == TT_RING_FULL) {
            atomic_store_explicit(&ring_full_until, tt_now_us() + RING_FULL_BACKOFF_US, memory_order_relaxed);
        }
    }
}

static uint64_t fd_ino(int fd) {
    struct stat st;
    if (syscall(SYS_fstat, fd, &st) != 0 || !S_ISSOCK(st.st_mode)) {
        return 0;
    }
    return (uint64_t) st.st_ino;
}

static void schedule_retry(void) {
    uint32_t b = atomic_load(&backoff_ms);
    b = b == 0 ? 200 : (b * 2 > 10000 ? 10000 : b * 2);
    atomic_store(&backoff_ms, b);
    atomic_store(&retry_at_us, tt_now_us() + (uint64_t) b * 1000u);
}

/* Closes a failed socket once nobody else can be about to send on it. */
static void reap_dead(void) {
    int d = atomic_load(&dead_fd);
    if (d >= 0 && atomic_load(&senders) == 0 && atomic_compare_exchange_strong(&dead_fd, &d, -1)) {
        tt_sys_close(d);
    }
}

/* Stops using fd. ours: we close it (later); failed: reconnect only after a back-off. */
static void retire(int fd, int ours, int failed) {
    int expected = fd;
    if (atomic_compare_exchange_strong(&chan_fd, &expected, -1)) {
        if (ours) {
            int old = atomic_exchange(&dead_fd, fd);
            if (old >= 0 && old != fd) {
                /* two failures before a reap: the older one can no longer be in use */
                tt_sys_close(old);
            }
        }
        if (failed) {
            schedule_retry();
        } else {
            atomic_store(&retry_at_us, 0);
        }
    }
}

static int try_connect(void) {
    if (atomic_flag_test_and_set(&connecting)) {
        return -1;
    }
    int fd = atomic_load(&chan_fd);
    if (fd >= 0) {
        atomic_flag_clear(&connecting);
        return fd;
    }
    reap_dead();
    int s = (int) syscall(SYS_socket, AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (s < 0) {
        goto fail;
    }
    int high = (int) syscall(SYS_fcntl, s, F_DUPFD_CLOEXEC, CHAN_MIN_FD);
    if (high >= 0) {
        tt_sys_close(s);
        s = high;
    }
    atomic_store(&chan_checked, s < CHAN_MIN_FD);
    int sndbuf = 1 << 20; /* the kernel caps it at wmem_max; records are up to 256 KiB */
    syscall(SYS_setsockopt, s, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, tt_cfg.channel, tt_cfg.channel_len);
    socklen_t len = (socklen_t) (offsetof(struct sockaddr_un, sun_path) + tt_cfg.channel_len);
    if (syscall(SYS_connect, s, &sa, len) != 0) {
        tt_log("channel connect failed: %s", strerror(errno));
        tt_sys_close(s);
        goto fail;
    }
    if (atomic_load(&chan_checked)) {
        uint64_t ino = fd_ino(s);
        if (ino == 0) {
            tt_sys_close(s);
            goto fail;
        }
        atomic_store(&chan_ino, ino);
    }
    atomic_store(&chan_fd, s);
    atomic_store(&ever_connected, 1);
    atomic_store(&backoff_ms, 0);
    atomic_flag_clear(&connecting);
    return s;
fail:
    schedule_retry();
    atomic_flag_clear(&connecting);
    return -1;
}

int tt_channel_usable(void) {
    if (ring_on) {
        uint64_t until = atomic_load_explicit(&ring_full_until, memory_order_relaxed);
        if (TT_LIKELY(until == 0)) {
            return 1;
        }
        if (tt_now_us() < until) {
            atomic_fetch_add(&ring_lost, 1);
            return 0;
        }
        atomic_store_explicit(&ring_full_until, 0, memory_order_relaxed);
        return 1;
    }
    if (atomic_load(&chan_fd) >= 0) {
        return 1;
    }
    if (tt_now_us() >= atomic_load(&retry_at_us) && !tt_foreign_child()) {
        return try_connect() >= 0;
    }
    if (atomic_load(&ever_connected)) {
        atomic_fetch_add(&lost, 1);
    }
    return 0;
}

/* 1 sent, 0 not sent but the channel is fine (full), -1 channel broken. */
static int send_raw(int fd, const void *p, size_t len) {
    for (;;) {
        ssize_t r = syscall(SYS_sendto, fd, p, len, MSG_DONTWAIT | MSG_NOSIGNAL, NULL, 0);
        if (r >= 0) {
            return 1;
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS || errno == EMSGSIZE ||
            errno == ENOMEM) {
            return 0;
        }
        return -1;
    }
}

static int flush_lost(int fd) {
    uint32_t n = atomic_exchange(&lost, 0);
    if (n == 0) {
        return 1;
    }
    uint8_t rec[9];
    uint32_t pid = (uint32_t) tt_sys_getpid();
    rec[0] = 2;
    for (int i = 0; i < 4; i++) {
        rec[1 + i] = (uint8_t) (n >> (8 * i));
        rec[5 + i] = (uint8_t) (pid >> (8 * i));
    }
    int r = send_raw(fd, rec, sizeof rec);
    if (r != 1) {
        atomic_fetch_add(&lost, n);
    }
    return r;
}

void tt_channel_send(uint8_t *rec, size_t len) {
    if (ring_on) {
        ring_send(rec, len);
        return;
    }
    atomic_fetch_add(&senders, 1);
    int fd = atomic_load(&chan_fd);
    if (fd < 0 && !tt_foreign_child() && tt_now_us() >= atomic_load(&retry_at_us)) {
        fd = try_connect();
    }
    if (fd < 0) {
        if (atomic_load(&ever_connected)) {
            atomic_fetch_add(&lost, 1);
        }
        tt_log("record of %zu bytes dropped: no channel", len);
        atomic_fetch_sub(&senders, 1);
        return;
    }
    if (atomic_load_explicit(&chan_checked, memory_order_relaxed) && fd_ino(fd) != atomic_load(&chan_ino)) {
        /* the program closed or replaced our descriptor: it is not ours to close */
        if (!tt_foreign_child()) {
            retire(fd, 0, 0);
        }
        tt_log("channel descriptor %d replaced behind our back", fd);
        atomic_fetch_add(&lost, 1);
        atomic_fetch_sub(&senders, 1);
        return;
    }
    int r = len > TT_RECORD_MAX ? 0 : flush_lost(fd);
    if (r == 1) {
        r = send_raw(fd, rec, len);
    }
    if (r != 1) {
        atomic_fetch_add(&lost, 1);
        static _Atomic uint64_t last_log;
        uint64_t now = tt_now_us();
        if (tt_cfg.log[0] && now - atomic_load(&last_log) > 1000000u) {
            atomic_store(&last_log, now);
            tt_log("record of %zu bytes not sent: %s (logged once a second)", len, strerror(errno));
        }
    }
    atomic_fetch_sub(&senders, 1);
    if (r < 0 && !tt_foreign_child()) {
        retire(fd, 1, 1);
    }
}

/*
 * The program is about to close (or replace) descriptors lo..hi: if ours is among them we
 * let go of it first, so no record can go to whatever reuses the number. (Descriptors closed
 * by raw system calls are not seen: ours sits above CHAN_MIN_FD, where numbers are reused
 * last, and is verified on every send when it could not be moved there.)
 */
void tt_channel_closing(int lo, int hi) {
    int fd = atomic_load_explicit(&chan_fd, memory_order_relaxed);
    if (fd >= 0 && fd >= lo && fd <= hi && !tt_foreign_child()) {
        retire(fd, 0, 0);
    }
}

void tt_channel_add_lost(uint32_t n) {
    atomic_fetch_add(&lost, n);
}

int tt_channel_fd(void) {
    return atomic_load(&chan_fd);
}

void tt_channel_after_fork_child(void) {
    /* The inherited socket is the parent's connection: the child gets its own. */
    int fd = atomic_load(&chan_fd);
    if (fd >= 0 && fd_ino(fd) == atomic_load(&chan_ino)) {
        tt_sys_close(fd);
    }
    int d = atomic_load(&dead_fd);
    if (d >= 0) {
        tt_sys_close(d);
    }
    atomic_store(&chan_fd, -1);
    atomic_store(&dead_fd, -1);
    atomic_store(&senders, 0);
    atomic_store(&lost, 0);
    atomic_store(&ring_lost, 0); /* the parent's to declare; the mapping is shared and stays */
    atomic_store(&ring_full_until, 0);
    atomic_store(&retry_at_us, 0);
    atomic_store(&backoff_ms, 0);
    atomic_flag_clear(&connecting);
}
