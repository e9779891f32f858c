/*
 * What an exec is about to run, read from the file itself (ELF header, program headers,
 * notes; a #! script's interpreter one level deep):
 *  - whether we can see inside it at all: a static binary (no PT_INTERP) or a Go binary
 *    (Go build-id note: Go issues its system calls itself) gets the coverage event of
 *    docs/interceptor.md;
 *  - which C library it loads (PT_INTERP): a glibc program cannot start with the musl build
 *    of libtelltale.so in LD_PRELOAD, nor a musl program with the glibc build. The loader
 *    would refuse to run it, so for such a target LD_PRELOAD in the child's environment
 *    names the other build instead (TELLTALE_LIB_GLIBC / TELLTALE_LIB_MUSL, or the same path
 *    with /glibc/ and /musl/ swapped when that file exists), or loses our entry.
 * Everything here works on the stack: exec may run in a vfork child.
 */
#include "tt.h"

#include <elf.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifdef __GLIBC__
#define OUR_LIBC TT_LIBC_GLIBC
#define OTHER_DIR "/musl/"
#define OUR_DIR "/glibc/"
#define OTHER_ENV "TELLTALE_LIB_MUSL"
#else
#define OUR_LIBC TT_LIBC_MUSL
#define OTHER_DIR "/glibc/"
#define OUR_DIR "/musl/"
#define OTHER_ENV "TELLTALE_LIB_GLIBC"
#endif

static void inspect_elf(int fd, struct tt_target *t) {
    Elf64_Ehdr eh;
    if (tt_sys_pread(fd, &eh, sizeof eh, 0) != (ssize_t) sizeof eh ||
        memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
        eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 || eh.e_phnum > 64) {
        return;
    }
    Elf64_Phdr ph[64];
    size_t len = (size_t) eh.e_phnum * sizeof(Elf64_Phdr);
    if (tt_sys_pread(fd, ph, len, (off_t) eh.e_phoff) != (ssize_t) len) {
        return;
    }
    int interp = 0;
    for (int i = 0; i < eh.e_phnum; i++) {
        if (ph[i].p_type == PT_INTERP && ph[i].p_filesz > 0) {
            char name[256];
            size_t n = ph[i].p_filesz < sizeof name - 1 ? ph[i].p_filesz : sizeof name - 1;
            ssize_t r = tt_sys_pread(fd, name, n, (off_t) ph[i].p_offset);
            name[r > 0 ? r : 0] = 0;
            interp = 1;
            if (strstr(name, "ld-musl") != NULL) {
                t->libc = TT_LIBC_MUSL;
            } else if (strstr(name, "ld-linux") != NULL) {
                t->libc = TT_LIBC_GLIBC;
            }
        }
    }
    for (int i = 0; i < eh.e_phnum; i++) {
        if (ph[i].p_type != PT_NOTE || ph[i].p_filesz == 0) {
            continue;
        }
        uint8_t notes[2048];
        size_t n = ph[i].p_filesz < sizeof notes ? ph[i].p_filesz : sizeof notes;
        if (tt_sys_pread(fd, notes, n, (off_t) ph[i].p_offset) != (ssize_t) n) {
            continue;
        }
        size_t off = 0;
        while (off + 12 <= n) {
            uint32_t namesz, descsz, type;
            memcpy(&namesz, notes + off, 4);
            memcpy(&descsz, notes + off + 4, 4);
            memcpy(&type, notes + off + 8, 4);
            size_t name_off = off + 12;
            if (namesz == 3 && name_off + 3 <= n && memcmp(notes + name_off, "Go", 3) == 0 &&
                type == 4) {
                t->reason = "go"; /* NT_GO_BUILDID */
                return;
            }
            off = name_off + ((namesz + 3u) & ~3u) + ((descsz + 3u) & ~3u);
        }
    }
    if (!interp) {
        t->reason = "static";
    }
}

void tt_target_inspect(const char *path, struct tt_target *t) {
    t->reason = NULL;
    t->libc = 0;
    t->file = path;
    t->interp[0] = 0;
    if (path == NULL) {
        return;
    }
    int fd = tt_sys_open(path, O_RDONLY, 0);
    if (fd < 0) {
        return;
    }
    char head[2 + sizeof t->interp];
    ssize_t n = tt_sys_pread(fd, head, sizeof head - 1, 0);
    if (n > 2 && head[0] == '#' && head[1] == '!') {
        head[n] = 0;
        char *p = head + 2;
        while (*p == ' ' || *p == '\t') {
            p++;
        }
        size_t k = strcspn(p, " \t\r\n");
        tt_sys_close(fd);
        if (k == 0 || k >= sizeof t->interp) {
            return;
        }
        memcpy(t->interp, p, k);
        t->interp[k] = 0;
        t->file = t->interp;
        fd = tt_sys_open(t->interp, O_RDONLY, 0);
        if (fd < 0) {
            return;
        }
    }
    inspect_elf(fd, t);
    tt_sys_close(fd);
}

