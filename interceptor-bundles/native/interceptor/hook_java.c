/*
 * The Java agent's way to the forwarder (docs/java-agent.md, decisions/0017): a JVM cannot
 * open a SOCK_SEQPACKET socket, but it runs with this library preloaded, so the agent
 * System.load()s it again (the dynamic linker returns the loaded copy) and calls the JNI
 * functions below, which put its prepared event envelopes on our channel as ordinary event
 * records. Nothing else of the library is reachable from Java.
 *
 * It also adds Java frames to file and network events raised from Java code (tt_java_frames),
 * once the agent registered its frame walker, under the rules of docs/java-agent.md.
 *
 * No <jni.h>: the build must not need a JDK's headers (nor the musl toolchain find them).
 * The JNI function tables are a frozen ABI; the slots used here are fixed by the JNI
 * specification ("Interface Function Table", "Invocation API"). The interceptor tests check
 * them against a JDK's jni.h when one is present (tests/interceptor/t_jni_abi.c, through jni_slots.h).
 */
#include "tt.h"

#include <stdatomic.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

typedef int32_t tt_jint;
typedef void *tt_jobject;
typedef void *const *tt_jni_table;          /* JNINativeInterface_: an array of function slots */
typedef const tt_jni_table *tt_jenv;       /* JNIEnv * */

typedef const tt_jni_table *tt_jvm;        /* JavaVM * */

#include "jni_slots.h"

typedef tt_jint (*tt_get_array_length)(tt_jenv, tt_jobject);
typedef void (*tt_get_byte_array_region)(tt_jenv, tt_jobject, tt_jint, tt_jint, int8_t *);
typedef void (*tt_exception_clear)(tt_jenv);
typedef tt_jint (*tt_push_local_frame)(tt_jenv, tt_jint);
typedef tt_jobject (*tt_pop_local_frame)(tt_jenv, tt_jobject);
typedef tt_jobject (*tt_new_global_ref)(tt_jenv, tt_jobject);
typedef void *(*tt_get_static_method_id)(tt_jenv, tt_jobject, const char *, const char *);
typedef tt_jobject (*tt_call_static_object_method_a)(tt_jenv, tt_jobject, void *, const void *);
typedef tt_jint (*tt_get_java_vm)(tt_jenv, tt_jvm *);
typedef uint8_t (*tt_exception_check)(tt_jenv);
typedef tt_jint (*tt_vm_get_env)(tt_jvm, tt_jenv *, tt_jint);

#define TT_JNI(env, slot, type) ((type) (*(env))[slot])

/* The agent's frame walker, set once by Native.register. */
static tt_jvm java_vm;
static tt_jobject frames_class;
static void *frames_method;
static _Atomic int java_ready;

/* dev.telltale.agent.core.Native.send(byte[] event, int len): 1 sent, 0 off, -1 lost. */
TT_API tt_jint Java_dev_telltale_agent_core_Native_send(tt_jenv env, tt_jobject cls, tt_jobject event,
                                                        tt_jint len) {
    (void) cls;
    if (!tt_cfg.on || event == NULL || env == NULL) {
        return 0;
    }
    int saved = errno;
    tt_get_array_length length = (tt_get_array_length) (*env)[TT_JNI_GET_ARRAY_LENGTH];
    if (len <= 0 || len > length(env, event) || (size_t) len > TT_EV_CAP - TT_HDR) {
        tt_channel_add_lost(1);
        errno = saved;
        return -1;
    }
    if (!tt_enter()) {
        errno = saved;
        return 0;
    }
    tt_jint r = -1;
    struct tt_scratch *s = tt_scratch();
    if (s != NULL) {
        uint8_t *rec = s->ev;
        uint64_t now = tt_now_us();
        rec[0] = 1;
        for (int i = 0; i < 8; i++) {
            rec[1 + i] = (uint8_t) (now >> (8 * i));
        }
        tt_get_byte_array_region region = (tt_get_byte_array_region) (*env)[TT_JNI_GET_BYTE_ARRAY_REGION];
        region(env, event, 0, len, (int8_t *) (rec + TT_HDR));
        tt_channel_send(rec, TT_HDR + (size_t) len);
        r = 1;
    } else {
        tt_channel_add_lost(1);
    }
    tt_leave();
    errno = saved;
    return r;
}

/* dev.telltale.agent.core.Native.lost(int n): events the agent dropped (its queue was full). */
TT_API void Java_dev_telltale_agent_core_Native_lost(tt_jenv env, tt_jobject cls, tt_jint n) {
    (void) env;
    (void) cls;
    if (tt_cfg.on && n > 0) {
        tt_channel_add_lost((uint32_t) n);
    }
}

