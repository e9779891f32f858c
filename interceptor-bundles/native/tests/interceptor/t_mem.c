/*
 * Memory warnings. Overflows are real (the interceptor must not change what the program
 * does) but harmless: a heap chunk's copy runs one or two bytes into the next chunk's
 * header, writing exactly the bytes that are already there. Also copies that fit, and an
 * interior pointer preceded by a fake header, which must not raise warnings.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char src[64];

/* 24 'A' followed by the byte already at a[24] (low byte of the next chunk's size): the
   copy writes a[24] and the terminating NUL on a[25], both unchanged. */
static int prepare(char *a) {
    unsigned char next0 = (unsigned char) a[24], next1 = (unsigned char) a[25];
    if (next0 == 0 || next1 != 0) {
        return 0;
    }
    memset(src, 'A', 24);
    src[24] = (char) next0;
    src[25] = 0;
    return 1;
}

int main(void) {
    char *a = malloc(24);
    char *b = malloc(24); /* keeps a's neighbour an allocated chunk */
    char *big = malloc(256);
    if (a == NULL || b == NULL || big == NULL || (uintptr_t) b != (uintptr_t) a + 32) {
        printf("layout\n");
        return 2;
    }
    strcpy(a, "fits in twenty-four b.");        /* 23 bytes: no warning */
    if (!prepare(a)) {
        printf("layout\n");
        return 2;
    }
    strcpy(a, src);                              /* 26 bytes into 24: warning */
    strcpy(a, src);                              /* same kind within a minute: suppressed */
    a[0] = 0;
    strcat(a, src);                              /* strcat_overflow */
    sprintf(a, "%s", src);                       /* sprintf_overflow */
    /* an interior pointer after a plausible header: no warning */
    size_t fake = 0x21;
    memcpy(big + 56, &fake, sizeof fake);
    memset(src, 'B', 40);
    src[40] = 0;
    strcpy(big + 64, src);
    printf("ok %zu\n", strlen(a));
    free(big);
    free(b);
    free(a);
    return 0;
}
