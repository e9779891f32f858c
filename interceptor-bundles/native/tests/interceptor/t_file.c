/* File hooks: every operation once, in the directory given as argv[1].
 * `t_file DIR dirfd`: files opened relative to a directory descriptor while the directory
 * moves and its number is reused behind the interceptor's back (the remembered paths of
 * dirpath.c must follow). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int touch_at(int dfd, const char *name) {
    int fd = openat(dfd, name, O_WRONLY | O_CREAT, 0600);
    return fd >= 0 && close(fd) == 0;
}

/* A walk as tar and fts make it: each directory opened relative to its parent with O_NOFOLLOW
 * (the interceptor learns its path from the open), then paths it learned that went stale
 * behind its back before their first use. Runs in D (dirfd_moves). */
static int tree_walk(void) {
    if (mkdir("D/s", 0755) != 0 || mkdir("D/s/t", 0755) != 0 || mkdir("D/m", 0755) != 0) {
        return 20;
    }
    int top = open("D", O_RDONLY | O_NOFOLLOW);
    int s1 = top < 0 ? -1 : openat(top, "s", O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    int s2 = s1 < 0 ? -1 : openat(s1, "t", O_RDONLY | O_NOFOLLOW);
    if (s2 < 0 || !touch_at(s2, "y1") || close(s2) != 0 || close(s1) != 0) {
        return 21;
    }
    /* renamed between the open and the first use, as another process would */
    int m = openat(top, "m", O_RDONLY | O_NOFOLLOW);
    if (m < 0 || syscall(SYS_renameat, top, "m", top, "n") != 0 || !touch_at(m, "y2") || close(m) != 0) {
        return 22;
    }
    /* the number reused for another directory without any hook seeing it */
    int q = openat(top, "s", O_RDONLY | O_NOFOLLOW);
    if (q < 0 || syscall(SYS_close, q) != 0 || syscall(SYS_openat, top, "s/t", O_RDONLY | O_DIRECTORY, 0) != q ||
        !touch_at(q, "y3") || close(q) != 0 || close(top) != 0) {
        return 23;
    }
    printf("ok\n");
    return 0;
}

static int dirfd_moves(void) {
    if (mkdir("A", 0755) != 0 || mkdir("C", 0755) != 0) {
        return 10;
    }
    int dfd = open("A", O_RDONLY | O_DIRECTORY);
    if (dfd < 0 || !touch_at(dfd, "x1")) {
        return 11;
    }
    /* moved by this process (a hooked rename) */
    if (rename("A", "B") != 0 || !touch_at(dfd, "x2")) {
        return 12;
    }
    /* the number reused for another directory, closed and opened without any hook seeing it */
    if (syscall(SYS_close, dfd) != 0 || syscall(SYS_openat, AT_FDCWD, "C", O_RDONLY | O_DIRECTORY, 0) != dfd ||
        !touch_at(dfd, "x3")) {
        return 13;
    }
    /* moved behind the interceptor's back, as another process would: right after, the event
     * may still name the old path (a known limit); a second later it names the new one */
    if (syscall(SYS_rename, "C", "D") != 0) {
        return 14;
    }
    sleep(2);
    if (!touch_at(dfd, "x5")) {
        return 15;
    }
    close(dfd);
    /* opened through a symbolic link: events name the directory the kernel resolved */
    int lfd;
    if (symlink("D", "L") != 0 || (lfd = open("L", O_RDONLY | O_DIRECTORY)) < 0 || !touch_at(lfd, "x6")) {
        return 16;
    }
    close(lfd);
    return tree_walk();
}

int main(int argc, char **argv) {
    if (argc < 2 || chdir(argv[1]) != 0) {
        return 2;
    }
    if (argc > 2 && strcmp(argv[2], "dirfd") == 0) {
        return dirfd_moves();
    }
    mkdir("sub", 0755);
    int fd = open("./sub/../a.txt", O_WRONLY | O_CREAT | O_TRUNC, 0640); /* relative, normalised */
    if (fd < 0 || write(fd, "hello\n", 6) != 6) {
        return 3;
    }
    close(fd);
    int dfd = open(".", O_RDONLY | O_DIRECTORY);
    fd = openat(dfd, "a.txt", O_RDONLY);
    close(fd);
    fd = creat("b.txt", 0600);
    close(fd);
    FILE *f = fopen("c.txt", "w");
    fputs("c\n", f);
    fclose(f);
    f = fopen("a.txt", "r");
    fclose(f);
    if (rename("b.txt", "d.txt") != 0 || renameat(dfd, "d.txt", AT_FDCWD, "e.txt") != 0) {
        return 4;
    }
    if (truncate("a.txt", 1) != 0) {
        return 5;
    }
    fd = open("c.txt", O_RDWR);
    if (ftruncate(fd, 0) != 0) {
        return 6;
    }
    close(fd);
    unlink("e.txt");
    unlinkat(dfd, "c.txt", 0);
    close(dfd);
    /* a failing open keeps its errno for the program */
    errno = 0;
    fd = open("/nonexistent/x", O_RDONLY);
    if (fd != -1 || errno != ENOENT) {
        return 7;
    }
    printf("ok\n");
    return 0;
}
