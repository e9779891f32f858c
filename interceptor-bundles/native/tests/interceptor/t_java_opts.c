/*
 * Stands in for the `java` launcher (run_tests.py copies it to JDK/bin/java): prints
 * JAVA_TOOL_OPTIONS as main sees it, then, when T_DLOPEN names a library, dlopens it (as the
 * JVM loads libinstrument.so once it has read its options) and prints the variable again.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

int main(void) {
    const char *v = getenv("JAVA_TOOL_OPTIONS");
    printf("main %s\n", v ? v : "(unset)");
    const char *lib = getenv("T_DLOPEN");
    if (lib != NULL) {
        void *h = dlopen(lib, RTLD_NOW);
        v = getenv("JAVA_TOOL_OPTIONS");
        printf("loaded %s %s\n", h ? "yes" : "no", v ? v : "(unset)");
    }
    return 0;
}
