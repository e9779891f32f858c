/* The JNI slots hook_java.c uses (interceptor/jni_slots.h) against a JDK's jni.h, when the
 * build found one (JAVA_HOME); prints "ok" or "skipped", exits 1 on a mismatch. */
#include <stddef.h>
#include <stdio.h>

#include "../../interceptor/jni_slots.h"

#if defined(__has_include) && __has_include(<jni.h>)
#include <jni.h>
#define SLOT(s, f) (offsetof(struct s, f) / sizeof(void *))
#define CHECK(mine, s, f)                                                                       \
    do {                                                                                        \
        if ((size_t) (mine) != SLOT(s, f)) {                                                    \
            printf("%s: %d, jni.h says %zu\n", #f, (int) (mine), SLOT(s, f));                   \
            bad = 1;                                                                            \
        }                                                                                       \
    } while (0)
int main(void) {
    int bad = 0;
    CHECK(TT_JNI_EXCEPTION_CLEAR, JNINativeInterface_, ExceptionClear);
    CHECK(TT_JNI_PUSH_LOCAL_FRAME, JNINativeInterface_, PushLocalFrame);
    CHECK(TT_JNI_POP_LOCAL_FRAME, JNINativeInterface_, PopLocalFrame);
    CHECK(TT_JNI_NEW_GLOBAL_REF, JNINativeInterface_, NewGlobalRef);
    CHECK(TT_JNI_GET_STATIC_METHOD_ID, JNINativeInterface_, GetStaticMethodID);
    CHECK(TT_JNI_CALL_STATIC_OBJECT_METHOD_A, JNINativeInterface_, CallStaticObjectMethodA);
    CHECK(TT_JNI_GET_ARRAY_LENGTH, JNINativeInterface_, GetArrayLength);
    CHECK(TT_JNI_GET_BYTE_ARRAY_REGION, JNINativeInterface_, GetByteArrayRegion);
    CHECK(TT_JNI_GET_JAVA_VM, JNINativeInterface_, GetJavaVM);
    CHECK(TT_JNI_EXCEPTION_CHECK, JNINativeInterface_, ExceptionCheck);
    CHECK(TT_JVM_GET_ENV, JNIInvokeInterface_, GetEnv);
    if (TT_JNI_VERSION_1_8 != JNI_VERSION_1_8 || TT_JNI_OK != JNI_OK) {
        puts("constants differ");
        bad = 1;
    }
    puts(bad ? "mismatch" : "ok");
    return bad;
}
#else
int main(void) {
    puts("skipped: no jni.h");
    return 0;
}
#endif
