/*
 * The Java agent's way to the forwarder (docs/java-agent.md, decisions/0017): a JVM cannot
 * open a SOCK_SEQPACKET socket, but it runs with this library preloaded, so the agent
 * System.load()s it again (the dynamic linker returns the loaded copy) and calls the JNI
 * functions below, which put its prepared event envelopes on our channel as ordinary event
 * records. Nothing else of the library is reachable from Java.
 *
 * No <jni.h>: the build must not need a JDK's headers (nor the musl toolchain find them).
 * The JNI function table is a frozen ABI; its two slots used here are fixed by the JNI
 * specification ("Interface Function Table"): GetArrayLength 171, GetByteArrayRegion 200.
 * tests/interceptor/t_jni_abi.c checks them against a JDK's jni.h when one is present.
 */
#include "tt.h"

#include <string.h>

typedef int32_t tt_jint;
typedef void *tt_jobject;
typedef void *const *tt_jni_table;          /* JNINativeInterface_: an array of function slots */
typedef const tt_jni_table *tt_jenv;       /* JNIEnv * */

#define TT_JNI_GET_ARRAY_LENGTH 171
#define TT_JNI_GET_BYTE_ARRAY_REGION 200

typedef tt_jint (*tt_get_array_length)(tt_jenv, tt_jobject);
typedef void (*tt_get_byte_array_region)(tt_jenv, tt_jobject, tt_jint, tt_jint, int8_t *);

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