void tt_coverage_event(const struct tt_target *t) {
    tt_ev e;
    if (t->reason == NULL || !tt_ev_begin(&e, TT_EV_API, 1)) {
        return;
    }
    tt_ev_str(&e, 1, "telltale.coverage", 128);
    tt_ev_str(&e, 2, t->file, 4096);
    tt_ev_str(&e, 2, t->reason, 4096);
    tt_ev_send(&e);
}

/* ---------- LD_PRELOAD for a target of the other C library ---------- */

static int is_ours(const char *tok, size_t n) {
    static const char name[] = "libtelltale.so";
    size_t k = sizeof name - 1;
    return n >= k && memcmp(tok + n - k, name, k) == 0 && (n == k || tok[n - k - 1] == '/');
}

/* The LD_PRELOAD entry of envp naming our library, or NULL. */
static char *const *preload_entry(char *const *envp) {
    for (char *const *e = envp; e != NULL && *e != NULL; e++) {
        if (strncmp(*e, "LD_PRELOAD=", 11) != 0) {
            continue;
        }
        const char *v = *e + 11;
        while (*v) {
            size_t n = strcspn(v, ": ");
            if (is_ours(v, n)) {
                return e;
            }
            v += n;
            v += *v != 0;
        }
    }
    return NULL;
}

size_t tt_env_slots(int libc, char *const *envp) {
    if (libc == 0 || libc == OUR_LIBC || preload_entry(envp) == NULL) {
        return 0;
    }
    size_t n = 0;
    while (envp[n] != NULL) {
        n++;
    }
    return n + 1;
}

/* The other build's path for our entry `tok`, into out; 0 when there is none. */
static int sibling(const char *tok, size_t n, char *out, size_t cap) {
    const char *v = getenv(OTHER_ENV);
    if (v != NULL && *v && strlen(v) < cap) {
        memcpy(out, v, strlen(v) + 1);
        return 1;
    }
    if (n >= cap - 8) {
        return 0;
    }
    memcpy(out, tok, n);
    out[n] = 0;
    char *d = NULL;
    for (char *p = strstr(out, OUR_DIR); p != NULL; p = strstr(p + 1, OUR_DIR)) {
        d = p; /* the last one */
    }
    if (d == NULL) {
        return 0;
    }
    size_t tail = strlen(d + sizeof OUR_DIR - 1);
    memmove(d + sizeof OTHER_DIR - 1, d + sizeof OUR_DIR - 1, tail + 1);
    memcpy(d, OTHER_DIR, sizeof OTHER_DIR - 1);
    return syscall(SYS_faccessat, AT_FDCWD, out, R_OK, 0) == 0;
}

char *const *tt_env_fix(char *const *envp, char **out, size_t slots, char *buf, size_t cap) {
    if (slots == 0) {
        return envp;
    }
    char *const *entry = preload_entry(envp);
    /* rebuild the value: our entries swapped for the other build, or dropped */
    size_t len = 0;
    const char *v = *entry + 11;
    memcpy(buf, "LD_PRELOAD=", 11);
    len = 11;
    int kept = 0;
    while (*v) {
        size_t n = strcspn(v, ": ");
        if (n > 0) {
            char alt[TT_LIM_PATH];
            const char *tok = v;
            size_t tn = n;
            if (is_ours(v, n)) {
                if (!sibling(v, n, alt, sizeof alt)) {
                    tok = NULL;
                } else {
                    tok = alt;
                    tn = strlen(alt);
                }
            }
            if (tok != NULL && len + tn + 2 < cap) {
                if (kept++) {
                    buf[len++] = ':';
                }
                memcpy(buf + len, tok, tn);
                len += tn;
            }
        }
        v += n;
        v += *v != 0;
    }
    buf[len] = 0;
    size_t k = 0;
    for (char *const *e = envp; *e != NULL && k + 1 < slots; e++) {
        if (e == entry) {
            if (kept) {
                out[k++] = buf;
            }
        } else {
            out[k++] = *e;
        }
    }
    out[k] = NULL;
    return out;
}
