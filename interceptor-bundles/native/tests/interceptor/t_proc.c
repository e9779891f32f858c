/*
#define _GNU_SOURCE
 * Process hooks. Modes: "tree [SELF]" forks, execs, spawns and vforks children (echo, true
 * and sh; or SELF in modes echo/exit, so a musl test never starts glibc programs); "echo
 * ARGS" prints its arguments; "exit N" returns N
 * from main; "xexit N" calls exit(N); "_exit N" calls _exit(N); "abort" aborts in a child
 * the parent reaps; "sleep MS" sleeps (for heartbeats); "opens N MS" opens /dev/null N
 * times, sleeps MS and opens it once more (for a full channel); "closeall" closes every
 * descriptor from 3 up, as daemons do, then opens a file; "system" runs system() and popen().
 */
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "tree";
    int n = argc > 2 ? atoi(argv[2]) : 0;
    if (strcmp(mode, "echo") == 0) {
        for (int i = 2; i < argc; i++) {
            printf("%s%s", argv[i], i + 1 < argc ? " " : "\n");
        }
        return 0;
    }
    if (strcmp(mode, "exit") == 0) {
        return n;
    }
    if (strcmp(mode, "xexit") == 0) {
        exit(n);
    }
    if (strcmp(mode, "_exit") == 0) {
        _exit(n);
    }
    if (strcmp(mode, "abort") == 0) {
        pid_t p = fork();
        if (p == 0) {
            abort();
        }
        int st;
        waitpid(p, &st, 0);
        return WIFSIGNALED(st) ? 0 : 1;
    }
    if (strcmp(mode, "opens") == 0) {
        for (int i = 0; i < n; i++) {
            close(open("/dev/null", O_RDONLY));
        }
        int ms = argc > 3 ? atoi(argv[3]) : 0;
        struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
        close(open("/dev/null", O_RDONLY));
        printf("done\n");
        return 0;
    }
    if (strcmp(mode, "system") == 0) {
        int st = system("exit 3");
        FILE *p = popen("echo from popen", "r");
        char line[64] = "";
        if (p == NULL || fgets(line, sizeof line, p) == NULL) {
            return 2;
        }
        pclose(p);
        printf("%d %s", WEXITSTATUS(st), line);
        return 0;
    }
    if (strcmp(mode, "closeall") == 0) {
        for (int fd = 3; fd < 4096; fd++) {
            close(fd);
        }
        int fd = open("/dev/null", O_WRONLY);
        printf("fd=%d\n", fd);
        return 0;
    }
    if (strcmp(mode, "sleep") == 0) {
        struct timespec ts = {n / 1000, (n % 1000) * 1000000L};
        nanosleep(&ts, NULL);
        return 0;
    }
    const char *self = argc > 2 ? argv[2] : NULL;
    fflush(stdout);
    pid_t p = fork();
    if (p == 0) {
        char *args[] = {"echo", "from", "execvp", NULL};
        char *sargs[] = {(char *) self, "echo", "from", "execvp", NULL};
        execvp(self ? self : "echo", self ? sargs : args);
        _exit(127);
    }
    int st;
    waitpid(p, &st, 0);
    pid_t sp;
    char *sargs[] = {"/bin/true", "spawned", NULL};
    char *sargs2[] = {(char *) self, "exit", "0", NULL};
    if (posix_spawn(&sp, self ? self : "/bin/true", NULL, NULL, self ? sargs2 : sargs, environ) != 0) {
        return 2;
    }
    waitpid(sp, &st, 0);
    p = vfork();
    if (p == 0) {
        if (self) {
            execl(self, "t_proc", "exit", "0", (char *) NULL);
        } else {
            execl("/bin/sh", "sh", "-c", "exit 0", (char *) NULL);
        }
        _exit(127);
    }
    waitpid(p, &st, 0);
    /* exec of a path that does not exist: the event reports the failure */
    p = fork();
    if (p == 0) {
        char *args[] = {"nope", NULL};
        execv("/nonexistent/nope", args);
        _exit(0);
    }
    waitpid(p, &st, 0);
    printf("ok\n");
    return 0;
}
