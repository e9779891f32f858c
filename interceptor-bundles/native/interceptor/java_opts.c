/*
 * How the Java agent enters a JVM (docs/decisions/0025-java-agent-option.md).
 *
 * telltale run puts "-javaagent:<jar>" in JAVA_TOOL_OPTIONS for the whole process tree and
 * names the jar in TELLTALE_JAVA_AGENT_JAR. That option always works, but it also adds
 * java.instrument to the boot layer's root modules, and any added module turns off the CDS
 * archive's full module graph (JDK 16+): the JVM then builds its boot layer at every start,
 * which makes String.hashCode hot before the application runs, C2 compiles it without its
 * hash loop inlined, and every String-keyed map of the application pays for it afterwards
 * (measured with our agent: 4-8 % of a map-heavy workload's steady-state throughput; an agent
 * that does nothing shows the same compilation).
 *
 * "-agentlib:instrument=<jar>" loads the same agent (JPLIS) without adding the module. It is
 * only safe where java.instrument is resolved anyway: a class-path launch (-jar, or a main
 * class) of the standard `java` launcher, whose default roots are every system module that
 * exports an API, on a runtime that has the module; elsewhere (-m, module options, argument
 * files, an unknown option) the JVM would abort. So here, just before such a launcher's main
 * runs, and only there, our token is swapped in JAVA_TOOL_OPTIONS; when the JVM loads
 * libinstrument.so it has read the variable, and the launcher's text is put back, so the
 * application and its children see what the launcher set.
 *
 * The variable is changed by pointing its `environ` slot at our own copy (no setenv: never
 * the program's malloc), while the process is still single-threaded.
 */
#include "tt.h"

#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

extern char **environ;

static const char VAR[] = "JAVA_TOOL_OPTIONS=";
static const char JAVAAGENT[] = "-javaagent:";
static const char AGENTLIB[] = "-agentlib:instrument=";

/* The slot we changed: our text (until put back) and the launcher's. */
static char *_Atomic ours;
static char *theirs;

static int starts(const char *s, const char *prefix) {
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Options that leave the default root modules alone; "=" forms included. */
static int plain_option(const char *a) {
    static const char *const prefixes[] = {
        "-D", "-X", "-ea", "-da", "-esa", "-dsa", "-enableassertions", "-disableassertions",
        "-enablesystemassertions", "-disablesystemassertions", "-verbose", "-agentlib:", "-agentpath:",
        "-javaagent:", "-splash:", "-showversion", "--show-version", "--enable-preview", "--class-path=",
        "--add-exports=", "--add-opens=", "--add-reads=", "--enable-native-access=", "--illegal-access=",
        "--sun-misc-unsafe-memory-access=", "--source=",
    };
    if (!strcmp(a, "-server") || !strcmp(a, "-client")) {
        return 1;
    }
    for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++) {
        if (starts(a, prefixes[i])) {
            return 1;
        }
    }
    return 0;
}

/* Options of that kind whose value is the next argument. */
static int plain_option_with_value(const char *a) {
    static const char *const names[] = {
        "-cp", "-classpath", "--class-path", "--add-exports", "--add-opens", "--add-reads",
        "--enable-native-access", "--source",
    };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        if (!strcmp(a, names[i])) {
            return 1;
        }
    }
    return 0;
}

/*
 * 1 when `java ARGS` starts a class-path application with the default root modules: only
 * known options, then -jar or a main class (or a source file). Anything else: 0.
 */
static int classpath_launch(int argc, char *const argv[]) {
    for (int i = 1; i < argc && argv[i] != NULL; i++) {
        const char *a = argv[i];
        if (a[0] != '-') {
            return a[0] != '@' && a[0] != 0; /* the main class, unless an argument file */
        }
        if (!strcmp(a, "-jar")) {
            return i + 1 < argc;
        }
        if (plain_option_with_value(a)) {
            i++;
        } else if (!plain_option(a)) {
            return 0;
        }
    }
    return 0;
}

/* JDK_JAVA_OPTIONS holds launcher options too: each must be a plain one (no quoting). */
static int plain_launcher_env(const char *v) {
    if (v == NULL) {
        return 1;
    }
    if (strpbrk(v, "\"'@")) {
        return 0;
    }
    char word[512];
    int want_value = 0;
    for (const char *p = v; *p;) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
            p++;
        }
        size_t n = strcspn(p, " \t\n\r");
        if (n == 0) {
            break;
        }
        if (n >= sizeof word) {
            return 0;
        }
        memcpy(word, p, n);
        word[n] = 0;
        p += n;
        if (want_value) {
            want_value = 0;
        } else if (plain_option_with_value(word)) {
            want_value = 1;
        } else if (!plain_option(word)) {
            return 0;
        }
    }
    return !want_value;
}

