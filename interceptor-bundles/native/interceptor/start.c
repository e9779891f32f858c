/*
 * The process_start event, built once from the constructor: host (name, uptime, CPUs,
 * kernel), OS (/etc/os-release), cloud (DMI and hypervisor files, never the network),
 * container (markers, cgroup, mountinfo), Kubernetes pod, ids, exe, argv, cwd, environment
 * and memory maps. Everything is read from files with raw system calls into one 256 KiB
 * buffer; the repeated parts (argv, environment, maps) are cut when the record would not
 * fit, in that order of priority.
 */
#include "tt.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

extern char **environ;

/* Calls fn for each line of a file (lines longer than the buffer are cut). */
static void each_line(const char *path, int (*fn)(char *line, void *arg), void *arg) {
    int fd = tt_sys_open(path, O_RDONLY, 0);
    if (fd < 0) {
        return;
    }
    char buf[8192];
    size_t have = 0;
    int eof = 0;
    while (!eof) {
        ssize_t r = tt_sys_read(fd, buf + have, sizeof buf - 1 - have);
        if (r <= 0) {
            eof = 1;
            if (have == 0) {
                break;
            }
            buf[have++] = '\n';
        } else {
            have += (size_t) r;
        }
        size_t start = 0;
        for (size_t i = 0; i < have; i++) {
            if (buf[i] == '\n') {
                buf[i] = 0;
                if (fn(buf + start, arg)) {
                    tt_sys_close(fd);
                    return;
                }
                start = i + 1;
            }
        }
        if (start == 0 && have == sizeof buf - 1) {
            buf[have] = 0;
            fn(buf, arg); /* overlong line: take what we have */
            have = 0;
            continue;
        }
        memmove(buf, buf + start, have - start);
        have -= start;
    }
    tt_sys_close(fd);
}

/* Small file, first line, trailing whitespace removed. */
static int read_line(const char *path, char *out, size_t cap) {
    ssize_t n = tt_read_file(path, out, cap);
    if (n <= 0) {
        out[0] = 0;
        return 0;
    }
    out[strcspn(out, "\n")] = 0;
    size_t k = strlen(out);
    while (k > 0 && (out[k - 1] == ' ' || out[k - 1] == '\t' || out[k - 1] == '\r')) {
        out[--k] = 0;
    }
    return k > 0;
}

static int exists(const char *path) {
    return syscall(SYS_faccessat, AT_FDCWD, path, F_OK, 0) == 0;
}

/* ---------- OS ---------- */

struct osrel {
    char name[256], version[256], version_id[256];
};

static void unquote(char *v, char *out, size_t cap) {
    size_t n = strlen(v);
    if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
        v[n - 1] = 0;
        v++;
    }
    snprintf(out, cap, "%s", v);
}

static int osrel_line(char *line, void *arg) {
    struct osrel *o = arg;
    if (strncmp(line, "NAME=", 5) == 0) {
        unquote(line + 5, o->name, sizeof o->name);
    } else if (strncmp(line, "VERSION_ID=", 11) == 0) {
        unquote(line + 11, o->version_id, sizeof o->version_id);
    } else if (strncmp(line, "VERSION=", 8) == 0) {
        unquote(line + 8, o->version, sizeof o->version);
    }
    return 0;
}

/* ---------- CPU ---------- */

static int cpu_line(char *line, void *arg) {
    char *model = arg;
    if (strncmp(line, "model name", 10) == 0) {
        char *c = strchr(line, ':');
        if (c != NULL) {
            c++;
            while (*c == ' ' || *c == '\t') {
                c++;
            }
            snprintf(model, 256, "%s", c);
        }
        return 1;
    }
    return 0;
}

/* "0-3,6,8-9" -> 7 */
static unsigned count_cpus(const char *s) {
    unsigned n = 0;
    while (*s) {
        char *end;
        unsigned long a = strtoul(s, &end, 10);
        if (end == s) {
            break;
        }
        unsigned long b = a;
        s = end;
        if (*s == '-') {
            b = strtoul(s + 1, &end, 10);
            s = end;
        }
        if (b >= a) {
            n += (unsigned) (b - a + 1);
        }
        if (*s == ',') {
            s++;
        } else {
            break;
        }
    }
    return n;
}

/* ---------- cloud ---------- */

