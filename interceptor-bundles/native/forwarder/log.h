/*
 * The forwarder's log. It never writes to the program's stdout/stderr (those belong to the
 * program being run) unless -v asked for it; by default it goes to forwarder.log in the
 * spool directory. Every line is written with one write(2) on an O_APPEND descriptor, so
 * threads and concurrent runs do not interleave within a line.
 */
#ifndef TT_LOG_H
#define TT_LOG_H

enum { TT_LOG_ERROR = 0, TT_LOG_WARN = 1, TT_LOG_INFO = 2, TT_LOG_DEBUG = 3 };

/* Opens (appends to) the log file; a previous file is rotated once it passes 4 MiB. */
int tt_log_open(const char *path);
/* verbosity: 0 = file only, 1 = also to stderr, 2 = debug lines too (file and stderr). */
void tt_log_set_verbose(int verbosity);
void tt_log_close(void);

void tt_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define tt_err(...) tt_log(TT_LOG_ERROR, __VA_ARGS__)
#define tt_warn(...) tt_log(TT_LOG_WARN, __VA_ARGS__)
#define tt_info(...) tt_log(TT_LOG_INFO, __VA_ARGS__)
#define tt_debug(...) tt_log(TT_LOG_DEBUG, __VA_ARGS__)

#endif
