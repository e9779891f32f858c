/* Heartbeat: keep one file open, open and close another, start a thread, fork, then sleep. */
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void *idle(void *arg) {
    return arg;
}

int main(int argc, char **argv) {
    int ms = argc > 1 ? atoi(argv[1]) : 600;
    int keep = open("/etc/hostname", O_RDONLY);
    int brief = open("/etc/os-release", O_RDONLY);
    close(brief);
    pthread_t t;
    pthread_create(&t, NULL, idle, NULL);
    pthread_join(t, NULL);
    pid_t p = fork();
    if (p == 0) {
        _exit(0);
    }
    waitpid(p, NULL, 0);
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
    close(keep);
    return 0;
}
