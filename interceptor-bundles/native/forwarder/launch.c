#define _GNU_SOURCE
#include "launch.h"

#include "util.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;

const char *tt_build_libc(void) {
#ifdef __GLIBC__
    return "glibc";
#else
    return "musl";
#endif
}

const char *tt_system_libc(char *detail, size_t cap) {
    const char *glibc[] = {"/lib64/ld-linux-x86-64.so.2", "/lib/ld-linux-aarch64.so.1", "/lib/ld-linux.so.2"};
    const char *musl[] = {"/lib/ld-musl-x86_64.so.1", "/lib/ld-musl-aarch64.so.1"};
    const char *g = NULL, *m = NULL;
    for (size_t i = 0; i < TT_ARRAY_LEN(glibc) && !g; i++) {
        if (access(glibc[i], F_OK) == 0) {
            g = glibc[i];
        }
    }
    for (size_t i = 0; i < TT_ARRAY_LEN(musl) && !m; i++) {
        if (access(musl[i], F_OK) == 0) {
            m = musl[i];
        }
    }
    snprintf(detail, cap, "%s%s%s", g ? g : "", g && m ? ", " : "", m ? m : "");
    if (g && m) {
        /* Debian with musl-tools installed, or Alpine with gcompat: the OS is the one /bin/sh uses. */
        return "glibc+musl";
    }
    return g ? "glibc" : m ? "musl" : "unknown";
}

static int usable(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, R_OK) == 0;
}

int tt_find_interceptor(const char *libc, char *out, size_t cap) {
    const char *env = getenv("TELLTALE_LIBRARY");
    if (env && *env) {
        if (usable(env)) {
            if (!realpath(env, out)) {
                snprintf(out, cap, "%s", env);
            }
            return 0;
        }
        return -1; /* an explicit choice that does not exist is not silently replaced */
    }
    char dir[PATH_MAX];
    if (tt_exe_dir(dir, sizeof dir) != 0) {
        return -1;
    }
    char cand[4][PATH_MAX + 64];
    snprintf(cand[0], sizeof cand[0], "%s/../lib/%s/libtelltale.so", dir, libc);
    snprintf(cand[1], sizeof cand[1], "%s/../lib/libtelltale.so", dir);
    snprintf(cand[2], sizeof cand[2], "%s/libtelltale.so", dir);
    /* The build tree keeps both flavours side by side: build/glibc, build/musl. */
    snprintf(cand[3], sizeof cand[3], "%s/../%s/libtelltale.so", dir, libc);
    for (size_t i = 0; i < 4; i++) {
        if (usable(cand[i])) {
            char real[PATH_MAX];
            /* LD_PRELOAD paths must not contain spaces or colons: the loader splits on them. */
            if (realpath(cand[i], real) && !strpbrk(real, " :")) {
                snprintf(out, cap, "%s", real);
                return 0;
            }
        }
    }
    return -1;
}

int tt_wants_java_agent(const char *path) {
    const char *force = getenv("TELLTALE_JAVA_AGENT");
    if (force && *force) {
        return strcmp(force, "0") != 0;
    }
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    return strcmp(base, "java") == 0;
}

int tt_find_java_agent(char *out, size_t cap) {
    const char *env = getenv("TELLTALE_JAVA_AGENT_JAR");
    char dir[PATH_MAX];
    char cand[5][PATH_MAX + 64];
    size_t n = 0;
    if (env && *env) {
        snprintf(cand[n++], sizeof cand[0], "%s", env);
    } else if (tt_exe_dir(dir, sizeof dir) == 0) {
        snprintf(cand[n++], sizeof cand[0], "%s/../lib/java/telltale-java-agent.jar", dir);
        snprintf(cand[n++], sizeof cand[0], "%s/../lib/telltale-java-agent.jar", dir);
        snprintf(cand[n++], sizeof cand[0], "%s/telltale-java-agent.jar", dir);
        /* The build tree: native/build/<libc>/telltale and java-agent/target/. */
        snprintf(cand[n++], sizeof cand[0], "%s/../../../java-agent/target/telltale-java-agent.jar", dir);
    }
    for (size_t i = 0; i < n; i++) {
        char real[PATH_MAX];
        /* JAVA_TOOL_OPTIONS splits on white space: such a path cannot be passed. */
        if (usable(cand[i]) && realpath(cand[i], real) && !strpbrk(real, " \t\n\"'")) {
            snprintf(out, cap, "%s", real);
            return 0;
        }
    }
    return -1;
}

static char *concat(const char *a, const char *b) {
    size_t n = strlen(a) + strlen(b) + 1;
    char *s = malloc(n);
    if (s) {
        snprintf(s, n, "%s%s", a, b);
    }
    return s;
}

