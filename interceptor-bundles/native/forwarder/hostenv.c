#define _GNU_SOURCE
#include "hostenv.h"
#include "hostenv_int.h"

#include "../common/tt_wire.h"
#include "identity.h"
#include "log.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define EVENT_CAP (3u << 20)        /* stays well below the appliance's 4 MiB frame limit */
#define LICENCE_BUDGET_MS 3000u     /* reading copyright files is "when cheap": bounded */
#define RPM_TIMEOUT_MS 20000u
/* Loadable files (*.so, *.so.*) sent with each package, so the appliance can tell which package
 * a loaded library belongs to. Bounded like the licences: at most FILES_PER_PKG per package,
 * FILES_TOTAL in all, file lists read for FILES_BUDGET_MS, and never within PKG_ROOM / 2 bytes
 * of the event's end. Libraries (lib*, ld-*) go before plugins (gconv modules, engines), so a
 * package with hundreds of modules still names the libraries programs link against. */
#define FILES_PER_PKG 128u
#define FILES_TOTAL 20000u
#define FILES_BUDGET_MS 3000u
#define LIST_MAX (16u << 20)

enum { TYPE_HOST_ENV = 3 };


/* A shared object a process may load: a name ending in ".so" or with ".so." in it, outside
 * the trees that hold no loadable code (/etc/ld.so.conf matches the pattern, not the idea). */
static int loadable(const char *path, size_t n) {
    static const char *skip[] = {"/etc/", "/usr/share/", "/usr/include/", "/usr/src/"};
    if (n == 0 || path[0] != '/') {
        return 0;
    }
    for (size_t i = 0; i < TT_ARRAY_LEN(skip); i++) {
        size_t sl = strlen(skip[i]);
        if (n >= sl && memcmp(path, skip[i], sl) == 0) {
            return 0;
        }
    }
    const char *base = path + n;
    while (base > path && base[-1] != '/') {
        base--;
    }
    size_t bl = (size_t) (path + n - base);
    for (size_t i = 0; i + 3 <= bl; i++) {
        if (memcmp(base + i, ".so", 3) == 0 && (i + 3 == bl || base[i + 3] == '.')) {
            return 1;
        }
    }
    return 0;
}

/* Adds dir + "/" + name (dir may be NULL) to a package's files when loadable and in budget. */
static void add_file(builder *bd, tt_bytes_buf *files, unsigned *count, const char *dir, size_t dl,
                     const char *name, size_t nl) {
    if (*count >= FILES_PER_PKG || bd->st->files >= FILES_TOTAL) {
        bd->st->files_truncated = 1;
        return;
    }
    char path[4096];
    int n = dir ? snprintf(path, sizeof path, "/%.*s/%.*s", (int) dl, dir, (int) nl, name)
                : snprintf(path, sizeof path, "%.*s", (int) nl, name);
    if (n <= 0 || (size_t) n >= sizeof path || !loadable(path, (size_t) n)) {
        return;
    }
    if (tt_bb_put(files, path, (size_t) n + 1) == 0) {
        (*count)++;
        bd->st->files++;
    }
}

void tt_hostenv_add_pkg(builder *bd, const pkg *p) {
    if (!p->name || p->name_len == 0) {
        return;
    }
    if (bd->b->cap - bd->b->len < PKG_ROOM) {
        bd->st->truncated = 1;
        return;
    }
    tt_mark m = tt_begin(bd->b, 4);
    tt_strn(bd->b, 1, p->name, p->name_len);
    if (p->version_len) {
        tt_strn(bd->b, 2, p->version, p->version_len);
    }
    if (p->source_len) {
        tt_strn(bd->b, 3, p->source, p->source_len);
    }
    if (p->arch_len) {
        tt_strn(bd->b, 4, p->arch, p->arch_len);
    }
    if (p->license_len) {
        tt_strn(bd->b, 5, p->license, p->license_len > 1000 ? 1000 : p->license_len);
        bd->st->licences++;
    }
    tt_str(bd->b, 6, p->manager);
    if (p->files) {
        for (size_t off = 0; off < p->files->len;) {
            const char *f = (const char *) p->files->data + off;
            size_t fl = strlen(f);
            if (bd->b->cap - bd->b->len < PKG_ROOM / 2 + fl + 16) {
                bd->st->files_truncated = 1;
                break;
            }
            tt_strn(bd->b, 7, f, fl);
            off += fl + 1;
        }
    }
    tt_end(bd->b, m);
}

