/*
 * A cache of the OS package part of host_env between runs. Reading dpkg's status, its file
 * lists and copyright files costs ~0.15 s of CPU for 800 packages: more than a short job run
 * under `telltale run` takes. The packages change only when a package database changes, so the
 * encoded packages are kept in TELLTALE_CACHE_DIR (default /tmp/.telltale-cache-<euid>, the
 * interceptor's library-hash cache) under a key made of the databases' identities (device,
 * inode, size, modification time). The Python and Node packages of the system-wide directories
 * are kept with them, keyed by the identities of the directories they were read from (reading
 * npm's own 185 package.json files took ~1.3 ms of CPU per run, and the forwarder waits for
 * host_env before it exits); those of the working directory and of the named ones are read
 * again at every run.
 *
 * Like the interceptor's cache, the directory must belong to us and not be writable by others,
 * or it is not used (a forged entry would forge the inventory); a damaged entry is rebuilt.
 */
#define _GNU_SOURCE
#include "hostenv_int.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAGIC "TTHOSTENV3\n"

typedef struct entry_head {
    char magic[sizeof MAGIC];
    uint32_t dpkg, apk, rpm, licences, files, pypi, npm;
    int32_t files_truncated, truncated;
    char notes[256];
    uint64_t len; /* encoded packages that follow */
} entry_head;

static uint64_t mix(uint64_t h, const void *p, size_t n) {
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++) {
        h = (h ^ c[i]) * 1099511628211ull; /* FNV-1a */
    }
    return h;
}

uint64_t tt_hostenv_mix_stat(uint64_t h, const char *root, const char *rel) {
    char path[4096];
    struct stat st;
    if (snprintf(path, sizeof path, "%s%s", root, rel) >= (int) sizeof path || stat(path, &st) != 0) {
        return mix(h, "-", 1);
    }
    uint64_t v[4] = {(uint64_t) st.st_dev, (uint64_t) st.st_ino, (uint64_t) st.st_size,
                     (uint64_t) st.st_mtim.tv_sec * 1000000000u + (uint64_t) st.st_mtim.tv_nsec};
    return mix(h, v, sizeof v);
}

int tt_hostenv_cache_name(const char *root, char *out, size_t cap) {
    static const char *dbs[] = {"/var/lib/dpkg/status", "/lib/apk/db/installed", "/var/lib/rpm/rpmdb.sqlite",
                                "/var/lib/rpm/Packages", "/var/lib/rpm/Packages.db",
                                "/usr/lib/sysimage/rpm/rpmdb.sqlite", "/usr/lib/sysimage/rpm/Packages.db"};
    uint64_t h = mix(14695981039346656037ull, root, strlen(root) + 1);
    for (size_t i = 0; i < TT_ARRAY_LEN(dbs); i++) {
        h = tt_hostenv_mix_stat(h, root, dbs[i]);
    }
    h = tt_hostenv_lang_system_key(h, root);
    char dir[3072];
    const char *d = getenv("TELLTALE_CACHE_DIR");
    if (d && *d) {
        snprintf(dir, sizeof dir, "%s", d);
    } else {
        snprintf(dir, sizeof dir, "/tmp/.telltale-cache-%u", (unsigned) geteuid());
    }
    struct stat st;
    if (lstat(dir, &st) != 0) {
        if (mkdir(dir, 0700) != 0 || lstat(dir, &st) != 0) {
            return 0;
        }
    }
    if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 022) != 0) {
        return 0;
    }
    return snprintf(out, cap, "%s/hostenv-%016llx", dir, (unsigned long long) h) < (int) cap;
}

int tt_hostenv_cache_get(const char *name, tt_buf *body, tt_hostenv_stats *st) {
    int fd = open(name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        return 0;
    }
    entry_head h;
    struct stat fs;
    int ok = fstat(fd, &fs) == 0 && fs.st_uid == geteuid() && read(fd, &h, sizeof h) == (ssize_t) sizeof h &&
             memcmp(h.magic, MAGIC, sizeof MAGIC) == 0 && h.len <= body->cap - body->len &&
             (uint64_t) fs.st_size == sizeof h + h.len &&
             read(fd, body->data + body->len, (size_t) h.len) == (ssize_t) h.len;
    close(fd);
    if (!ok) {
        return 0;
    }
    body->len += (size_t) h.len;
    st->dpkg = h.dpkg;
    st->apk = h.apk;
    st->rpm = h.rpm;
    st->licences = h.licences;
    st->files = h.files;
    st->pypi = h.pypi;
    st->npm = h.npm;
    st->files_truncated = h.files_truncated;
    st->truncated = h.truncated;
    h.notes[sizeof h.notes - 1] = 0;
    snprintf(st->notes, sizeof st->notes, "%s", h.notes);
    st->cached = 1;
    return 1;
}

void tt_hostenv_cache_put(const char *name, const uint8_t *pkgs, size_t len, const tt_hostenv_stats *st) {
    char tmp[4200];
    if (snprintf(tmp, sizeof tmp, "%s.%d", name, (int) getpid()) >= (int) sizeof tmp) {
        return;
    }
    entry_head h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, MAGIC, sizeof MAGIC);
    h.dpkg = st->dpkg;
    h.apk = st->apk;
    h.rpm = st->rpm;
    h.licences = st->licences;
    h.files = st->files;
    h.pypi = st->pypi;
    h.npm = st->npm;
    h.files_truncated = st->files_truncated;
    h.truncated = st->truncated;
    snprintf(h.notes, sizeof h.notes, "%s", st->notes);
    h.len = len;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        return;
    }
    int ok = write(fd, &h, sizeof h) == (ssize_t) sizeof h && write(fd, pkgs, len) == (ssize_t) len;
    close(fd);
    if (!ok || rename(tmp, name) != 0) {
        unlink(tmp);
    }
}
