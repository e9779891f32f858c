#define _GNU_SOURCE
#include "config.h"

#include "util.h"

#include <ctype.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void set_if_unset(char **field, const char *value) {
    if (*field == NULL && value != NULL && *value) {
        *field = strdup(value);
    }
}

/* A policy name as the appliance accepts it: letters, digits, spaces and . _ : ( ) -, starting
 * with a letter or digit, at most 100 bytes ("Max Alert"). */
int tt_valid_policy_name(const char *s) {
    if (!s || !isalnum((unsigned char) s[0])) {
        return 0;
    }
    size_t n = 0;
    for (const char *p = s; *p; p++, n++) {
        if (!isalnum((unsigned char) *p) && !strchr(" ._:()-", *p)) {
            return 0;
        }
    }
    return n <= 100;
}

int tt_valid_name(const char *s) {
    if (!s || !isalnum((unsigned char) s[0])) {
        return 0;
    }
    size_t n = 0;
    for (const char *p = s; *p; p++, n++) {
        if (!isalnum((unsigned char) *p) && !strchr("._:-", *p)) {
            return 0;
        }
    }
    return n <= 128;
}

void tt_sanitize_name(char *s) {
    size_t n = 0;
    for (char *p = s; *p; p++, n++) {
        if (!isalnum((unsigned char) *p) && !strchr("._:-", *p)) {
            *p = '_';
        }
    }
    if (n > 128) {
        s[128] = 0;
    }
    if (s[0] && !isalnum((unsigned char) s[0])) {
        s[0] = 'x';
    }
}

static void config_fail(tt_config *c, const char *fmt, const char *a, int line) {
    c->config_error = 1;
    char msg[200];
    snprintf(msg, sizeof msg, fmt, a);
    snprintf(c->config_error_msg, sizeof c->config_error_msg, "%s:%d: %s", c->config_path ? c->config_path : "?",
             line, msg);
}

/* A CA given as a path is read now; relative paths in a config file are relative to the file. */
static void set_ca(tt_config *c, const char *value, const char *base_dir, const char *origin) {
    if (c->ca_pem) {
        return;
    }
    if (strstr(value, "-----BEGIN")) {
        c->ca_pem = strdup(value);
        c->ca_origin = strdup(origin);
        return;
    }
    char path[PATH_MAX];
    if (value[0] != '/' && base_dir) {
        snprintf(path, sizeof path, "%s/%s", base_dir, value);
    } else {
        snprintf(path, sizeof path, "%s", value);
    }
    c->ca_origin = strdup(path);
    c->ca_pem = tt_read_file(path, 1 << 20, NULL);
    if (!c->ca_pem) {
        c->ca_pem = strdup(""); /* remembered as unreadable: doctor says so */
    }
}

static uint64_t parse_size(const char *s, int *ok) {
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    *ok = end != s;
    switch (*end) {
        case 'k': case 'K': v <<= 10; end++; break;
        case 'm': case 'M': v <<= 20; end++; break;
        case 'g': case 'G': v <<= 30; end++; break;
        default: break;
    }
    if (*end == 'i' || *end == 'B') {
        end++;
    }
    if (*end == 'B') {
        end++;
    }
    if (*end) {
        *ok = 0;
    }
    return v;
}

static int parse_bool(const char *v) {
    return !strcmp(v, "1") || !strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcasecmp(v, "on");
}