/* The standard launcher of a runtime that has java.instrument (its native half). */
static int java_launcher_with_instrument(void) {
    char exe[TT_LIM_PATH + 64];
    ssize_t n = tt_sys_readlink("/proc/self/exe", exe, TT_LIM_PATH);
    if (n <= 0) {
        return 0;
    }
    exe[n] = 0;
    char *slash = strrchr(exe, '/');
    if (slash == NULL || strcmp(slash + 1, "java") != 0) {
        return 0;
    }
    *slash = 0; /* .../bin */
    slash = strrchr(exe, '/');
    if (slash == NULL) {
        return 0;
    }
    static const char *const libs[] = {"/lib/libinstrument.so", "/lib/amd64/libinstrument.so",
                                       "/jre/lib/amd64/libinstrument.so", "/lib/aarch64/libinstrument.so"};
    for (size_t i = 0; i < sizeof libs / sizeof *libs; i++) {
        strcpy(slash, libs[i]);
        if (syscall(SYS_faccessat, AT_FDCWD, exe, F_OK, 0) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Where token (prefix + jar) stands as a whole word in s, else NULL. */
static const char *find_word(const char *s, const char *prefix, const char *jar) {
    size_t lp = strlen(prefix);
    size_t lj = strlen(jar);
    for (const char *p = strstr(s, prefix); p != NULL; p = strstr(p + 1, prefix)) {
        const char *end = p + lp + lj;
        if ((p == s || p[-1] == ' ' || p[-1] == '\t') && !strncmp(p + lp, jar, lj) &&
            (*end == 0 || *end == ' ' || *end == '\t')) {
            return p;
        }
    }
    return NULL;
}

/* "JAVA_TOOL_OPTIONS=" + value with the word at `at` (old_len long) replaced. */
static char *with_word(const char *value, const char *at, size_t old_len, const char *prefix, const char *jar) {
    size_t total = sizeof VAR + strlen(value) + strlen(prefix) + strlen(jar) + 1;
    char *s = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (s == MAP_FAILED) {
        return NULL;
    }
    snprintf(s, total, "%s%.*s%s%s%s", VAR, (int) (at - value), value, prefix, jar, at + old_len);
    return s;
}

static char **slot_of(const char *entry_prefix) {
    for (char **ep = environ; ep != NULL && *ep != NULL; ep++) {
        if (starts(*ep, entry_prefix)) {
            return ep;
        }
    }
    return NULL;
}

void tt_java_opts_main(int argc, char *const argv[]) {
    const char *jar = getenv("TELLTALE_JAVA_AGENT_JAR");
    char **slot = slot_of(VAR);
    if (jar == NULL || *jar == 0 || strpbrk(jar, " \t") || slot == NULL) {
        return;
    }
    const char *value = *slot + sizeof VAR - 1;
    const char *javaagent = find_word(value, JAVAAGENT, jar);
    const char *agentlib = javaagent ? NULL : find_word(value, AGENTLIB, jar);
    if (javaagent == NULL && agentlib == NULL) {
        return;
    }
    char *mine;
    /* Every process of a Java run's tree carries the option: the argument checks come first, the
       system calls (the executable, the runtime's files) only for what looks like a launch. */
    int fast = classpath_launch(argc, argv) && plain_launcher_env(getenv("JDK_JAVA_OPTIONS")) &&
               java_launcher_with_instrument();
    /* The launcher's text (a parent JVM's swap reached us through its exec: undo it). */
    theirs = agentlib ? with_word(value, agentlib, strlen(AGENTLIB) + strlen(jar), JAVAAGENT, jar) : *slot;
    if (fast) {
        const char *at = javaagent ? javaagent : agentlib;
        size_t len = strlen(javaagent ? JAVAAGENT : AGENTLIB) + strlen(jar);
        mine = javaagent ? with_word(value, at, len, AGENTLIB, jar) : *slot;
    } else {
        mine = theirs;
    }
    if (mine == NULL || theirs == NULL) {
        return;
    }
    *slot = mine;
    if (mine != theirs) {
        atomic_store(&ours, mine); /* put back when the JVM has read it */
    }
}

void tt_java_opts_loaded(const char *file) {
    if (TT_LIKELY(atomic_load_explicit(&ours, memory_order_relaxed) == NULL) || file == NULL) {
        return;
    }
    const char *base = strrchr(file, '/');
    if (strcmp(base ? base + 1 : file, "libinstrument.so") != 0) {
        return;
    }
    char *mine = atomic_exchange(&ours, NULL);
    for (char **ep = environ; mine != NULL && ep != NULL && *ep != NULL; ep++) {
        if (*ep == mine) {
            *ep = theirs;
        }
    }
}
