/* Who and where we run: host name, container id, machine id, OS release. */
#ifndef TT_IDENTITY_H
#define TT_IDENTITY_H

#include <stddef.h>

/* Host name as HELLO wants it: printable ASCII, no spaces. */
void tt_hostname(char *out, size_t cap);
/* The 64-hex container id when we run in a (Docker, containerd, Podman) container, else "". */
void tt_container_id(char *out, size_t cap);
/* /etc/machine-id, else "". */
void tt_machine_id(char *out, size_t cap);

typedef struct tt_os_release_t {
    char id[64];          /* "debian", "alpine", "rhel" … */
    char version_id[64];  /* "12", "3.19.1" … */
    char name[128];       /* "Debian GNU/Linux" */
    char pretty[256];
} tt_os_release_t;

void tt_os_release(tt_os_release_t *os);

#endif
