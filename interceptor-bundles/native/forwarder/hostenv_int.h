/*
 * Internals shared by the host environment collectors (hostenv.c: OS package databases;
 * hostenv_lang.c: Python and Node packages on disk). Not part of the forwarder's interface.
 */
#ifndef TT_HOSTENV_INT_H
#define TT_HOSTENV_INT_H

#include "../common/tt_wire.h"
#include "hostenv.h"
#include "util.h"

#include <stddef.h>
#include <stdint.h>

#define PKG_ROOM 16384u /* stop adding packages when less than this is left in the event */

typedef struct pkg {
    const char *name, *version, *source, *arch, *license, *manager;
    size_t name_len, version_len, source_len, arch_len, license_len;
    tt_bytes_buf *files;       /* NUL-terminated paths, one after another; may be NULL */
} pkg;

typedef struct builder {
    tt_buf *b;
    tt_hostenv_stats *st;
    uint64_t files_end;        /* monotonic deadline of reading file lists */
} builder;

/* Appends one package (field 4 of host_env) unless the event is nearly full. */
void tt_hostenv_add_pkg(builder *bd, const pkg *p);

/* Python distributions (*.dist-info, *.egg-info) and Node packages (node_modules) in the usual
 * system places (site-packages under /usr and /usr/local, the global node_modules); paths are
 * taken under root. */
void tt_hostenv_collect_lang_system(builder *bd, const char *root);
/* The same in the virtual environments and node_modules of cwd, $VIRTUAL_ENV and the
 * directories of TELLTALE_PACKAGE_DIRS. */
void tt_hostenv_collect_lang_local(builder *bd, const char *root, const char *cwd);
/* h mixed with the identity of every directory whose entries tt_hostenv_collect_lang_system
 * would read: installing, upgrading or removing a package changes one of them. */
uint64_t tt_hostenv_lang_system_key(uint64_t h, const char *root);
/* h mixed with root/rel's device, inode, size and modification time (a mark when it is missing). */
uint64_t tt_hostenv_mix_stat(uint64_t h, const char *root, const char *rel);

/* The cache entry's file name for root's package databases and system-wide language directories
 * as they are now (hostenv_cache.c); 0 when there is no usable cache directory. Taken once,
 * before reading the packages: a change made while they are read then misses the next time. */
int tt_hostenv_cache_name(const char *root, char *out, size_t cap);
/* The OS and system-wide language packages an earlier run kept under name: appends them to body
 * and fills the counters; 0 when there is none (or the entry is unusable). */
int tt_hostenv_cache_get(const char *name, tt_buf *body, tt_hostenv_stats *st);
/* Keeps those encoded packages (len bytes) and their counters under name for the next run. */
void tt_hostenv_cache_put(const char *name, const uint8_t *pkgs, size_t len, const tt_hostenv_stats *st);

/* The value of a top-level string member of a JSON object (package.json), unescaped into out;
 * 0 when absent or not a string. Exposed for the unit tests. */
int tt_json_top_string(const char *json, size_t n, const char *key, char *out, size_t cap);

#endif
