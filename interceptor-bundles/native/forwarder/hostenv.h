/*
 * The host environment event (protocol.md §9, type 3 host_env): installed OS packages from
 * the dpkg, apk and rpm databases (rpm through the rpm tool), each with the shared objects its file
 * list names, and Python and Node packages found on disk (manager "pypi" / "npm", their files the
 * directories and modules they install), collected by the forwarder once per run
 * (docs/interceptor.md, "Who records what").
 */
#ifndef TT_HOSTENV_H
#define TT_HOSTENV_H

#include <stddef.h>
#include <stdint.h>

typedef struct tt_hostenv_stats {
    unsigned dpkg, apk, rpm;     /* packages found per manager */
    unsigned pypi, npm;          /* Python distributions and Node packages found on disk */
    unsigned licences;           /* packages with a licence */
    unsigned files;              /* loadable files (*.so, *.so.*) sent with their packages */
    int files_truncated;         /* some file lists were cut (per-package, total, time or size bound) */
    int truncated;               /* the list was cut to fit the event size limit */
    int cached;                  /* the OS packages came from the cache of an earlier run */
    char notes[256];             /* e.g. "rpm database present but no rpm tool" */
} tt_hostenv_stats;

/* Builds the event (envelope without dt_us) into a malloc'd buffer. Paths are taken under
 * root ("" for /), so tests can point at a fake tree. Returns NULL on failure. */
uint8_t *tt_hostenv_build(const char *root, size_t *len, tt_hostenv_stats *stats);

#endif