/* ---- dpkg ---- */

/* The licence of a Debian package from its machine-readable copyright file (DEP-5): the
 * licence of the "Files: *" paragraph, else the first one named. Free-form files: none. */
static size_t dpkg_license(const char *root, const char *name, size_t nlen, char *out, size_t cap) {
    char path[4096];
    snprintf(path, sizeof path, "%s/usr/share/doc/%.*s/copyright", root, (int) nlen, name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return 0;
    }
    char buf[32768];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) {
        return 0;
    }
    buf[n] = 0;
    if (strncmp(buf, "Format:", 7) != 0) {
        return 0;
    }
    const char *lic = NULL;
    const char *files_star = strstr(buf, "\nFiles: *\n");
    if (files_star) {
        const char *para_end = strstr(files_star + 1, "\n\n");
        const char *l = strstr(files_star, "\nLicense:");
        if (l && (!para_end || l < para_end)) {
            lic = l + 9;
        }
    }
    if (!lic) {
        const char *l = strstr(buf, "\nLicense:");
        if (!l) {
            return 0;
        }
        lic = l + 9;
    }
    while (*lic == ' ' || *lic == '\t') {
        lic++;
    }
    size_t len = strcspn(lic, "\n");
    while (len > 0 && (lic[len - 1] == ' ' || lic[len - 1] == '\r')) {
        len--;
    }
    if (len == 0 || len >= cap) {
        return 0;
    }
    memcpy(out, lic, len);
    out[len] = 0;
    return len;
}

/* The loadable files of an installed Debian package from dpkg's file list: info/<name>:<arch>.list
 * for Multi-Arch "same" packages, else info/<name>.list. */
static void dpkg_files(builder *bd, const char *root, const pkg *k, tt_bytes_buf *files) {
    if (tt_mono_ms() >= bd->files_end) {
        bd->st->files_truncated = 1;
        return;
    }
    char path[4096];
    size_t len = 0;
    char *text = NULL;
    if (k->arch_len) {
        snprintf(path, sizeof path, "%s/var/lib/dpkg/info/%.*s:%.*s.list", root, (int) k->name_len, k->name,
                 (int) k->arch_len, k->arch);
        text = tt_read_file(path, LIST_MAX, &len);
    }
    if (!text) {
        snprintf(path, sizeof path, "%s/var/lib/dpkg/info/%.*s.list", root, (int) k->name_len, k->name);
        text = tt_read_file(path, LIST_MAX, &len);
    }
    if (!text) {
        return;
    }
    unsigned count = 0;
    const char *end = text + len;
    for (int pass = 0; pass < 2; pass++) {
        for (const char *line = text; line < end;) {
            const char *nl = memchr(line, '\n', (size_t) (end - line));
            const char *le = nl ? nl : end;
            const char *base = le;
            while (base > line && base[-1] != '/') {
                base--;
            }
            int library = (le - base >= 3 && memcmp(base, "lib", 3) == 0) || (le - base >= 3 && memcmp(base, "ld-", 3) == 0);
            if (library == (pass == 0)) {
                add_file(bd, files, &count, NULL, 0, line, (size_t) (le - line));
            }
            line = le + 1;
        }
    }
    free(text);
}

/* Value of a "Key: value" line inside one status paragraph [p, end). */
static const char *para_field(const char *p, const char *end, const char *key, size_t *len) {
    size_t kl = strlen(key);
    for (const char *line = p; line < end;) {
        const char *nl = memchr(line, '\n', (size_t) (end - line));
        const char *le = nl ? nl : end;
        if ((size_t) (le - line) > kl && strncmp(line, key, kl) == 0 && line[kl] == ':') {
            const char *v = line + kl + 1;
            while (v < le && *v == ' ') {
                v++;
            }
            *len = (size_t) (le - v);
            return v;
        }
        line = le + 1;
    }
    *len = 0;
    return NULL;
}

