/*
 * Programs LD_PRELOAD cannot see into (docs/interceptor.md, "Who records what"): static
 * binaries have no dynamic loader, Go programs make system calls without libc, and the
 * loader ignores LD_PRELOAD for setuid/setgid programs. The launcher says so for the
 * command it starts, as an `api` event "telltale.coverage" with args [path, reason].
 */
#define _GNU_SOURCE
#include "coverage.h"

#include "../common/tt_wire.h"

#include <elf.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int read_at(int fd, void *buf, size_t n, off_t off) {
    return pread(fd, buf, n, off) == (ssize_t) n ? 0 : -1;
}

/* Whether a section named `want` exists (64-bit ELF). */
static int has_section(int fd, const Elf64_Ehdr *eh, const char *want) {
    if (eh->e_shoff == 0 || eh->e_shnum == 0 || eh->e_shstrndx >= eh->e_shnum || eh->e_shnum > 4096 ||
        eh->e_shentsize != sizeof(Elf64_Shdr)) {
        return 0;
    }
    Elf64_Shdr *sh = calloc(eh->e_shnum, sizeof *sh);
    if (!sh) {
        return 0;
    }
    int found = 0;
    if (read_at(fd, sh, eh->e_shnum * sizeof *sh, (off_t) eh->e_shoff) == 0) {
        Elf64_Shdr *strs = &sh[eh->e_shstrndx];
        if (strs->sh_size > 0 && strs->sh_size < (1u << 20)) {
            char *names = malloc(strs->sh_size + 1);
            if (names && read_at(fd, names, strs->sh_size, (off_t) strs->sh_offset) == 0) {
                names[strs->sh_size] = 0;
                for (int i = 0; i < eh->e_shnum && !found; i++) {
                    if (sh[i].sh_name < strs->sh_size && strcmp(names + sh[i].sh_name, want) == 0) {
                        found = 1;
                    }
                }
            }
            free(names);
        }
    }
    free(sh);
    return found;
}

/* The C library a program runs on, from its ELF interpreter; a "#!" script counts as its
 * interpreter. NULL when it cannot be told (not ELF, static, unreadable). */
const char *tt_target_libc(const char *path) {
    char shebang[PATH_MAX];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return NULL;
    }
    ssize_t n = pread(fd, shebang, sizeof shebang - 1, 0);
    if (n > 2 && shebang[0] == '#' && shebang[1] == '!') {
        close(fd);
        shebang[n] = 0;
        char *p = shebang + 2;
        while (*p == ' ' || *p == '\t') {
            p++;
        }
        p[strcspn(p, " \t\r\n")] = 0;
        return *p == '/' && strcmp(p, path) != 0 ? tt_target_libc(p) : NULL;
    }
    Elf64_Ehdr eh;
    const char *libc = NULL;
    if (read_at(fd, &eh, sizeof eh, 0) == 0 && memcmp(eh.e_ident, ELFMAG, SELFMAG) == 0 &&
        eh.e_ident[EI_CLASS] == ELFCLASS64 && eh.e_phentsize == sizeof(Elf64_Phdr) && eh.e_phnum > 0 &&
        eh.e_phnum < 1024) {
        Elf64_Phdr *ph = calloc(eh.e_phnum, sizeof *ph);
        if (ph && read_at(fd, ph, eh.e_phnum * sizeof *ph, (off_t) eh.e_phoff) == 0) {
            for (int i = 0; i < eh.e_phnum && !libc; i++) {
                char interp[256];
                size_t len = ph[i].p_filesz < sizeof interp - 1 ? ph[i].p_filesz : sizeof interp - 1;
                if (ph[i].p_type == PT_INTERP && read_at(fd, interp, len, (off_t) ph[i].p_offset) == 0) {
                    interp[len] = 0;
                    libc = strstr(interp, "ld-musl") ? "musl" : strstr(interp, "ld-linux") ? "glibc" : NULL;
                }
            }
        }
        free(ph);
    }
    close(fd);
    return libc;
}

const char *tt_coverage_reason(const char *path) {
    struct stat st;
    if (stat(path, &st) != 0) {
        return NULL;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return NULL;
    }
    Elf64_Ehdr eh;
    const char *reason = NULL;
    if (read_at(fd, &eh, sizeof eh, 0) != 0 || memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
        eh.e_ident[EI_CLASS] != ELFCLASS64) {
        close(fd); /* scripts and 32-bit programs: their interpreter is what runs */
        return NULL;
    }
    int interp = 0;
    if (eh.e_phentsize == sizeof(Elf64_Phdr) && eh.e_phnum > 0 && eh.e_phnum < 1024) {
        Elf64_Phdr *ph = calloc(eh.e_phnum, sizeof *ph);
        if (ph && read_at(fd, ph, eh.e_phnum * sizeof *ph, (off_t) eh.e_phoff) == 0) {
            for (int i = 0; i < eh.e_phnum; i++) {
                interp |= ph[i].p_type == PT_INTERP;
            }
        }
        free(ph);
    }
    if (!interp) {
        reason = "static binary: no dynamic loader, so LD_PRELOAD cannot interpose";
    } else if (has_section(fd, &eh, ".note.go.buildid") || has_section(fd, &eh, ".go.buildinfo")) {
        reason = "Go binary: the Go runtime makes most system calls without libc";
    } else if ((st.st_mode & (S_ISUID | S_ISGID)) &&
               ((st.st_mode & S_ISUID && st.st_uid != geteuid()) || (st.st_mode & S_ISGID && st.st_gid != getegid()))) {
        reason = "setuid/setgid program: the loader ignores LD_PRELOAD";
    }
    close(fd);
    return reason;
}

size_t tt_coverage_event(const char *path, const char *reason, uint8_t *out, size_t cap) {
    uint8_t body_mem[8192];
    tt_buf body;
    tt_buf_init(&body, body_mem, sizeof body_mem);
    tt_str(&body, 1, "telltale.coverage");
    tt_strn(&body, 2, path, strnlen(path, 4000));
    tt_str(&body, 2, reason);
    tt_buf ev;
    tt_buf_init(&ev, out, cap);
    tt_uint(&ev, 1, 5); /* api */
    tt_uint(&ev, 3, (uint64_t) getpid());
    tt_bytes(&ev, 6, body.data, body.len);
    return tt_buf_ok(&body) && tt_buf_ok(&ev) ? ev.len : 0;
}
