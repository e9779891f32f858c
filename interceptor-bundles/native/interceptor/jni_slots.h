/*
 * Slots of the JNI function table (JNIEnv) and of the invocation table (JavaVM) that
 * hook_java.c calls, and the constants it needs, without <jni.h>. Fixed by the JNI
 * specification; tests/interceptor/t_jni_abi.c checks them against a JDK's jni.h.
 */
#ifndef TT_JNI_SLOTS_H
#define TT_JNI_SLOTS_H

#define TT_JNI_EXCEPTION_CLEAR 17
#define TT_JNI_PUSH_LOCAL_FRAME 19
#define TT_JNI_POP_LOCAL_FRAME 20
#define TT_JNI_NEW_GLOBAL_REF 21
#define TT_JNI_GET_STATIC_METHOD_ID 113
#define TT_JNI_CALL_STATIC_OBJECT_METHOD_A 116
#define TT_JNI_GET_ARRAY_LENGTH 171
#define TT_JNI_GET_BYTE_ARRAY_REGION 200
#define TT_JNI_GET_JAVA_VM 219
#define TT_JNI_EXCEPTION_CHECK 228
#define TT_JVM_GET_ENV 6
#define TT_JNI_VERSION_1_8 0x00010008
#define TT_JNI_OK 0

#endif