int tt_config_load_file(tt_config *c, const char *path) {
    size_t len;
    char *text = tt_read_file(path, 1 << 20, &len);
    if (!text) {
        c->config_path = strdup(path);
        config_fail(c, "cannot read the config file%s", "", 0);
        return -1;
    }
    c->config_path = strdup(path);
    char base[PATH_MAX];
    snprintf(base, sizeof base, "%s", path);
    char *slash = strrchr(base, '/');
    if (slash) {
        *slash = 0;
    } else {
        strcpy(base, ".");
    }
    char origin[PATH_MAX + 16];
    snprintf(origin, sizeof origin, "inline in %s", path);

    int lineno = 0;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        lineno++;
        char *l = tt_trim(line);
        if (!*l || *l == '#') {
            continue;
        }
        char *eq = strchr(l, '=');
        if (!eq) {
            config_fail(c, "expected 'key = value'%s", "", lineno);
            continue;
        }
        *eq = 0;
        char *key = tt_trim(l);
        char *value = tt_trim(eq + 1);
        if (!strcmp(key, "ca") && strncmp(value, "-----BEGIN", 10) == 0) {
            /* Inline PEM: the value goes on until the matching END line. */
            size_t cap = strlen(value) + 2;
            char *pem = malloc(cap);
            snprintf(pem, cap, "%s\n", value);
            int done = 0;
            char *next;
            while (!done && (next = strtok_r(NULL, "\n", &save)) != NULL) {
                lineno++;
                char *t = tt_trim(next);
                size_t need = strlen(pem) + strlen(t) + 2;
                pem = realloc(pem, need);
                strcat(pem, t);
                strcat(pem, "\n");
                if (strncmp(t, "-----END", 8) == 0) {
                    /* A bundle may hold several certificates; the next line decides. */
                    char *peek = save;
                    while (peek && (*peek == '\n' || *peek == ' ' || *peek == '\t' || *peek == '\r')) {
                        peek++;
                    }
                    done = !(peek && strncmp(peek, "-----BEGIN", 10) == 0);
                }
            }
            set_ca(c, pem, base, origin);
            free(pem);
            continue;
        }
        if (!strcmp(key, "portal")) {
            set_if_unset(&c->portal, value);
        } else if (!strcmp(key, "token")) {
            set_if_unset(&c->token, value);
        } else if (!strcmp(key, "ca")) {
            set_ca(c, value, base, origin);
        } else if (!strcmp(key, "app") || !strcmp(key, "application")) {
            set_if_unset(&c->app, value);
        } else if (!strcmp(key, "component")) {
            set_if_unset(&c->component, value);
        } else if (!strcmp(key, "version")) {
            set_if_unset(&c->version, value);
        } else if (!strcmp(key, "policy")) {
            set_if_unset(&c->policy, value);
        } else if (!strcmp(key, "tag")) {
            if (c->ntags < TT_MAX_TAGS) {
                c->tags[c->ntags++] = strdup(value);
            }
        } else if (!strcmp(key, "spool")) {
            set_if_unset(&c->spool_dir, value);
        } else if (!strcmp(key, "spool_bytes")) {
            int ok;
            uint64_t v = parse_size(value, &ok);
            if (!ok) {
                config_fail(c, "spool_bytes: not a size: %s", value, lineno);
            } else if (!c->spool_bytes) {
                c->spool_bytes = v;
            }
        } else if (!strcmp(key, "flush_timeout")) {
            if (!c->flush_ms) {
                c->flush_ms = (unsigned) (atof(value) * 1000);
            }
        } else if (!strcmp(key, "stack_traces")) {
            if (c->stacks < 0) {
                c->stacks = parse_bool(value);
            }
        } else if (!strcmp(key, "libc")) {
            set_if_unset(&c->libc, value);
        } else {
            config_fail(c, "unknown key '%s'", key, lineno);
        }
    }
    free(text);
    return c->config_error ? -1 : 0;
}

int tt_config_parse_portal(tt_config *c) {
    free(c->host);
    c->host = NULL;
    c->port = TT_DEFAULT_PORT;
    if (!c->portal || !*c->portal) {
        return -1;
    }
    const char *p = c->portal;
    /* Tolerate a URL-ish form copied from a browser. */
    if (!strncmp(p, "https://", 8)) {
        p += 8;
    } else if (!strncmp(p, "tls://", 6)) {
        p += 6;
    }
    char buf[512];
    snprintf(buf, sizeof buf, "%s", p);
    char *slash = strchr(buf, '/');
    if (slash) {
        *slash = 0;
    }
    char *port = NULL;
    if (buf[0] == '[') {
        char *close = strchr(buf, ']');
        if (!close) {
            return -1;
        }
        *close = 0;
        if (close[1] == ':') {
            port = close + 2;
        } else if (close[1]) {
            return -1;
        }
        c->host = strdup(buf + 1);
    } else {
        char *colon = strchr(buf, ':');
        if (colon && strchr(colon + 1, ':') == NULL) {
            *colon = 0;
            port = colon + 1;
        }
        c->host = strdup(buf); /* several colons: a bare IPv6 address */
    }
    if (port) {
        char *end;
        long v = strtol(port, &end, 10);
        if (*end || v <= 0 || v > 65535) {
            return -1;
        }
        c->port = (int) v;
    }
    return c->host[0] ? 0 : -1;
}

