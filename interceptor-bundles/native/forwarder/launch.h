/*
 * Starting the command: where libtelltale.so is, the environment the tree inherits
 * (docs/interceptor.md, "Environment"), PATH lookup, fork/exec without a shell, and the
 * signals the launcher passes through.
 */
#ifndef TT_LAUNCH_H
#define TT_LAUNCH_H

#include <signal.h>
#include <stddef.h>
#include <sys/types.h>

#include "config.h"

/* The libc this launcher was built for ("glibc" or "musl"). */
const char *tt_build_libc(void);
/* What the machine itself runs: "glibc", "musl", "glibc+musl" or "unknown"; detail gets
 * the loader path(s) found. */
const char *tt_system_libc(char *detail, size_t cap);

/* Finds libtelltale.so for the libc flavour: $TELLTALE_LIBRARY, then next to the binary
 * (../lib/<libc>/, ../lib/, same directory). Returns 0 and the absolute path, or -1. */
int tt_find_interceptor(const char *libc, char *out, size_t cap);

/* The child's environment: ours plus LD_PRELOAD (prepended; omitted when lib is NULL),
 * TELLTALE_CHANNEL (omitted when channel is NULL), TELLTALE_RING (when ring is not NULL),
 * TELLTALE_STACKS, TELLTALE_TAGS, and -javaagent:<java_agent> appended to JAVA_TOOL_OPTIONS
 * when java_agent is not NULL.
 * The result is malloc'd; the strings of environ are shared. */
char **tt_child_env(const tt_config *c, const char *lib, const char *channel, const char *ring,
                    const char *java_agent);

/* Whether the Java agent goes with this command: its name is `java`, unless
 * TELLTALE_JAVA_AGENT says otherwise (0: never, anything else: always, e.g. for scripts). */
int tt_wants_java_agent(const char *path);
/* The agent jar: $TELLTALE_JAVA_AGENT_JAR, else next to the launcher (../lib/java/,
 * ../lib/, same directory) or in the build tree. Returns 0 and the absolute path, or -1. */
int tt_find_java_agent(char *out, size_t cap);

/* PATH lookup as execvp does it. Returns 0 and the path, or -1 with errno (ENOENT/EACCES). */
int tt_resolve_command(const char *cmd, char *out, size_t cap);

/* The signals passed through to the child (SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1/2,
 * SIGWINCH, SIGCONT, SIGALRM, SIGURG, SIGPWR, SIGVTALRM, SIGPROF, SIGIO, SIGSYS…). */
void tt_forwarded_signals(sigset_t *set);

/* fork + execve. The child gets `orig_mask` back, default dispositions (inherited SIG_IGN
 * kept) and SIGPIPE as it was (pipe_ignored). Returns the pid, or -1. When execve fails the
 * child prints why and exits 127 (not found) or 126. */
pid_t tt_spawn(const char *path, char **argv, char **envp, const sigset_t *orig_mask, int pipe_ignored);

#endif
