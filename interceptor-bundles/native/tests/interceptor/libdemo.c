/* A library for the dlopen test. */
int demo_twice(int x) {
    return 2 * x;
}
