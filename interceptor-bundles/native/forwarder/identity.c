/* Who and where we run: host name, container id, machine id, OS release. */
#define _GNU_SOURCE
#include "identity.h"

#include "util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void tt_hostname(char *out, size_t cap) {
    char h[256] = "";
    if (gethostname(h, sizeof h - 1) != 0 || !h[0]) {
        snprintf(h, sizeof h, "localhost");
    }
    /* HELLO wants printable ASCII without spaces. */
    size_t j = 0;
    for (size_t i = 0; h[i] && j + 1 < cap; i++) {
        unsigned char ch = (unsigned char) h[i];
        out[j++] = ch > 0x20 && ch < 0x7f ? (char) ch : '_';
    }
    out[j] = 0;
}

/* The first run of 64 hex digits in s, if any. */
static int find_hex64(const char *s, char *out, size_t cap) {
    size_t run = 0;
    for (const char *p = s;; p++) {
        if (*p && isxdigit((unsigned char) *p)) {
            run++;
            continue;
        }
        if (run == 64 && cap > 64) {
            memcpy(out, p - 64, 64);
            out[64] = 0;
            return 1;
        }
        run = 0;
        if (!*p) {
            return 0;
        }
    }
}

void tt_container_id(char *out, size_t cap) {
    out[0] = 0;
    /* cgroup v1 and v2 on the host side name the container: /docker/<id>, cri-containerd-<id>.scope, libpod-<id>. */
    char *cg = tt_read_file("/proc/self/cgroup", 1 << 16, NULL);
    if (cg) {
        int found = find_hex64(cg, out, cap);
        free(cg);
        if (found) {
            return;
        }
    }
    /* Inside a cgroup namespace the path is "/": Docker's bind mounts of hostname/hosts still carry it. */
    char *mi = tt_read_file("/proc/self/mountinfo", 1 << 20, NULL);
    if (mi) {
        const char *p = strstr(mi, "/containers/");
        while (p && !find_hex64(p + 12, out, cap)) {
            p = strstr(p + 12, "/containers/");
        }
        if (!p) {
            out[0] = 0;
        }
        free(mi);
    }
}

void tt_machine_id(char *out, size_t cap) {
    out[0] = 0;
    const char *files[] = {"/etc/machine-id", "/var/lib/dbus/machine-id"};
    for (size_t i = 0; i < TT_ARRAY_LEN(files); i++) {
        char *t = tt_read_file(files[i], 256, NULL);
        if (t) {
            snprintf(out, cap, "%s", tt_trim(t));
            free(t);
            if (out[0]) {
                return;
            }
        }
    }
}

/* Reads one KEY=value (optionally quoted) from os-release text. */
static void os_field(const char *text, const char *key, char *out, size_t cap) {
    out[0] = 0;
    size_t kl = strlen(key);
    for (const char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (strncmp(line, key, kl) == 0 && line[kl] == '=') {
            const char *v = line + kl + 1;
            size_t n = strcspn(v, "\n");
            if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
                v++;
                n -= 2;
            }
            snprintf(out, cap, "%.*s", (int) n, v);
            return;
        }
    }
}

void tt_os_release(tt_os_release_t *os) {
    memset(os, 0, sizeof *os);
    char *t = tt_read_file("/etc/os-release", 1 << 16, NULL);
    if (!t) {
        t = tt_read_file("/usr/lib/os-release", 1 << 16, NULL);
    }
    if (!t) {
        snprintf(os->id, sizeof os->id, "linux");
        return;
    }
    os_field(t, "ID", os->id, sizeof os->id);
    os_field(t, "VERSION_ID", os->version_id, sizeof os->version_id);
    os_field(t, "NAME", os->name, sizeof os->name);
    os_field(t, "PRETTY_NAME", os->pretty, sizeof os->pretty);
    free(t);
}