/* The bundle layout puts the team config at <bundle>/etc/telltale.conf next to bin/. */
static const char *default_config_path(char *buf, size_t cap) {
    char dir[PATH_MAX - 64];
    if (tt_exe_dir(dir, sizeof dir) == 0) {
        snprintf(buf, cap, "%s/../etc/telltale.conf", dir);
        if (access(buf, R_OK) == 0) {
            return buf;
        }
        snprintf(buf, cap, "%s/telltale.conf", dir);
        if (access(buf, R_OK) == 0) {
            return buf;
        }
    }
    const char *home = getenv("HOME");
    if (home) {
        snprintf(buf, cap, "%s/.telltale/telltale.conf", home);
        if (access(buf, R_OK) == 0) {
            return buf;
        }
    }
    if (access("/etc/telltale/telltale.conf", R_OK) == 0) {
        snprintf(buf, cap, "/etc/telltale/telltale.conf");
        return buf;
    }
    return NULL;
}

static const char *home_dir(void) {
    const char *h = getenv("HOME");
    if (h && *h) {
        return h;
    }
    struct passwd *pw = getpwuid(getuid());
    return pw && pw->pw_dir ? pw->pw_dir : "/tmp";
}

void tt_config_resolve(tt_config *c) {
    /* Environment: portal, token and CA (and the config path itself). */
    if (c->ca_arg) {
        set_ca(c, c->ca_arg, NULL, "--ca");
    }
    set_if_unset(&c->portal, getenv("TELLTALE_PORTAL"));
    set_if_unset(&c->token, getenv("TELLTALE_TOKEN"));
    const char *env_ca = getenv("TELLTALE_CA");
    if (env_ca && *env_ca) {
        set_ca(c, env_ca, NULL, "TELLTALE_CA");
    }
    const char *cfg = c->config_path;
    if (!cfg) {
        cfg = getenv("TELLTALE_CONFIG");
        if (cfg && !*cfg) {
            cfg = NULL;
        }
    }
    char buf[PATH_MAX];
    if (!cfg) {
        cfg = default_config_path(buf, sizeof buf);
    }
    if (cfg) {
        char *path = strdup(cfg);
        free(c->config_path);
        c->config_path = NULL;
        tt_config_load_file(c, path);
        free(path);
    }

    /* Defaults: application and component from the command's basename. */
    if (c->cmd && c->cmd[0]) {
        const char *base = strrchr(c->cmd[0], '/');
        base = base ? base + 1 : c->cmd[0];
        if (!c->app) {
            c->app = strdup(base);
            tt_sanitize_name(c->app);
        }
        if (!c->component) {
            c->component = strdup(base);
            tt_sanitize_name(c->component);
        }
    }
    if (!c->app) {
        c->app = strdup("telltale");
    }
    if (!c->component) {
        c->component = strdup(c->app);
    }
    if (!c->version) {
        c->version = strdup("unknown");
    }
    if (c->stacks < 0) {
        c->stacks = 1;
    }
    if (!c->spool_bytes) {
        c->spool_bytes = 1ull << 30;
    }
    if (!c->flush_ms) {
        c->flush_ms = 5000;
    }
    if (!c->spool_dir) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/.telltale/spool/%s/%s", home_dir(), c->app, c->component);
        c->spool_dir = strdup(path);
    }
    if (c->portal) {
        tt_config_parse_portal(c);
    }
}