static const char *cloud_of(void) {
    char vendor[128], product[128], bios[128], asset[128], hv[128];
    read_line("/sys/class/dmi/id/sys_vendor", vendor, sizeof vendor);
    read_line("/sys/class/dmi/id/product_name", product, sizeof product);
    read_line("/sys/class/dmi/id/bios_vendor", bios, sizeof bios);
    read_line("/sys/class/dmi/id/chassis_asset_tag", asset, sizeof asset);
    if (strstr(vendor, "Amazon") || strstr(bios, "Amazon")) {
        return "aws";
    }
    if (read_line("/sys/hypervisor/uuid", hv, sizeof hv) && strncmp(hv, "ec2", 3) == 0) {
        return "aws"; /* older Xen-based EC2 */
    }
    if (strstr(product, "Google") || strstr(bios, "Google")) {
        return "gcp";
    }
    if (strstr(vendor, "Microsoft") && strstr(product, "Virtual Machine")) {
        /* Azure tags its chassis; plain Hyper-V does not */
        return strcmp(asset, "7783-7084-3265-9085-8269-3286-77") == 0 ? "azure" : "hyperv";
    }
    if (strstr(asset, "OracleCloud")) {
        return "oracle";
    }
    if (strstr(vendor, "Alibaba") || strstr(product, "Alibaba")) {
        return "alibaba";
    }
    if (strstr(vendor, "DigitalOcean")) {
        return "digitalocean";
    }
    if (strstr(vendor, "Hetzner")) {
        return "hetzner";
    }
    if (strstr(vendor, "Linode") || strstr(product, "Linode")) {
        return "linode";
    }
    if (strstr(vendor, "Vultr")) {
        return "vultr";
    }
    if (strstr(vendor, "Scaleway")) {
        return "scaleway";
    }
    if (strstr(product, "OpenStack") || strstr(vendor, "OpenStack")) {
        return "openstack";
    }
    if (strstr(vendor, "VMware")) {
        return "vmware";
    }
    if (strstr(vendor, "QEMU") || strstr(product, "KVM") || strstr(bios, "SeaBIOS")) {
        return "kvm";
    }
    if (read_line("/sys/hypervisor/type", hv, sizeof hv) && strcmp(hv, "xen") == 0) {
        return "xen";
    }
    return NULL;
}

/* ---------- container ---------- */

struct ctr {
    const char *runtime;
    char id[72];
    int k8s;
};

static int hex64(const char *s, char *out) {
    for (const char *p = s; *p; p++) {
        int n = 0;
        while ((p[n] >= '0' && p[n] <= '9') || (p[n] >= 'a' && p[n] <= 'f')) {
            n++;
        }
        if (n == 64) {
            memcpy(out, p, 64);
            out[64] = 0;
            return 1;
        }
        p += n > 0 ? n - 1 : 0;
    }
    return 0;
}

static int cgroup_line(char *line, void *arg) {
    struct ctr *c = arg;
    if (strstr(line, "kubepods")) {
        c->k8s = 1;
    }
    if (c->runtime == NULL) {
        if (strstr(line, "docker")) {
            c->runtime = "docker";
        } else if (strstr(line, "cri-containerd") || strstr(line, "containerd")) {
            c->runtime = "containerd";
        } else if (strstr(line, "crio")) {
            c->runtime = "cri-o";
        } else if (strstr(line, "libpod")) {
            c->runtime = "podman";
        } else if (strstr(line, "/lxc")) {
            c->runtime = "lxc";
        }
    }
    if (c->id[0] == 0) {
        hex64(line, c->id);
    }
    return 0;
}

static int mountinfo_line(char *line, void *arg) {
    struct ctr *c = arg;
    char *p = strstr(line, "/containers/");
    if (p != NULL && hex64(p, c->id)) {
        return 1;
    }
    return 0;
}

static void container_of(struct ctr *c) {
    memset(c, 0, sizeof *c);
    if (exists("/.dockerenv")) {
        c->runtime = "docker";
    } else if (exists("/run/.containerenv")) {
        c->runtime = "podman";
    }
    each_line("/proc/self/cgroup", cgroup_line, c);
    const char *env = getenv("container");
    if (c->runtime == NULL && env != NULL && *env) {
        c->runtime = env; /* systemd-nspawn, lxc, podman set it */
    }
    if (c->runtime != NULL && c->id[0] == 0) {
        each_line("/proc/self/mountinfo", mountinfo_line, c);
    }
    if (c->runtime == NULL && c->k8s) {
        c->runtime = "kubernetes";
    }
}

