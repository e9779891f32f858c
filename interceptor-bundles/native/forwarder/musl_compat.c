/*
 * Linked into the musl build only.
 *
 * The musl launcher is a fully static binary (musl libc, OpenSSL, zstd), so it runs on any
 * x86_64 Linux, Alpine included, with nothing installed. This machine has OpenSSL and zstd
 * only as Debian's archives (libssl.a, libcrypto.a, libzstd.a), compiled against glibc's
 * headers. Their objects call a handful of glibc-only entry points that musl does not
 * define: the _FORTIFY_SOURCE checking wrappers (__memcpy_chk & co.) and ucontext
 * (getcontext/makecontext/setcontext, used only by OpenSSL's ASYNC jobs, which we never
 * start). Everything else they use is either standard or a glibc ABI symbol musl provides
 * for compatibility (__ctype_b_loc, __isoc99_sscanf, __xpg_strerror_r, ...), and the structs
 * they share with libc on x86_64 (stat, dirent, addrinfo, pthread types, tm) have the same
 * layout in both. These definitions keep the fortify checks (abort on overflow, as glibc
 * would) and make ucontext fail cleanly (OpenSSL then reports ASYNC as unavailable).
 *
 * tests/forwarder checks the result for real: the musl binary completes TLS 1.3 handshakes
 * and ships zstd batches to the appliance, and runs inside an empty chroot (no libc at all).
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <syslog.h>

void *__memcpy_chk(void *dst, const void *src, size_t n, size_t dst_len);
void *__memset_chk(void *dst, int c, size_t n, size_t dst_len);
char *__strcat_chk(char *dst, const char *src, size_t dst_len);
int __fprintf_chk(FILE *f, int flag, const char *fmt, ...);
int __vfprintf_chk(FILE *f, int flag, const char *fmt, va_list ap);
int __sprintf_chk(char *s, int flag, size_t slen, const char *fmt, ...);
void __syslog_chk(int prio, int flag, const char *fmt, ...);
long __fdelt_chk(long d);
int getcontext(void *ucp);
int setcontext(const void *ucp);
void makecontext(void *ucp, void (*fn)(void), int argc, ...);

void *__memcpy_chk(void *dst, const void *src, size_t n, size_t dst_len) {
    if (n > dst_len) {
        abort();
    }
    return memcpy(dst, src, n);
}

void *__memset_chk(void *dst, int c, size_t n, size_t dst_len) {
    if (n > dst_len) {
        abort();
    }
    return memset(dst, c, n);
}

char *__strcat_chk(char *dst, const char *src, size_t dst_len) {
    size_t a = strlen(dst), b = strlen(src);
    if (a + b + 1 > dst_len) {
        abort();
    }
    memcpy(dst + a, src, b + 1);
    return dst;
}

int __fprintf_chk(FILE *f, int flag, const char *fmt, ...) {
    (void) flag;
    va_list ap;
    va_start(ap, fmt);
    int r = vfprintf(f, fmt, ap);
    va_end(ap);
    return r;
}

int __vfprintf_chk(FILE *f, int flag, const char *fmt, va_list ap) {
    (void) flag;
    return vfprintf(f, fmt, ap);
}

int __sprintf_chk(char *s, int flag, size_t slen, const char *fmt, ...) {
    (void) flag;
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(s, slen, fmt, ap);
    va_end(ap);
    if (r >= 0 && (size_t) r >= slen) {
        abort();
    }
    return r;
}

void __syslog_chk(int prio, int flag, const char *fmt, ...) {
    (void) flag;
    va_list ap;
    va_start(ap, fmt);
    vsyslog(prio, fmt, ap);
    va_end(ap);
}

long __fdelt_chk(long d) {
    if (d < 0 || d >= FD_SETSIZE) {
        abort();
    }
    return d / (long) (8 * sizeof(long));
}

int getcontext(void *ucp) {
    (void) ucp;
    return -1;
}

int setcontext(const void *ucp) {
    (void) ucp;
    return -1;
}

void makecontext(void *ucp, void (*fn)(void), int argc, ...) {
    (void) ucp;
    (void) fn;
    (void) argc;
}