static void collect_dpkg(builder *bd, const char *root) {
    char path[4096];
    snprintf(path, sizeof path, "%s/var/lib/dpkg/status", root);
    size_t len;
    char *text = tt_read_file(path, 64u << 20, &len);
    if (!text) {
        return;
    }
    uint64_t budget_end = tt_mono_ms() + LICENCE_BUDGET_MS;
    const char *end = text + len;
    for (const char *p = text; p < end;) {
        const char *sep = strstr(p, "\n\n");
        const char *pe = sep ? sep + 1 : end;
        size_t slen;
        const char *status = para_field(p, pe, "Status", &slen);
        pkg k = {.manager = "dpkg"};
        k.name = para_field(p, pe, "Package", &k.name_len);
        if (k.name && status && slen >= 9 && memcmp(status + slen - 9, "installed", 9) == 0 &&
            !(slen >= 13 && memcmp(status + slen - 13, "not-installed", 13) == 0)) {
            k.version = para_field(p, pe, "Version", &k.version_len);
            k.arch = para_field(p, pe, "Architecture", &k.arch_len);
            k.source = para_field(p, pe, "Source", &k.source_len);
            if (k.source) {
                /* "Source: src (1.2-3)": the version in parentheses differs from the binary's. */
                const char *paren = memchr(k.source, '(', k.source_len);
                if (paren) {
                    k.source_len = (size_t) (paren - k.source);
                    while (k.source_len && k.source[k.source_len - 1] == ' ') {
                        k.source_len--;
                    }
                }
            }
            char lic[1024];
            if (tt_mono_ms() < budget_end) {
                k.license_len = dpkg_license(root, k.name, k.name_len, lic, sizeof lic);
                k.license = lic;
            }
            tt_bytes_buf files = {0};
            dpkg_files(bd, root, &k, &files);
            k.files = &files;
            tt_hostenv_add_pkg(bd, &k);
            tt_bb_free(&files);
            bd->st->dpkg++;
        }
        p = sep ? sep + 2 : end;
    }
    free(text);
}

/* ---- apk ---- */

static void collect_apk(builder *bd, const char *root) {
    char path[4096];
    snprintf(path, sizeof path, "%s/lib/apk/db/installed", root);
    size_t len;
    char *text = tt_read_file(path, 64u << 20, &len);
    if (!text) {
        return;
    }
    /* A paragraph per package; its files are "F:dir" (relative to /) then "R:name" lines. */
    tt_bytes_buf files = {0};
    pkg k = {.manager = "apk", .files = &files};
    const char *dir = NULL;
    size_t dir_len = 0;
    unsigned count = 0;
    const char *end = text + len;
    for (const char *line = text; line <= end;) {
        const char *nl = memchr(line, '\n', (size_t) (end - line));
        const char *le = nl ? nl : end;
        size_t n = (size_t) (le - line);
        if (n == 0) {
            if (k.name) {
                tt_hostenv_add_pkg(bd, &k);
                bd->st->apk++;
            }
            files.len = 0;
            k = (pkg){.manager = "apk", .files = &files};
            dir = NULL;
            count = 0;
        } else if (n >= 2 && line[1] == ':') {
            const char *v = line + 2;
            size_t vl = n - 2;
            switch (line[0]) {
                case 'P': k.name = v; k.name_len = vl; break;
                case 'V': k.version = v; k.version_len = vl; break;
                case 'A': k.arch = v; k.arch_len = vl; break;
                case 'L': k.license = v; k.license_len = vl; break;
                case 'o': k.source = v; k.source_len = vl; break;
                case 'F': dir = v; dir_len = vl; break;
                case 'R':
                    if (dir && tt_mono_ms() < bd->files_end) {
                        add_file(bd, &files, &count, dir, dir_len, v, vl);
                    }
                    break;
                default: break;
            }
        }
        if (!nl) {
            break;
        }
        line = nl + 1;
    }
    if (k.name) {
        tt_hostenv_add_pkg(bd, &k);
        bd->st->apk++;
    }
    tt_bb_free(&files);
    free(text);
}

/* ---- rpm: its database needs librpm, so ask the rpm tool (packages and their files) when both
 * are there ---- */