/* ---------- maps ---------- */

struct mapctx {
    tt_ev *e;
    int full;
};

static uint64_t hexnum(const char **s) {
    uint64_t v = 0;
    for (;;) {
        char c = **s;
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0) {
            return v;
        }
        v = v * 16 + (uint64_t) d;
        (*s)++;
    }
}

static int map_line(char *line, void *arg) {
    struct mapctx *m = arg;
    const char *p = line;
    uint64_t lo = hexnum(&p);
    if (*p++ != '-') {
        return 0;
    }
    uint64_t hi = hexnum(&p);
    while (*p == ' ') {
        p++;
    }
    char perms[8];
    size_t k = 0;
    while (*p && *p != ' ' && k < 4) {
        perms[k++] = *p++;
    }
    perms[k] = 0;
    while (*p == ' ') {
        p++;
    }
    uint64_t off = hexnum(&p);
    /* skip dev and inode */
    for (int f = 0; f < 2; f++) {
        while (*p == ' ') {
            p++;
        }
        while (*p && *p != ' ') {
            p++;
        }
    }
    while (*p == ' ') {
        p++;
    }
    tt_buf *b = &m->e->b;
    size_t before = b->len;
    tt_mark mk = tt_begin(b, 21);
    tt_uint(b, 1, lo);
    tt_uint(b, 2, hi);
    tt_strn(b, 3, perms, k);
    if (off) {
        tt_uint(b, 4, off);
    }
    if (*p) {
        tt_strn(b, 5, p, tt_utf8_fit(p, strlen(p), TT_LIM_PATH));
    }
    tt_end(b, mk);
    if (!tt_buf_ok(b)) {
        b->len = before;
        b->overflow = 0;
        m->full = 1;
        return 1;
    }
    return 0;
}

/* ---------- the event ---------- */

/* Adds one repeated item, or undoes it and reports 0 when the record is full. */
#define TRY_ITEM(e, stmt)                                                                     \
    ({                                                                                        \
        size_t before_ = (e)->b.len;                                                          \
        stmt;                                                                                 \
        int ok_ = tt_buf_ok(&(e)->b) && (e)->b.cap - (e)->b.len > 64 * 1024;                  \
        if (!ok_) {                                                                           \
            (e)->b.len = before_;                                                             \
            (e)->b.overflow = 0;                                                              \
        }                                                                                     \
        ok_;                                                                                  \
    })

