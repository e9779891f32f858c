/* Threads started one after another, each opening a file from one of two call sites, in the
   order argv[1] gives ('a' or 'b' per thread). A new thread takes over an exited thread's
   scratch area and its stack cache (usually on the same stack): each event must still carry
   the stack of its own call site. Prints "ok". */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static __attribute__((noinline)) void site_a(void) {
    int fd = open("/etc/hostname", O_RDONLY);
    if (fd >= 0) {
        close(fd);
    }
    __asm__ volatile("" ::: "memory"); /* keep the call above from becoming a tail call */
}

static __attribute__((noinline)) void site_b(void) {
    int fd = open("/etc/hostname", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        close(fd);
    }
    __asm__ volatile("" ::: "memory");
}

static void *run(void *arg) {
    if (*(const char *) arg == 'a') {
        site_a();
    } else {
        site_b();
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        return 2;
    }
    for (const char *c = argv[1]; *c; c++) {
        pthread_t t;
        if (pthread_create(&t, NULL, run, (void *) c) != 0 || pthread_join(t, NULL) != 0) {
            return 3;
        }
    }
    puts("ok");
    return 0;
}