static const char *find_rpm_db(const char *root, char *buf, size_t cap) {
    const char *cands[] = {"/var/lib/rpm/rpmdb.sqlite", "/var/lib/rpm/Packages", "/var/lib/rpm/Packages.db",
                           "/usr/lib/sysimage/rpm/rpmdb.sqlite", "/usr/lib/sysimage/rpm/Packages.db"};
    for (size_t i = 0; i < TT_ARRAY_LEN(cands); i++) {
        snprintf(buf, cap, "%s%s", root, cands[i]);
        if (access(buf, F_OK) == 0) {
            return buf;
        }
    }
    return NULL;
}

/* One package line of the rpm query ("P", then name, version-release, arch, licence, source rpm,
 * tab-separated; "(none)" for absent values), with the files read after it. */
static void rpm_package(builder *bd, char *line, tt_bytes_buf *files) {
    char *f[6] = {0};
    int nf = 0;
    for (char *s = line; nf < 6; nf++) {
        f[nf] = s;
        char *tab = strchr(s, '\t');
        if (!tab) {
            nf++;
            break;
        }
        *tab = 0;
        s = tab + 1;
    }
    if (nf < 5 || !f[1][0]) {
        return;
    }
    pkg k = {.manager = "rpm", .name = f[1], .name_len = strlen(f[1]), .version = f[2],
             .version_len = strlen(f[2]), .arch = f[3], .arch_len = strcmp(f[3], "(none)") ? strlen(f[3]) : 0,
             .license = f[4], .license_len = strcmp(f[4], "(none)") ? strlen(f[4]) : 0, .files = files};
    if (nf == 6 && strcmp(f[5], "(none)") != 0) {
        k.source = f[5];
        k.source_len = strlen(f[5]);
    }
    tt_hostenv_add_pkg(bd, &k);
    bd->st->rpm++;
}

