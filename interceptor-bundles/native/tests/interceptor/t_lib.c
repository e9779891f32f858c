/* Library hooks: dlopen the library named in argv[1] and call into it. */
#include <dlfcn.h>
#include <stdio.h>

int main(int argc, char **argv) {
    if (argc < 2) {
        return 2;
    }
    void *h = dlopen(argv[1], RTLD_NOW);
    if (h == NULL) {
        return 3;
    }
    int (*fn)(int) = (int (*)(int)) dlsym(h, "demo_twice");
    printf("%d\n", fn ? fn(21) : -1);
    return 0;
}
