/* Command-line parsing of `telltale run` and `telltale doctor`. */
#define _GNU_SOURCE
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage_error(const char *fmt, const char *arg) {
    fprintf(stderr, "telltale: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nrun 'telltale help' for usage\n");
    return 2;
}

/* Accepts "--opt VALUE" and "--opt=VALUE"; returns the value or NULL. */
static const char *take_value(int argc, char **argv, int *i, const char *name) {
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n) == 0 && a[n] == '=') {
        return a + n + 1;
    }
    if (strcmp(a, name) == 0) {
        if (*i + 1 >= argc) {
            return NULL;
        }
        return argv[++*i];
    }
    return NULL;
}

static int matches(const char *a, const char *name) {
    size_t n = strlen(name);
    return strncmp(a, name, n) == 0 && (a[n] == 0 || a[n] == '=');
}

int tt_cli_parse(tt_config *c, int argc, char **argv, int is_run) {
    memset(c, 0, sizeof *c);
    c->stacks = -1;
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        const char *v;
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        }
        if (a[0] != '-' || a[1] == 0) {
            break; /* the command starts here */
        }
        struct { const char *s, *l; char **field; } opts[] = {
            {"-a", "--app", &c->app}, {"-c", "--component", &c->component}, {"-V", "--version", &c->version},
            {"-p", "--policy", &c->policy}, {NULL, "--portal", &c->portal}, {NULL, "--token", &c->token},
            {NULL, "--config", &c->config_path}, {NULL, "--libc", &c->libc}, {NULL, "--spool", &c->spool_dir},
        };
        int matched = 0;
        for (size_t k = 0; k < sizeof opts / sizeof opts[0] && !matched; k++) {
            if (opts[k].s && strcmp(a, opts[k].s) == 0) {
                if (i + 1 >= argc) {
                    return usage_error("%s needs a value", a);
                }
                v = argv[++i];
            } else if (matches(a, opts[k].l)) {
                if (!(v = take_value(argc, argv, &i, opts[k].l))) {
                    return usage_error("%s needs a value", a);
                }
            } else {
                continue;
            }
            free(*opts[k].field);
            *opts[k].field = strdup(v);
            matched = 1;
        }
        if (matched) {
            continue;
        }
        if (strcmp(a, "-t") == 0 || matches(a, "--tag")) {
            if (strcmp(a, "-t") == 0) {
                if (i + 1 >= argc) {
                    return usage_error("%s needs key=value", a);
                }
                v = argv[++i];
            } else if (!(v = take_value(argc, argv, &i, "--tag"))) {
                return usage_error("%s needs key=value", a);
            }
            if (!strchr(v, '=') || v[0] == '=') {
                return usage_error("tag '%s' is not key=value", v);
            }
            if (c->ntags >= TT_MAX_TAGS) {
                return usage_error("too many tags (at most 64)%s", "");
            }
            c->tags[c->ntags++] = strdup(v);
            continue;
        }
        if (matches(a, "--ca")) {
            if (!(v = take_value(argc, argv, &i, "--ca"))) {
                return usage_error("%s needs a file", a);
            }
            free(c->ca_arg); /* read by tt_config_resolve: a command-line CA wins */
            c->ca_arg = strdup(v);
            continue;
        }
        if (matches(a, "--spool-bytes")) {
            if (!(v = take_value(argc, argv, &i, "--spool-bytes"))) {
                return usage_error("%s needs a size", a);
            }
            char *end;
            unsigned long long n = strtoull(v, &end, 10);
            if (*end == 'k' || *end == 'K') { n <<= 10; end++; }
            else if (*end == 'm' || *end == 'M') { n <<= 20; end++; }
            else if (*end == 'g' || *end == 'G') { n <<= 30; end++; }
            if (*end || n == 0) {
                return usage_error("--spool-bytes: '%s' is not a size", v);
            }
            c->spool_bytes = n;
            continue;
        }
        if (matches(a, "--flush-timeout")) {
            if (!(v = take_value(argc, argv, &i, "--flush-timeout"))) {
                return usage_error("%s needs seconds", a);
            }
            double s = atof(v);
            if (s < 0) {
                return usage_error("--flush-timeout: '%s' is negative", v);
            }
            c->flush_ms = s == 0 ? 1 : (unsigned) (s * 1000);
            continue;
        }
        if (strcmp(a, "--disable-stack-traces") == 0) {
            c->stacks = 0;
            continue;
        }
        if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
            c->verbose++;
            continue;
        }
        if (strcmp(a, "-vv") == 0) {
            c->verbose += 2;
            continue;
        }
        return usage_error("unknown option %s", a);
    }
    if (c->libc && strcmp(c->libc, "glibc") && strcmp(c->libc, "musl")) {
        return usage_error("--libc must be glibc or musl, not %s", c->libc);
    }
    for (const char **name = (const char *[]){"app", "component", NULL}; *name; name++) {
        const char *val = strcmp(*name, "app") == 0 ? c->app : c->component;
        if (val && !tt_valid_name(val)) {
            return usage_error("invalid name '%s': use letters, digits, '.', '_', ':' or '-' (at most 128)", val);
        }
    }
    if (c->policy && !tt_valid_policy_name(c->policy)) {
        return usage_error("invalid policy name '%s'", c->policy);
    }
    if (c->version && (strlen(c->version) > 128 || strpbrk(c->version, " \t\n"))) {
        return usage_error("version '%s' must be at most 128 printable characters without spaces", c->version);
    }
    if (is_run) {
        if (i >= argc) {
            return usage_error("run needs a command: telltale run [options] -- CMD ARGS...%s", "");
        }
        c->cmd = argv + i;
    } else if (i < argc) {
        return usage_error("unexpected argument %s", argv[i]);
    }
    return 0;
}