static void collect_rpm(builder *bd, const char *root) {
    char db[4096];
    if (!find_rpm_db(root, db, sizeof db)) {
        return;
    }
    if (access(db, R_OK) != 0) {
        snprintf(bd->st->notes, sizeof bd->st->notes, "rpm database %.200s not readable", db);
        return;
    }
    const char *rpm = NULL;
    const char *tools[] = {"/usr/bin/rpm", "/bin/rpm", "/usr/local/bin/rpm"};
    for (size_t i = 0; i < TT_ARRAY_LEN(tools) && !rpm; i++) {
        if (access(tools[i], X_OK) == 0) {
            rpm = tools[i];
        }
    }
    if (!rpm) {
        snprintf(bd->st->notes, sizeof bd->st->notes, "rpm database %.180s present but no rpm tool to read it", db);
        return;
    }
    /* The database's directory inside root: rpm is told where it is rather than trusting its
     * macros (a distribution's rpm tool may default elsewhere). */
    char dbpath[4096];
    snprintf(dbpath, sizeof dbpath, "%s", db + strlen(root));
    char *slash = strrchr(dbpath, '/');
    if (slash) {
        *slash = 0;
    }
    int pfd[2];
    if (pipe2(pfd, O_CLOEXEC) != 0) {
        return;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    /* A "P" line per package, then an "F" line per file it owns (filtered here). */
    char *qf = "P\t%{NAME}\t%{VERSION}-%{RELEASE}\t%{ARCH}\t%{LICENSE}\t%{SOURCERPM}\n[F%{FILENAMES}\n]";
    char *argv[10];
    int ac = 0;
    argv[ac++] = (char *) rpm;
    if (root[0]) {
        argv[ac++] = "--root";
        argv[ac++] = (char *) root;
    }
    argv[ac++] = "--dbpath";
    argv[ac++] = dbpath;
    argv[ac++] = "-qa";
    argv[ac++] = "--qf";
    argv[ac++] = qf;
    argv[ac] = NULL;
    /* The forwarder's own environment carries no LD_PRELOAD of ours: rpm runs uninstrumented. */
    pid_t pid;
    int rc = posix_spawn(&pid, rpm, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(pfd[1]);
    if (rc != 0) {
        close(pfd[0]);
        return;
    }
    tt_bytes_buf out = {0};
    uint64_t deadline = tt_mono_ms() + RPM_TIMEOUT_MS;
    for (;;) {
        uint64_t now = tt_mono_ms();
        struct pollfd p = {.fd = pfd[0], .events = POLLIN};
        if (now >= deadline || poll(&p, 1, (int) (deadline - now)) <= 0) {
            kill(pid, 9);
            snprintf(bd->st->notes, sizeof bd->st->notes, "rpm -qa timed out");
            break;
        }
        char chunk[65536];
        ssize_t n = read(pfd[0], chunk, sizeof chunk);
        if (n <= 0) {
            break;
        }
        if (out.len + (size_t) n > LIST_MAX * 4) {
            kill(pid, 9);
            snprintf(bd->st->notes, sizeof bd->st->notes, "rpm -qa output cut at %u MiB", (LIST_MAX * 4) >> 20);
            break;
        }
        tt_bb_put(&out, chunk, (size_t) n);
    }
    close(pfd[0]);
    waitpid(pid, NULL, 0);
    tt_bb_put(&out, "", 1);
    tt_bytes_buf files = {0};
    char *current = NULL;
    unsigned count = 0;
    for (char *line = (char *) out.data; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl) {
            *nl = 0;
        }
        if (line[0] == 'P' && line[1] == '\t') {
            if (current) {
                rpm_package(bd, current, &files);
            }
            current = line;
            files.len = 0;
            count = 0;
        } else if (line[0] == 'F' && current && tt_mono_ms() < bd->files_end) {
            add_file(bd, &files, &count, NULL, 0, line + 1, strlen(line + 1));
        }
        line = nl ? nl + 1 : NULL;
    }
    if (current) {
        rpm_package(bd, current, &files);
    }
    tt_bb_free(&files);
    tt_bb_free(&out);
}

uint8_t *tt_hostenv_build(const char *root, size_t *len, tt_hostenv_stats *st) {
    memset(st, 0, sizeof *st);
    uint8_t *body_mem = malloc(EVENT_CAP);
    uint8_t *ev_mem = malloc(EVENT_CAP + 64);
    if (!body_mem || !ev_mem) {
        free(body_mem);
        free(ev_mem);
        return NULL;
    }
    tt_buf body;
    tt_buf_init(&body, body_mem, EVENT_CAP);

    char host[256], env_id[256], cid[128];
    tt_hostname(host, sizeof host);
    tt_container_id(cid, sizeof cid);
    if (cid[0]) {
        snprintf(env_id, sizeof env_id, "container:%s", cid);
    } else {
        char mid[128];
        tt_machine_id(mid, sizeof mid);
        snprintf(env_id, sizeof env_id, mid[0] ? "machine:%s" : "host:%s", mid[0] ? mid : host);
    }
    tt_os_release_t os;
    tt_os_release(&os);
    tt_str(&body, 1, env_id);
    /* os_name is the os-release ID ("debian", "alpine"): what vulnerability databases key on. */
    tt_str(&body, 2, os.id[0] ? os.id : "linux");
    if (os.version_id[0]) {
        tt_str(&body, 3, os.version_id);
    }
    tt_str(&body, 5, host);

    builder bd = {.b = &body, .st = st, .files_end = tt_mono_ms() + FILES_BUDGET_MS};
    char entry[4096];
    int cacheable = tt_hostenv_cache_name(root, entry, sizeof entry);
    if (!cacheable || !tt_hostenv_cache_get(entry, &body, st)) {
        size_t pkgs_at = body.len;
        collect_dpkg(&bd, root);
        collect_apk(&bd, root);
        collect_rpm(&bd, root);
        tt_hostenv_collect_lang_system(&bd, root);
        if (cacheable && tt_buf_ok(&body)) {
            tt_hostenv_cache_put(entry, body.data + pkgs_at, body.len - pkgs_at, st);
        }
    }
    char cwd[4096];
    tt_hostenv_collect_lang_local(&bd, root, getcwd(cwd, sizeof cwd) ? cwd : "/");
    if (!tt_buf_ok(&body)) {
        free(body_mem);
        free(ev_mem);
        return NULL;
    }

    tt_buf ev;
    tt_buf_init(&ev, ev_mem, EVENT_CAP + 64);
    tt_uint(&ev, 1, TYPE_HOST_ENV);
    tt_uint(&ev, 3, (uint64_t) getpid());
    tt_bytes(&ev, 6, body.data, body.len);
    free(body_mem);
    if (!tt_buf_ok(&ev)) {
        free(ev_mem);
        return NULL;
    }
    *len = ev.len;
    return ev_mem;
}