/*
 * dev.telltale.agent.core.Native.background(): the calling thread (the agent's worker) gives the
 * CPU to every other thread of the machine (nice 19; on Linux a thread's own). Java's thread
 * priorities are ignored on Linux, and at start-up the worker otherwise competes with the
 * application and its JIT compiler threads for two cores. Returns 0, else the errno.
 */
TT_API tt_jint Java_dev_telltale_agent_core_Native_background(tt_jenv env, tt_jobject cls) {
    (void) env;
    (void) cls;
    int saved = errno;
    tt_jint r = setpriority(PRIO_PROCESS, (id_t) syscall(SYS_gettid), 19) == 0 ? 0 : errno;
    errno = saved;
    return r;
}

/*
 * dev.telltale.agent.core.Native.register(Class<?> frames): from now on file and network events
 * raised from Java code carry the frames `static byte[] frames.current()` returns (envelope
 * field 5 entries, already encoded). Only with stack traces on.
 */
TT_API void Java_dev_telltale_agent_core_Native_register(tt_jenv env, tt_jobject cls, tt_jobject frames) {
    (void) cls;
    if (!tt_cfg.on || !tt_cfg.stacks || frames == NULL || atomic_load(&java_ready)) {
        return;
    }
    tt_jvm vm = NULL;
    if (TT_JNI(env, TT_JNI_GET_JAVA_VM, tt_get_java_vm)(env, &vm) != TT_JNI_OK || vm == NULL) {
        return;
    }
    void *mid = TT_JNI(env, TT_JNI_GET_STATIC_METHOD_ID, tt_get_static_method_id)(env, frames, "current", "()[B");
    if (mid == NULL) {
        TT_JNI(env, TT_JNI_EXCEPTION_CLEAR, tt_exception_clear)(env);
        return;
    }
    tt_jobject ref = TT_JNI(env, TT_JNI_NEW_GLOBAL_REF, tt_new_global_ref)(env, frames);
    if (ref == NULL) {
        return;
    }
    java_vm = vm;
    frames_class = ref;
    frames_method = mid;
    atomic_store(&java_ready, 1);
}

/* The JDK's JNI libraries: code in them runs on Java threads called from Java (state "native"). */
static int jdk_jni_library(const char *path) {
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    return !strcmp(base, "libjava.so") || !strcmp(base, "libnio.so") || !strcmp(base, "libnet.so") ||
           !strcmp(base, "libextnet.so");
}

void tt_java_frames(tt_buf *b, const char *caller) {
    if (TT_LIKELY(!atomic_load_explicit(&java_ready, memory_order_relaxed)) || caller == NULL ||
        !jdk_jni_library(caller) || tt_foreign_child()) {
        return;
    }
    static TT_TLS int walking; /* never a second upcall from inside the first */
    if (walking) {
        return;
    }
    tt_jenv env = NULL;
    if ((*java_vm)[TT_JVM_GET_ENV] == NULL ||
        ((tt_vm_get_env) (*java_vm)[TT_JVM_GET_ENV])(java_vm, &env, TT_JNI_VERSION_1_8) != TT_JNI_OK || env == NULL) {
        return; /* not a Java thread */
    }
    if (TT_JNI(env, TT_JNI_EXCEPTION_CHECK, tt_exception_check)(env)) {
        return; /* the Java code that called us has an exception pending: leave it alone */
    }
    if (TT_JNI(env, TT_JNI_PUSH_LOCAL_FRAME, tt_push_local_frame)(env, 4) != 0) {
        TT_JNI(env, TT_JNI_EXCEPTION_CLEAR, tt_exception_clear)(env);
        return;
    }
    walking = 1;
    int saved = errno;
    tt_jobject arr = TT_JNI(env, TT_JNI_CALL_STATIC_OBJECT_METHOD_A, tt_call_static_object_method_a)(
        env, frames_class, frames_method, NULL);
    if (TT_JNI(env, TT_JNI_EXCEPTION_CHECK, tt_exception_check)(env)) {
        TT_JNI(env, TT_JNI_EXCEPTION_CLEAR, tt_exception_clear)(env);
        arr = NULL;
    }
    if (arr != NULL) {
        tt_jint n = TT_JNI(env, TT_JNI_GET_ARRAY_LENGTH, tt_get_array_length)(env, arr);
        /* keep room for the body: frames are worth less than the event */
        if (n > 0 && b->len + (size_t) n + 8192 <= b->cap) {
            TT_JNI(env, TT_JNI_GET_BYTE_ARRAY_REGION, tt_get_byte_array_region)(env, arr, 0, n,
                                                                                (int8_t *) (b->data + b->len));
            b->len += (size_t) n;
        }
    }
    TT_JNI(env, TT_JNI_POP_LOCAL_FRAME, tt_pop_local_frame)(env, NULL);
    errno = saved;
    walking = 0;
}
