/*
 * Python and Node packages visible on disk, for the host environment event. The OS package
 * databases do not know what pip or npm installed; the appliance needs name, version and
 * licence for the SBOM and vulnerability matching, and the directories each package installs
 * so that the files a program opens there tell it the package was used at run time.
 *
 * Python: *.dist-info (METADATA) and *.egg-info (PKG-INFO) in site-packages directories; the
 * package's files are its top-level import names (top_level.txt, else RECORD) as "DIR/" or
 * "MODULE.py". Debian's /usr/lib/python3/dist-packages is left to dpkg (its python3-* packages),
 * so nothing is reported twice. Node: package.json of each package under node_modules (scoped
 * @org/name and nested node_modules too); its file is the package directory "DIR/".
 *
 * Bounded like the rest of host_env: LANG_MAX packages, LANG_BUDGET_MS of reading, and the
 * event's size limit (tt_hostenv_add_pkg refuses once it is nearly full).
 */
#define _GNU_SOURCE
#include "hostenv_int.h"

#include <dirent.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Formats a path into a char array; false when it does not fit (the path is then skipped). */
#define PATHF(buf, ...) (snprintf((buf), sizeof(buf), __VA_ARGS__) < (int) sizeof(buf))

#define LANG_MAX 4000u
#define LANG_BUDGET_MS 3000u
#define NODE_DEPTH 4
#define TOP_NAMES 16

typedef struct lang {
    builder *bd;
    uint64_t end;
    unsigned count;
} lang;

static int more(lang *l) {
    return l->count < LANG_MAX && tt_mono_ms() < l->end;
}