char **tt_child_env(const tt_config *c, const char *lib, const char *channel, const char *ring,
                     const char *java_agent) {
    size_t n = 0;
    while (environ[n]) {
        n++;
    }
    char **env = calloc(n + 8, sizeof *env);
    if (!env) {
        return NULL;
    }
    size_t k = 0;
    const char *old_preload = NULL;
    const char *old_java = NULL;
    for (size_t i = 0; i < n; i++) {
        const char *e = environ[i];
        if (!strncmp(e, "LD_PRELOAD=", 11)) {
            old_preload = e + 11;
            continue;
        }
        if (java_agent && !strncmp(e, "JAVA_TOOL_OPTIONS=", 18)) {
            old_java = e + 18;
            continue;
        }
        /* Ours are set below; a nested run replaces its parent's. */
        if (!strncmp(e, "TELLTALE_CHANNEL=", 17) || !strncmp(e, "TELLTALE_STACKS=", 16) ||
            !strncmp(e, "TELLTALE_TAGS=", 14) || !strncmp(e, "TELLTALE_RING=", 14)) {
            continue;
        }
        env[k++] = (char *) e;
    }
    if (lib) {
        char *v;
        if (old_preload && *old_preload && !strstr(old_preload, lib)) {
            char *tail = concat(" ", old_preload); /* the loader accepts spaces or colons */
            char *head = concat(lib, tail ? tail : "");
            v = concat("LD_PRELOAD=", head ? head : lib);
            free(tail);
            free(head);
        } else if (old_preload && *old_preload) {
            v = concat("LD_PRELOAD=", old_preload);
        } else {
            v = concat("LD_PRELOAD=", lib);
        }
        env[k++] = v;
    } else if (old_preload) {
        env[k++] = concat("LD_PRELOAD=", old_preload);
    }
    if (channel) {
        env[k++] = concat("TELLTALE_CHANNEL=", channel);
    }
    if (ring) {
        env[k++] = concat("TELLTALE_RING=", ring);
    }
    env[k++] = concat("TELLTALE_STACKS=", c->stacks ? "1" : "0");
    if (java_agent) {
        /* Appended to the user's options, never replacing them; once, even in nested runs. */
        char *opt = concat("-javaagent:", java_agent);
        if (opt && old_java && strstr(old_java, opt)) {
            env[k++] = concat("JAVA_TOOL_OPTIONS=", old_java);
        } else if (opt) {
            char *sep = concat(old_java && *old_java ? old_java : "", old_java && *old_java ? " " : "");
            char *all = concat(sep ? sep : "", opt);
            env[k++] = concat("JAVA_TOOL_OPTIONS=", all ? all : opt);
            free(sep);
            free(all);
        }
        free(opt);
    }
    if (c->ntags > 0) {
        size_t total = 16;
        for (int i = 0; i < c->ntags; i++) {
            total += strlen(c->tags[i]) + 1;
        }
        char *t = malloc(total);
        if (t) {
            strcpy(t, "TELLTALE_TAGS=");
            for (int i = 0; i < c->ntags; i++) {
                if (i) {
                    strcat(t, ",");
                }
                strcat(t, c->tags[i]);
            }
            env[k++] = t;
        }
    }
    env[k] = NULL;
    return env;
}

int tt_resolve_command(const char *cmd, char *out, size_t cap) {
    if (strchr(cmd, '/')) {
        if (access(cmd, F_OK) != 0) {
            return -1;
        }
        snprintf(out, cap, "%s", cmd);
        return 0;
    }
    const char *path = getenv("PATH");
    if (!path) {
        path = "/usr/local/bin:/bin:/usr/bin";
    }
    int saw_eacces = 0;
    for (const char *p = path;;) {
        const char *colon = strchr(p, ':');
        size_t dl = colon ? (size_t) (colon - p) : strlen(p);
        char cand[PATH_MAX];
        snprintf(cand, sizeof cand, "%.*s%s%s", (int) dl, p, dl ? "/" : "", cmd);
        struct stat st;
        if (stat(cand, &st) == 0 && S_ISREG(st.st_mode)) {
            if (access(cand, X_OK) == 0) {
                snprintf(out, cap, "%s", cand);
                return 0;
            }
            saw_eacces = 1;
        }
        if (!colon) {
            break;
        }
        p = colon + 1;
    }
    errno = saw_eacces ? EACCES : ENOENT;
    return -1;
}

void tt_forwarded_signals(sigset_t *set) {
    /* Not SIGPIPE: the forwarder ignores it for its own sockets, and nobody sends it by kill(2). */
    static const int sigs[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT,
                               SIGALRM, SIGURG, SIGVTALRM, SIGPROF, SIGIO, SIGPWR, SIGSYS, SIGXCPU,
                               SIGXFSZ};
    sigemptyset(set);
    for (size_t i = 0; i < TT_ARRAY_LEN(sigs); i++) {
        sigaddset(set, sigs[i]);
    }
}

pid_t tt_spawn(const char *path, char **argv, char **envp, const sigset_t *orig_mask, int pipe_ignored) {
    pid_t pid = fork();
    if (pid != 0) {
        return pid;
    }
    /* Child: the program must see the signal state a shell would give it. */
    for (int s = 1; s < NSIG; s++) {
        if (s != SIGKILL && s != SIGSTOP) {
            struct sigaction sa;
            if (sigaction(s, NULL, &sa) == 0 && sa.sa_handler != SIG_IGN) {
                signal(s, SIG_DFL);
            }
        }
    }
    signal(SIGPIPE, pipe_ignored ? SIG_IGN : SIG_DFL); /* as it was before the launcher ignored it */
    sigprocmask(SIG_SETMASK, orig_mask, NULL);
    execve(path, argv, envp);
    int e = errno;
    if (e == ENOEXEC) {
        /* A script without #!: what execvp does, run it with the shell. */
        int n = 0;
        while (argv[n]) {
            n++;
        }
        char **sh = calloc((size_t) n + 2, sizeof *sh);
        if (sh) {
            sh[0] = "/bin/sh";
            sh[1] = (char *) path;
            for (int i = 1; i <= n; i++) {
                sh[i + 1] = argv[i];
            }
            execve("/bin/sh", sh, envp);
        }
    }
    dprintf(2, "telltale: %s: %s\n", argv[0], strerror(e));
    _exit(e == ENOENT ? 127 : 126);
}
