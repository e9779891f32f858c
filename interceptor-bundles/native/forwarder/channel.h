/*
 * The local channel (docs/interceptor.md, "Channel records"): an abstract-namespace
 * SOCK_SEQPACKET socket the interceptors of the process tree connect to, one connection per
 * process, one record per datagram.
 */
#ifndef TT_CHANNEL_H
#define TT_CHANNEL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../common/tt_ring.h"

#define TT_RECORD_MAX (256u << 10) /* largest record an interceptor may send */

enum { TT_CHAN_EVENT = 1, TT_CHAN_LOST = 2 };

typedef struct tt_channel {
    int fd;                 /* listening socket */
    char env_name[112];     /* for TELLTALE_CHANNEL: "@telltale-<pid>-<random>" */
    pid_t owner;            /* the forwarder's pid: peers must be its descendants or its user */
    uid_t uid;
    uint64_t accepted, refused;
    /* the shared-memory ring (common/tt_ring.h); ring_fd < 0 without one */
    int ring_fd;
    void *ring_map;
    size_t ring_map_len;
    struct tt_ring_reader ring;
    char ring_env[64]; /* for TELLTALE_RING: "<fd>:<token>", fd valid in the child only */
} tt_channel;

/* Binds and listens. Returns 0 or -1 (errno set). */
int tt_channel_open(tt_channel *ch);
void tt_channel_close(tt_channel *ch);

/* Accepts one pending connection (non-blocking, close-on-exec) if its peer may send to us:
 * a process of our user, or a descendant of ours (a program that changed its uid).
 * Returns the fd, -1 when none is pending, -2 when one was refused. */
int tt_channel_accept(tt_channel *ch);

/* Creates the ring (a memfd of TT_RING_CTL + size bytes; size 0 = TT_RING_DEFAULT). Returns
 * 0, or -1 (errno set): records then go over the socket only. */
int tt_channel_ring_open(tt_channel *ch, uint64_t size);
/* Makes an inheritable copy of the ring descriptor for the child and fills ring_env; returns
 * the copy (close it once the child is started) or -1. */
int tt_channel_ring_share(tt_channel *ch);
void tt_channel_ring_close(tt_channel *ch);

/* Whether pid descends from ancestor (walks /proc/<pid>/stat, bounded). */
int tt_is_descendant(pid_t pid, pid_t ancestor);

#endif
