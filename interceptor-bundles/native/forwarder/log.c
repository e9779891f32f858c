#define _GNU_SOURCE
#include "log.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int log_fd = -1;
static int verbose;

int tt_log_open(const char *path) {
    struct stat st;
    if (stat(path, &st) == 0 && st.st_size > (4 << 20)) {
        char old[4096];
        snprintf(old, sizeof old, "%s.1", path);
        rename(path, old); /* keep one previous file: bounded, yet the last trouble stays visible */
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) {
        return -1;
    }
    if (log_fd >= 0) {
        close(log_fd);
    }
    log_fd = fd;
    return 0;
}

void tt_log_set_verbose(int v) {
    verbose = v;
}

void tt_log_close(void) {
    if (log_fd >= 0) {
        close(log_fd);
        log_fd = -1;
    }
}

void tt_log(int level, const char *fmt, ...) {
    static const char *names[] = {"ERROR", "WARN", "INFO", "DEBUG"};
    /* Debug lines (one per batch) only with -vv: the file is for trouble, not traffic. */
    if (level == TT_LOG_DEBUG && verbose < 2) {
        return;
    }
    int to_stderr = verbose > 0;
    char line[2048];
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    int n = snprintf(line, sizeof line, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ [%d] %s ", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000,
                     (int) getpid(), names[level & 3]);
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + n, sizeof line - (size_t) n - 1, fmt, ap);
    va_end(ap);
    size_t len = (size_t) n + (m < 0 ? 0 : ((size_t) m < sizeof line - (size_t) n - 1 ? (size_t) m : sizeof line - (size_t) n - 2));
    line[len++] = '\n';
    if (log_fd >= 0) {
        ssize_t w = write(log_fd, line, len);
        (void) w;
    }
    if (to_stderr) {
        ssize_t w = write(2, "telltale: ", 10);
        w = write(2, line, len);
        (void) w;
    }
}