static int is_dir(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int is_file(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* The value of header "key:" in a METADATA/PKG-INFO head (RFC 822 style, up to the first blank line). */
static size_t header(const char *text, size_t len, const char *key, const char **val) {
    size_t kl = strlen(key);
    const char *end = text + len;
    for (const char *line = text; line < end;) {
        const char *nl = memchr(line, '\n', (size_t) (end - line));
        const char *le = nl ? nl : end;
        if (le == line || (le == line + 1 && *line == '\r')) {
            break; /* the body (description) starts */
        }
        if ((size_t) (le - line) > kl && strncasecmp(line, key, kl) == 0 && line[kl] == ':') {
            const char *v = line + kl + 1;
            while (v < le && (*v == ' ' || *v == '\t')) {
                v++;
            }
            const char *ve = le;
            while (ve > v && (ve[-1] == '\r' || ve[-1] == ' ')) {
                ve--;
            }
            *val = v;
            return (size_t) (ve - v);
        }
        line = nl ? nl + 1 : end;
    }
    return 0;
}

/* The licence of a distribution: License-Expression, else License (one line, not UNKNOWN), else the
 * last part of a "License :: OSI Approved :: MIT License" classifier. */
static size_t licence(const char *text, size_t len, const char **val) {
    size_t n = header(text, len, "License-Expression", val);
    if (n) {
        return n;
    }
    n = header(text, len, "License", val);
    if (n && !(n == 7 && strncmp(*val, "UNKNOWN", 7) == 0) && !memchr(*val, '\n', n)) {
        return n;
    }
    const char *end = text + len;
    for (const char *p = text; p < end;) {
        const char *nl = memchr(p, '\n', (size_t) (end - p));
        const char *le = nl ? nl : end;
        if (le == p) {
            break;
        }
        static const char cl[] = "Classifier: License ::";
        if ((size_t) (le - p) > sizeof cl && strncmp(p, cl, sizeof cl - 1) == 0) {
            const char *last = p;
            for (const char *q = p; q + 4 <= le; q++) {
                if (memcmp(q, " :: ", 4) == 0) {
                    last = q + 4;
                }
            }
            const char *ve = le;
            while (ve > last && ve[-1] == '\r') {
                ve--;
            }
            *val = last;
            return (size_t) (ve - last);
        }
        p = nl ? nl + 1 : end;
    }
    return 0;
}

/* Adds "site/NAME/" or "site/NAME.py" (whichever exists), or exactly "site/NAME" (a native
 * module), once to files. */
static void add_top(const char *site, const char *name, size_t nl, int exact, tt_bytes_buf *files, unsigned *count) {
    if (nl == 0 || nl > 200 || *count >= TOP_NAMES || memchr(name, '/', nl) || (nl == 2 && !memcmp(name, "..", 2))) {
        return;
    }
    char path[4096];
    if (!PATHF(path, "%s/%.*s", site, (int) nl, name)) {
        return;
    }
    if (exact) {
        if (!is_file(path)) {
            return;
        }
    } else if (is_dir(path)) {
        strcat(path, "/");
    } else {
        if (!PATHF(path, "%s/%.*s.py", site, (int) nl, name) || !is_file(path)) {
            return;
        }
    }
    for (size_t off = 0; off < files->len; off += strlen((const char *) files->data + off) + 1) {
        if (strcmp((const char *) files->data + off, path) == 0) {
            return;
        }
    }
    if (tt_bb_put(files, path, strlen(path) + 1) == 0) {
        (*count)++;
    }
}

/* The top-level import names of a distribution: top_level.txt, else the first part of each RECORD path. */
static void top_names(const char *site, const char *info, tt_bytes_buf *files) {
    char path[4096];
    unsigned count = 0;
    size_t len;
    char *text = PATHF(path, "%s/%s/top_level.txt", site, info) ? tt_read_file(path, 1u << 16, &len) : NULL;
    int from_record = 0;
    if (!text) {
        text = PATHF(path, "%s/%s/RECORD", site, info) ? tt_read_file(path, 4u << 20, &len) : NULL;
        from_record = 1;
    }
    if (!text) {
        return;
    }
    const char *end = text + len;
    for (const char *line = text; line < end && count < TOP_NAMES;) {
        const char *nl = memchr(line, '\n', (size_t) (end - line));
        const char *le = nl ? nl : end;
        const char *stop = le;
        for (const char *q = line; q < le; q++) {
            if (*q == (from_record ? '/' : '\r') || (from_record && *q == ',')) {
                stop = q;
                break;
            }
        }
        size_t n = (size_t) (stop - line);
        int file = from_record && stop < le && *stop == ',';
        int module_file = file && n > 3 && !memcmp(stop - 3, ".py", 3);
        int native = file && n > 3 && !memcmp(stop - 3, ".so", 3);
        if (module_file) {
            n -= 3; /* six.py → the module six */
        }
        int skip = n == 0 || (n > 10 && !memcmp(line + n - 10, ".dist-info", 10)) || (n == 11 && !memcmp(line, "__pycache__", 11))
                   || line[0] == '.' || (file && !module_file && !native);
        if (!skip) {
            add_top(site, line, n, native, files, &count);
        }
        line = nl ? nl + 1 : end;
    }
    free(text);
}

static void python_dist(lang *l, const char *site, const char *info, int egg) {
    char path[4096];
    size_t len;
    char *text = PATHF(path, "%s/%s/%s", site, info, egg ? "PKG-INFO" : "METADATA") ? tt_read_file(path, 1u << 20, &len)
                                                                                   : NULL;
    if (!text) {
        return;
    }
    tt_bytes_buf files = {0};
    pkg k = {.manager = "pypi", .files = &files};
    k.name_len = header(text, len, "Name", &k.name);
    k.version_len = header(text, len, "Version", &k.version);
    k.license_len = licence(text, len, &k.license);
    if (k.name_len && k.version_len) {
        top_names(site, info, &files);
        tt_hostenv_add_pkg(l->bd, &k);
        l->bd->st->pypi++;
        l->count++;
    }
    tt_bb_free(&files);
    free(text);
}

static void python_site(lang *l, const char *site) {
    DIR *d = opendir(site);
    if (!d) {
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL && more(l)) {
        int dist = ends_with(e->d_name, ".dist-info");
        int egg = ends_with(e->d_name, ".egg-info");
        if (dist || egg) {
            python_dist(l, site, e->d_name, egg);
        }
    }
    closedir(d);
}

/* Every site-packages (or dist-packages) directory matching a glob pattern. */
static void python_glob(lang *l, const char *pattern) {
    glob_t g;
    if (glob(pattern, GLOB_NOSORT, NULL, &g) != 0) {
        return;
    }
    for (size_t i = 0; i < g.gl_pathc && more(l); i++) {
        python_site(l, g.gl_pathv[i]);
    }
    globfree(&g);
}

static void node_package(lang *l, const char *dir, int depth);

static void node_modules(lang *l, const char *nm, int depth) {
    DIR *d = opendir(nm);
    if (!d) {
        return;
    }
    struct dirent *e;
    char path[4096];
    while ((e = readdir(d)) != NULL && more(l)) {
        if (e->d_name[0] == '.') {
            continue;
        }
        if (!PATHF(path, "%s/%s", nm, e->d_name)) {
            continue;
        }
        if (e->d_name[0] == '@') {
            DIR *s = opendir(path);
            struct dirent *se;
            while (s && (se = readdir(s)) != NULL && more(l)) {
                if (se->d_name[0] != '.') {
                    char sub[4096];
                    if (PATHF(sub, "%s/%s", path, se->d_name)) {
                        node_package(l, sub, depth);
                    }
                }
            }
            if (s) {
                closedir(s);
            }
        } else {
            node_package(l, path, depth);
        }
    }
    closedir(d);
}

static void node_package(lang *l, const char *dir, int depth) {
    char path[4096];
    size_t len;
    char *json = PATHF(path, "%s/package.json", dir) ? tt_read_file(path, 1u << 20, &len) : NULL;
    if (!json) {
        return;
    }
    char name[512], version[256], lic[256];
    if (tt_json_top_string(json, len, "name", name, sizeof name) && tt_json_top_string(json, len, "version", version,
                                                                                      sizeof version)) {
        tt_bytes_buf files = {0};
        if (PATHF(path, "%s/", dir)) {
            tt_bb_put(&files, path, strlen(path) + 1);
        }
        pkg k = {.manager = "npm", .files = &files, .name = name, .name_len = strlen(name), .version = version,
                 .version_len = strlen(version)};
        if (tt_json_top_string(json, len, "license", lic, sizeof lic)) {
            k.license = lic;
            k.license_len = strlen(lic);
        }
        tt_hostenv_add_pkg(l->bd, &k);
        l->bd->st->npm++;
        l->count++;
        tt_bb_free(&files);
    }
    free(json);
    if (depth < NODE_DEPTH) {
        if (PATHF(path, "%s/node_modules", dir)) {
            node_modules(l, path, depth + 1);
        }
    }
}

/* A directory named by the user: site-packages style or node_modules style by its name. */
static void named_dir(lang *l, const char *root, const char *dir, size_t n) {
    char path[4096];
    if (!PATHF(path, "%s%.*s", root, (int) n, dir)) {
        return;
    }
    if (ends_with(path, "node_modules")) {
        node_modules(l, path, 1);
    } else {
        python_site(l, path);
    }
}

static const char *const sys_python[] = {"/usr/local/lib/python3*/site-packages", "/usr/local/lib/python3*/dist-packages",
                                         "/usr/lib/python3*/site-packages", "/usr/lib64/python3*/site-packages"};
static const char *const sys_node[] = {"/usr/local/lib/node_modules", "/usr/lib/node_modules"};

void tt_hostenv_collect_lang_system(builder *bd, const char *root) {
    lang l = {.bd = bd, .end = tt_mono_ms() + LANG_BUDGET_MS};
    char pat[4096];
    for (size_t i = 0; i < TT_ARRAY_LEN(sys_python); i++) {
        if (PATHF(pat, "%s%s", root, sys_python[i])) {
            python_glob(&l, pat);
        }
    }
    for (size_t i = 0; i < TT_ARRAY_LEN(sys_node); i++) {
        if (PATHF(pat, "%s%s", root, sys_node[i])) {
            node_modules(&l, pat, 1);
        }
    }
}

void tt_hostenv_collect_lang_local(builder *bd, const char *root, const char *cwd) {
    lang l = {.bd = bd, .end = tt_mono_ms() + LANG_BUDGET_MS};
    char pat[4096];
    static const char *venvs[] = {".venv", "venv", "env"};
    for (size_t i = 0; i < TT_ARRAY_LEN(venvs); i++) {
        if (PATHF(pat, "%s%s/%s/lib/python3*/site-packages", root, strcmp(cwd, "/") ? cwd : "", venvs[i])) {
            python_glob(&l, pat);
        }
    }
    const char *venv = getenv("VIRTUAL_ENV");
    if (venv && venv[0] == '/') {
        if (PATHF(pat, "%s%s/lib/python3*/site-packages", root, venv)) {
            python_glob(&l, pat);
        }
    }
    if (strcmp(cwd, "/") != 0) {
        if (PATHF(pat, "%s%s/node_modules", root, cwd)) {
            node_modules(&l, pat, 1);
        }
    }
    const char *extra = getenv("TELLTALE_PACKAGE_DIRS");
    for (const char *p = extra; p && *p;) {
        const char *c = strchr(p, ':');
        size_t n = c ? (size_t) (c - p) : strlen(p);
        if (n > 1 && p[0] == '/') {
            named_dir(&l, root, p, n);
        }
        p = c ? c + 1 : p + n;
    }
}

/* Every node_modules directory a package can be read from, and each @scope directory: a package
 * installed, upgraded (npm renames the new directory in) or removed changes the entries of one
 * of them. Summed, so the order readdir gives does not matter. */
static uint64_t node_key(const char *nm, int depth, unsigned *budget) {
    uint64_t sum = tt_hostenv_mix_stat(depth, "", nm);
    DIR *d = opendir(nm);
    if (d == NULL) {
        return sum;
    }
    struct dirent *e;
    char path[4096], sub[4096];
    while ((e = readdir(d)) != NULL && *budget > 0) {
        if (e->d_name[0] == '.' || !PATHF(path, "%s/%s", nm, e->d_name)) {
            continue;
        }
        (*budget)--;
        if (e->d_name[0] == '@') {
            sum += tt_hostenv_mix_stat(depth, "", path);
            DIR *s = opendir(path);
            struct dirent *se;
            while (s && (se = readdir(s)) != NULL && *budget > 0) {
                if (se->d_name[0] != '.' && depth < NODE_DEPTH && PATHF(sub, "%s/%s/node_modules", path, se->d_name)) {
                    (*budget)--;
                    sum += node_key(sub, depth + 1, budget);
                }
            }
            if (s) {
                closedir(s);
            }
        } else if (depth < NODE_DEPTH && PATHF(sub, "%s/node_modules", path)) {
            sum += node_key(sub, depth + 1, budget);
        }
    }
    closedir(d);
    return sum;
}

uint64_t tt_hostenv_lang_system_key(uint64_t h, const char *root) {
    char pat[4096];
    uint64_t sum = 0;
    for (size_t i = 0; i < TT_ARRAY_LEN(sys_python); i++) {
        glob_t g;
        if (PATHF(pat, "%s%s", root, sys_python[i]) && glob(pat, GLOB_NOSORT, NULL, &g) == 0) {
            for (size_t k = 0; k < g.gl_pathc; k++) {
                sum += tt_hostenv_mix_stat(i, "", g.gl_pathv[k]);
            }
            globfree(&g);
        }
    }
    unsigned budget = 4 * LANG_MAX;
    for (size_t i = 0; i < TT_ARRAY_LEN(sys_node); i++) {
        if (PATHF(pat, "%s%s", root, sys_node[i])) {
            sum += node_key(pat, 1, &budget);
        }
    }
    /* beyond the budget (4 x LANG_MAX directories), changes go unnoticed until one inside it moves */
    return (h ^ sum) * 1099511628211ull;
}

/* Skips one JSON string starting at s[i] == '"'; returns the index after its closing quote, or n. */
static size_t skip_string(const char *s, size_t n, size_t i) {
    for (i++; i < n; i++) {
        if (s[i] == '\\') {
            i++;
        } else if (s[i] == '"') {
            return i + 1;
        }
    }
    return n;
}

/* Copies the JSON string at s[i] == '"' into out, unescaping \" \\ \/ and the control escapes
 * (\uXXXX becomes '?': names and versions are ASCII). Returns 0 when it does not fit. */
static int copy_string(const char *s, size_t n, size_t i, char *out, size_t cap) {
    size_t o = 0;
    for (i++; i < n; i++) {
        char c = s[i];
        if (c == '"') {
            out[o] = 0;
            return 1;
        }
        if (c == '\\' && i + 1 < n) {
            c = s[++i];
            switch (c) {
                case 'n': c = '\n'; break;
                case 't': c = '\t'; break;
                case 'r': c = '\r'; break;
                case 'b': case 'f': c = ' '; break;
                case 'u': i += 4; c = '?'; break;
                default: break;
            }
        }
        if (o + 1 >= cap) {
            return 0;
        }
        out[o++] = c;
    }
    return 0;
}

int tt_json_top_string(const char *s, size_t n, const char *key, char *out, size_t cap) {
    size_t kl = strlen(key);
    int depth = 0;
    int expect_key = 0;
    for (size_t i = 0; i < n;) {
        char c = s[i];
        if (c == '"') {
            size_t after = skip_string(s, n, i);
            if (depth == 1 && expect_key) {
                size_t j = after;
                while (j < n && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r' || s[j] == '\n')) {
                    j++;
                }
                if (j < n && s[j] == ':') {
                    int match = after - i - 2 == kl && memcmp(s + i + 1, key, kl) == 0;
                    j++;
                    while (j < n && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r' || s[j] == '\n')) {
                        j++;
                    }
                    if (match) {
                        return j < n && s[j] == '"' && copy_string(s, n, j, out, cap);
                    }
                    expect_key = 0;
                    i = j;
                    continue;
                }
            }
            i = after;
            continue;
        }
        if (c == '{' || c == '[') {
            depth++;
            expect_key = c == '{' && depth == 1;
        } else if (c == '}' || c == ']') {
            depth--;
        } else if (c == ',' && depth == 1) {
            expect_key = 1;
        }
        i++;
    }
    return 0;
}
