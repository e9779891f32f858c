/* File hooks: every operation once, in the directory given as argv[1]. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 2 || chdir(argv[1]) != 0) {
        return 2;
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
