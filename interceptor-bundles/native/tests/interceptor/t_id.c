/* Identity hooks (run as root): each call once, then a refused one in a child. */
#define _GNU_SOURCE
#include <grp.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
    gid_t groups[2] = {100, 101};
    if (setgroups(2, groups) != 0) return 2;
    if (setegid(1000) != 0 || setegid(0) != 0) return 3;
    if (setregid((gid_t) -1, 1001) != 0 || setregid((gid_t) -1, 0) != 0) return 4;
    if (setresgid(0, 1002, 0) != 0 || setresgid(0, 0, 0) != 0) return 5;
    if (setgid(0) != 0) return 6;
    if (seteuid(1000) != 0 || seteuid(0) != 0) return 7;
    if (setreuid((uid_t) -1, 1001) != 0 || setreuid((uid_t) -1, 0) != 0) return 8;
    if (setresuid(0, 1002, 0) != 0 || setresuid(0, 0, 0) != 0) return 9;
    if (setuid(0) != 0) return 10;
    pid_t p = fork();
    if (p == 0) {
        /* drop everything, then try to get root back: refused */
        if (setresuid(1003, 1003, 1003) != 0) _exit(20);
        _exit(setuid(0) == -1 ? 0 : 21);
    }
    int st = 0;
    waitpid(p, &st, 0);
    printf("ok\n");
    return WIFEXITED(st) ? WEXITSTATUS(st) : 30;
}
