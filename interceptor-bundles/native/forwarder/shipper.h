/*
 * The shipper thread: reads durable records from the spool and sends them to the appliance
 * (docs/protocol.md): HELLO, WELCOME → resume from next_seq (GAP for what the spool no longer
 * has), BATCH frames on one zstd stream per connection, a window of unacknowledged frames,
 * ACK → delete covered segments, PING when idle, reconnect with capped, jittered back-off.
 */
#ifndef TT_SHIPPER_H
#define TT_SHIPPER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "config.h"
#include "frames.h"
#include "spool.h"

typedef struct tt_shipper {
    tt_spool *sp;
    const tt_config *cfg;
    tt_hello hello;
    char hostname[256];
    char container_id[128];
    pthread_t thread;
    int started;
    int wake_fd;                /* eventfd: new durable records */
    int drain_fd;               /* eventfd, set once: the command exited, finish up */
    int kill_fd;                /* eventfd, set once: stop at once */
    _Atomic int draining;       /* send what is durable, then stop */
    _Atomic int stop_now;
    _Atomic int finished;       /* the thread has left its loop */
    _Atomic uint64_t acked;     /* highest seq the appliance has acknowledged */
    _Atomic int connected;
    _Atomic int offline;        /* cannot ship in this run: never connected, and the last try failed */
    /* statistics */
    _Atomic uint64_t events_sent, batches_sent, gaps_sent, raw_bytes, wire_bytes, rejected, connects;
} tt_shipper;

/* Prepares the HELLO identity; does not start the thread. Returns 0 or -1. */
int tt_shipper_init(tt_shipper *sh, tt_spool *sp, const tt_config *cfg);
int tt_shipper_start(tt_shipper *sh);
/* New durable records are waiting. */
void tt_shipper_notify(tt_shipper *sh);
/* Asks the shipper to send what is durable and stop; waits at most ms for it. Returns 1 when
 * everything durable was acknowledged. */
int tt_shipper_finish(tt_shipper *sh, unsigned ms);
/* Whether nothing will be shipped in this run as things stand: not started, nothing to ship
 * to (no portal or token), or the appliance has not been reached by any try so far. */
int tt_shipper_offline(tt_shipper *sh);
void tt_shipper_free(tt_shipper *sh);

#endif