void tt_start_event(void) {
    uint8_t *buf = mmap(NULL, TT_RECORD_MAX, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                        -1, 0);
    if (buf == MAP_FAILED) {
        return;
    }
    tt_ev e;
    if (!tt_ev_begin_buf(&e, TT_EV_PROCESS_START, 0, buf, TT_RECORD_MAX)) {
        munmap(buf, TT_RECORD_MAX);
        return;
    }
    struct utsname u;
    memset(&u, 0, sizeof u);
    syscall(SYS_uname, &u);
    tt_ev_str(&e, 1, u.nodename[0] ? u.nodename : "unknown", 256);

    char line[512];
    struct sysinfo si;
    if (sysinfo(&si) == 0) {
        tt_uint(&e.b, 2, (uint64_t) si.uptime);
    }
    unsigned cpus = 0;
    if (read_line("/sys/devices/system/cpu/online", line, sizeof line)) {
        cpus = count_cpus(line);
    }
    if (cpus == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        cpus = n > 0 ? (unsigned) n : 0;
    }
    if (cpus) {
        tt_uint(&e.b, 3, cpus);
    }
    char model[256] = "";
    each_line("/proc/cpuinfo", cpu_line, model);
    if (model[0]) {
        tt_ev_str(&e, 4, model, 256);
    }
    struct osrel os;
    memset(&os, 0, sizeof os);
    each_line("/etc/os-release", osrel_line, &os);
    if (os.name[0] == 0) {
        each_line("/usr/lib/os-release", osrel_line, &os);
    }
    if (os.name[0]) {
        tt_ev_str(&e, 5, os.name, 256);
    }
    if (os.version_id[0] || os.version[0]) {
        tt_ev_str(&e, 6, os.version_id[0] ? os.version_id : os.version, 256);
    }
    const char *cloud = cloud_of();
    if (cloud != NULL) {
        tt_ev_str(&e, 7, cloud, 64);
    }
    struct ctr c;
    container_of(&c);
    if (c.runtime != NULL) {
        tt_ev_str(&e, 8, c.runtime, 64);
    }
    if (c.id[0]) {
        tt_ev_str(&e, 9, c.id, 128);
    }
    tt_uint(&e.b, 10, (uint64_t) getppid());
    uid_t r, eu, s;
    syscall(SYS_getresuid, &r, &eu, &s);
    tt_uint(&e.b, 11, r);
    tt_uint(&e.b, 13, eu);
    gid_t gr, ge, gs;
    syscall(SYS_getresgid, &gr, &ge, &gs);
    tt_uint(&e.b, 12, gr);
    tt_uint(&e.b, 14, ge);

    /* Kubernetes: downward-API files win over the environment */
    char pod[256] = "", ns[256] = "";
    if (!read_line("/etc/podinfo/name", pod, sizeof pod) && getenv("POD_NAME")) {
        snprintf(pod, sizeof pod, "%s", getenv("POD_NAME"));
    }
    if (!read_line("/etc/podinfo/namespace", ns, sizeof ns)) {
        if (getenv("POD_NAMESPACE")) {
            snprintf(ns, sizeof ns, "%s", getenv("POD_NAMESPACE"));
        } else if (getenv("KUBERNETES_SERVICE_HOST")) {
            read_line("/var/run/secrets/kubernetes.io/serviceaccount/namespace", ns, sizeof ns);
        }
    }
    if (pod[0] == 0 && getenv("KUBERNETES_SERVICE_HOST")) {
        const char *h = getenv("HOSTNAME");
        snprintf(pod, sizeof pod, "%s", h && *h ? h : u.nodename);
    }
    if (pod[0]) {
        tt_ev_str(&e, 15, pod, 256);
    }
    if (ns[0]) {
        tt_ev_str(&e, 16, ns, 256);
    }

    char path[TT_LIM_PATH + 8];
    ssize_t n = tt_sys_readlink("/proc/self/exe", path, TT_LIM_PATH);
    path[n > 0 ? n : 0] = 0;
    tt_ev_str(&e, 17, n > 0 ? path : "unknown", TT_LIM_PATH);
    if (syscall(SYS_getcwd, path, TT_LIM_PATH) > 0) {
        tt_ev_str(&e, 19, path, TT_LIM_PATH);
    }
    tt_ev_str(&e, 22, u.release, 256);
    tt_ev_str(&e, 23, u.machine, 32);

    /* argv from /proc/self/cmdline (NUL-separated) */
    size_t cap = TT_RECORD_MAX / 2;
    char *cmd = mmap(NULL, cap + 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int fd = cmd != MAP_FAILED ? tt_sys_open("/proc/self/cmdline", O_RDONLY, 0) : -1;
    if (fd >= 0) {
        size_t have = 0;
        ssize_t k;
        while (have < cap && (k = tt_sys_read(fd, cmd + have, cap - have)) > 0) {
            have += (size_t) k;
        }
        tt_sys_close(fd);
        cmd[have] = 0;
        int count = 0;
        for (size_t i = 0; i < have && count < TT_LIM_ARGS; count++) {
            size_t len = strnlen(cmd + i, have - i);
            if (!TRY_ITEM(&e, tt_ev_strn(&e, 18, cmd + i, len, TT_LIM_ARG))) {
                break;
            }
            i += len + 1;
        }
    }
    if (cmd != MAP_FAILED) {
        munmap(cmd, cap + 1);
    }

    /* environment: clear values over the local channel; the forwarder masks secrets */
    for (char **ep = environ; ep && *ep && ep - environ < TT_LIM_ARGS; ep++) {
        const char *eq = strchr(*ep, '=');
        if (eq == NULL) {
            continue;
        }
        int ok = TRY_ITEM(&e, ({
                              tt_mark m = tt_begin(&e.b, 20);
                              tt_ev_strn(&e, 1, *ep, (size_t) (eq - *ep), 1024);
                              tt_ev_str(&e, 2, eq + 1, 32768);
                              tt_end(&e.b, m);
                          }));
        if (!ok) {
            break;
        }
    }

    /* memory maps: whatever still fits (a few KiB stay free for the envelope's end) */
    struct mapctx mc = {&e, 0};
    size_t cap_before = e.b.cap;
    e.b.cap -= 1024;
    each_line("/proc/self/maps", map_line, &mc);
    e.b.cap = cap_before;

    tt_ev_send(&e);
    munmap(buf, TT_RECORD_MAX);
}
