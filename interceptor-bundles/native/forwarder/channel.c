#define _GNU_SOURCE
#include "channel.h"

#include "log.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

int tt_channel_open(tt_channel *ch) {
    memset(ch, 0, sizeof *ch);
    ch->ring_fd = -1;
    ch->owner = getpid();
    ch->uid = geteuid();
    ch->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (ch->fd < 0) {
        return -1;
    }
    /* Records are up to 256 KiB; a deep queue lets bursts wait while the spool syncs. The
     * kernel caps SO_RCVBUF at rmem_max; root may exceed it with SO_RCVBUFFORCE. */
    int size = 4 << 20;
    if (setsockopt(ch->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0) {
        setsockopt(ch->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    }
    uint8_t rnd[8];
    char hex[17];
    tt_random(rnd, sizeof rnd);
    tt_hex(rnd, sizeof rnd, hex);
    snprintf(ch->env_name, sizeof ch->env_name, "@telltale-%d-%s", (int) ch->owner, hex);

    struct sockaddr_un addr;
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    size_t n = strlen(ch->env_name); /* the leading '@' becomes the abstract namespace's NUL */
    memcpy(addr.sun_path + 1, ch->env_name + 1, n - 1);
    socklen_t alen = (socklen_t) (offsetof(struct sockaddr_un, sun_path) + n);
    if (bind(ch->fd, (struct sockaddr *) &addr, alen) != 0 || listen(ch->fd, SOMAXCONN) != 0) {
        int e = errno;
        close(ch->fd);
        ch->fd = -1;
        errno = e;
        return -1;
    }
    int got = 0;
    socklen_t gl = sizeof got;
    getsockopt(ch->fd, SOL_SOCKET, SO_RCVBUF, &got, &gl);
    tt_info("channel %s listening (receive buffer %d bytes)", ch->env_name, got);
    return 0;
}

void tt_channel_close(tt_channel *ch) {
    if (ch->fd >= 0) {
        close(ch->fd);
        ch->fd = -1;
    }
}

int tt_is_descendant(pid_t pid, pid_t ancestor) {
    for (int depth = 0; depth < 64 && pid > 1; depth++) {
        if (pid == ancestor) {
            return 1;
        }
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/stat", (int) pid);
        char *stat = tt_read_file(path, 4096, NULL);
        if (!stat) {
            return 0;
        }
        /* "pid (comm) state ppid ...": comm may hold spaces and parentheses. */
        char *rp = strrchr(stat, ')');
        int ppid = 0;
        char state;
        if (!rp || sscanf(rp + 1, " %c %d", &state, &ppid) != 2) {
            free(stat);
            return 0;
        }
        free(stat);
        pid = ppid;
    }
    return pid == ancestor;
}

int tt_channel_accept(tt_channel *ch) {
    int fd = accept4(ch->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) {
        return -1;
    }
    struct ucred cred;
    socklen_t len = sizeof cred;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
        close(fd);
        ch->refused++;
        return -2;
    }
    /* The socket name is listed in /proc/net/unix: anyone on the host could connect and
     * inject events. Only our user's processes and our own process tree may. */
    if (cred.uid != ch->uid && !tt_is_descendant(cred.pid, ch->owner)) {
        tt_warn("channel: refused a connection from pid %d uid %d (not ours)", (int) cred.pid, (int) cred.uid);
        close(fd);
        ch->refused++;
        return -2;
    }
    ch->accepted++;
    return fd;
}

/* Descriptor number the ring gets in the child: out of the way of the program's own. */
#define RING_CHILD_FD 511

int tt_channel_ring_open(tt_channel *ch, uint64_t size) {
    if (size == 0) {
        size = TT_RING_DEFAULT;
    }
    if (size < TT_RING_MIN || size > TT_RING_MAX || (size & (size - 1)) != 0) {
        errno = EINVAL;
        return -1;
    }
    int fd = (int) syscall(SYS_memfd_create, "telltale-ring", 1u /* MFD_CLOEXEC */);
    if (fd < 0) {
        return -1;
    }
    size_t len = TT_RING_CTL + (size_t) size;
    if (ftruncate(fd, (off_t) len) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    void *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (m == MAP_FAILED) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    uint64_t token;
    tt_random((uint8_t *) &token, sizeof token);
    tt_ring_init(m, size, token, TT_RECORD_MAX);
    if (tt_ring_attach(&ch->ring.r, m, len, token) != 0) {
        munmap(m, len);
        close(fd);
        errno = EINVAL;
        return -1;
    }
    ch->ring.grace_dead_ms = 50;
    ch->ring.grace_alive_ms = 2000;
    ch->ring_fd = fd;
    ch->ring_map = m;
    ch->ring_map_len = len;
    tt_info("ring of %llu bytes", (unsigned long long) size);
    return 0;
}

int tt_channel_ring_share(tt_channel *ch) {
    if (ch->ring_fd < 0) {
        return -1;
    }
    /* F_DUPFD without CLOEXEC: the child inherits it; the fork happens right after. */
    int fd = fcntl(ch->ring_fd, F_DUPFD, RING_CHILD_FD);
    if (fd < 0) {
        return -1;
    }
    snprintf(ch->ring_env, sizeof ch->ring_env, "%d:%llx", fd, (unsigned long long) ch->ring.r.ctl->token);
    return fd;
}

void tt_channel_ring_close(tt_channel *ch) {
    if (ch->ring_map) {
        munmap(ch->ring_map, ch->ring_map_len);
        ch->ring_map = NULL;
    }
    if (ch->ring_fd >= 0) {
        close(ch->ring_fd);
        ch->ring_fd = -1;
    }
}
