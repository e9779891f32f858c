package dev.telltale.agent.core;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Adds method probes to a class file, by hand (no bytecode library may be bundled with the
 * agent; docs/decisions/0024-method-probes-without-a-bytecode-library.md). Each traced method
 * starts with a 28-byte probe that marks its slot of a static {@code boolean[] $telltale$m}
 * (JaCoCo's idea), created on first use by a new {@code $telltale$init()}: the class gains one
 * private static field and one private static method, never a static initializer (which would
 * change the default serialVersionUID of a Serializable class).
 *
 * <p>Offsets after the probe move by 28, a multiple of 4, so the padding of tableswitch and
 * lookupswitch is unchanged and relative branches need no fix-up; the exception table, line
 * numbers, local variable ranges and the StackMapTable's first entry do. Methods whose Code
 * carries attributes with offsets this class does not know (type annotations, anything
 * non-standard) are left as they are.
 */
final class ClassRewriter {
    static final String FIELD = "$telltale$m";
    static final String INIT = "$telltale$init";
    static final int PROBE = 28;
    static final int MAX_METHODS = 32767;

    private static final int ACC_NATIVE = 0x0100;
    private static final int ACC_ABSTRACT = 0x0400;
    private static final int ACC_BRIDGE = 0x0040;
    private static final int ACC_SYNTHETIC = 0x1000;
    private static final int ACC_INTERFACE = 0x0200;
    private static final int ACC_ANNOTATION = 0x2000;
    private static final int ACC_MODULE = 0x8000;
    /** private static transient synthetic. */
    private static final int FIELD_FLAGS = 0x0002 | 0x0008 | 0x0080 | ACC_SYNTHETIC;
    /** private static synthetic. */
    private static final int INIT_FLAGS = 0x0002 | 0x0008 | ACC_SYNTHETIC;

    /** A rewritten class: its bytes and the traced methods, {@code name(Type, …)}, by probe index. */
    static final class Result {
        final byte[] bytes;
        final List<String> methods;

        Result(byte[] bytes, List<String> methods) {
            this.bytes = bytes;
            this.methods = methods;
        }
    }

    private final byte[] b;
    private int[] cpOffset;
    private int cpCount;
    private int cpEnd;
    private int major;

    private ClassRewriter(byte[] b) {
        this.b = b;
    }

    /**
     * Rewrites a class file; null when it has nothing to trace or cannot be rewritten safely
     * (interfaces, annotation types, module-info, odd or truncated class files, limits).
     */
    static Result rewrite(byte[] classFile) {
        try {
            return new ClassRewriter(classFile).run();
        } catch (IOException | RuntimeException e) {
            return null; // malformed: the JVM will say so itself when it parses the original
        }
    }

    private Result run() throws IOException {
        if (u4(0) != 0xCAFEBABE) {
            return null;
        }
        major = u2(6);
        parsePool();
        int p = cpEnd;
        int access = u2(p);
        int thisClass = u2(p + 2);
        if ((access & (ACC_INTERFACE | ACC_ANNOTATION | ACC_MODULE)) != 0) {
            return null;
        }
        p += 6;
        p += 2 + 2 * u2(p);
        int fieldsStart = p;
        int fieldCount = u2(p);
        p += 2;
        for (int i = 0; i < fieldCount; i++) {
            if (FIELD.equals(utf8(u2(p + 2)))) {
                return null; // already traced (another agent's pass, or ours)
            }
            p = skipMember(p);
        }
        int methodsStart = p;
        int methodCount = u2(p);
        p += 2;
        if (cpCount + 10 > 65535) {
            return null;
        }
        int base = cpCount;
        int fieldName = base;
        int fieldDesc = base + 1;
        int initName = base + 2;
        int initDesc = base + 3;
        int codeName = base + 4;
        int smtName = base + 5;
        int fieldNat = base + 6;
        int fieldRef = base + 7;
        int initNat = base + 8;
        int initRef = base + 9;

        ByteArrayOutputStream methodsOut = new ByteArrayOutputStream(b.length);
        DataOutputStream mo = new DataOutputStream(methodsOut);
        List<String> traced = new ArrayList<>();
        for (int i = 0; i < methodCount; i++) {
            int start = p;
            p = skipMember(p);
            byte[] rewritten = traceable(start) ? method(start, p, traced.size(), fieldRef, initRef, smtName) : null;
            if (rewritten == null) {
                mo.write(b, start, p - start);
            } else {
                if (traced.size() == MAX_METHODS) {
                    return null; // sipush indexes at most 32767 methods
                }
                mo.write(rewritten);
                traced.add(signature(utf8(u2(start + 2)), utf8(u2(start + 4))));
            }
        }
        if (traced.isEmpty()) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(b.length + 256 + traced.size() * PROBE);
        DataOutputStream o = new DataOutputStream(out);
        o.write(b, 0, 8);
        o.writeShort(cpCount + 10);
        o.write(b, 10, cpEnd - 10);
        utf8Entry(o, FIELD);
        utf8Entry(o, "[Z");
        utf8Entry(o, INIT);
        utf8Entry(o, "()V");
        utf8Entry(o, "Code");
        utf8Entry(o, "StackMapTable");
        o.writeByte(12);
        o.writeShort(fieldName);
        o.writeShort(fieldDesc);
        o.writeByte(9);
        o.writeShort(thisClass);
        o.writeShort(fieldNat);
        o.writeByte(12);
        o.writeShort(initName);
        o.writeShort(initDesc);
        o.writeByte(10);
        o.writeShort(thisClass);
        o.writeShort(initNat);
        // access, this, super, interfaces, fields (one more)
        o.write(b, cpEnd, fieldsStart - cpEnd);
        o.writeShort(fieldCount + 1);
        o.write(b, fieldsStart + 2, methodsStart - fieldsStart - 2);
        o.writeShort(FIELD_FLAGS);
        o.writeShort(fieldName);
        o.writeShort(fieldDesc);
        o.writeShort(0);
        // methods (one more), then the class attributes unchanged
        o.writeShort(methodCount + 1);
        methodsOut.writeTo(o);
        initMethod(o, initName, initDesc, codeName, smtName, fieldRef, traced.size());
        o.write(b, p, b.length - p);
        o.flush();
        return new Result(out.toByteArray(), traced);
    }

    /** Concrete methods with code, except static initializers, bridges and synthetic ones (lambda bodies). */
    private boolean traceable(int m) {
        int access = u2(m);
        if ((access & (ACC_NATIVE | ACC_ABSTRACT | ACC_BRIDGE | ACC_SYNTHETIC)) != 0) {
            return false;
        }
        return !"<clinit>".equals(utf8(u2(m + 2)));
    }

    /**
     * The method_info from start to end with the probe in its Code; null to leave it alone
     * (no Code, too long, attributes with offsets we cannot move).
     */
    private byte[] method(int start, int end, int index, int fieldRef, int initRef, int smtName) throws IOException {
        int attrs = u2(start + 6);
        int p = start + 8;
        int codeAt = -1;
        for (int i = 0; i < attrs; i++) {
            if ("Code".equals(utf8(u2(p)))) {
                codeAt = p;
            }
            p += 6 + u4(p + 2);
        }
        if (codeAt < 0) {
            return null;
        }
        byte[] code = code(codeAt, index, fieldRef, initRef, smtName);
        if (code == null) {
            return null;
        }
        int codeEnd = codeAt + 6 + u4(codeAt + 2);
        ByteArrayOutputStream out = new ByteArrayOutputStream(end - start + code.length);
        out.write(b, start, codeAt - start);
        out.write(code);
        out.write(b, codeEnd, end - codeEnd);
        return out.toByteArray();
    }

    /** The whole Code attribute (name, length, body) with the probe; null to leave the method alone. */
    private byte[] code(int at, int index, int fieldRef, int initRef, int smtName) throws IOException {
        int maxStack = u2(at + 6);
        int maxLocals = u2(at + 8);
        int codeLength = u4(at + 10);
        if (codeLength + PROBE > 65535) {
            return null;
        }
        int codeStart = at + 14;
        int p = codeStart + codeLength;
        int exceptions = u2(p);
        int exStart = p + 2;
        p = exStart + 8 * exceptions;
        int attrCount = u2(p);
        p += 2;
        ByteArrayOutputStream attrsOut = new ByteArrayOutputStream();
        DataOutputStream ao = new DataOutputStream(attrsOut);
        boolean hadFrames = false;
        int written = 0;
        for (int i = 0; i < attrCount; i++) {
            int nameIndex = u2(p);
            String name = utf8(nameIndex);
            int len = u4(p + 2);
            int body = p + 6;
            p = body + len;
            switch (name) {
                case "LineNumberTable":
                    ao.writeShort(nameIndex);
                    ao.writeInt(len);
                    lineNumbers(ao, body);
                    written++;
                    break;
                case "LocalVariableTable":
                case "LocalVariableTypeTable":
                    ao.writeShort(nameIndex);
                    ao.writeInt(len);
                    localVariables(ao, body);
                    written++;
                    break;
                case "StackMapTable":
                    if (major < 50) {
                        break; // ignored by the JVM below version 50: dropped rather than left wrong
                    }
                    byte[] frames = frames(body, len);
                    if (frames == null) {
                        return null;
                    }
                    hadFrames = true;
                    ao.writeShort(nameIndex);
                    ao.writeInt(frames.length);
                    ao.write(frames);
                    written++;
                    break;
                default:
                    return null; // type annotations and non-standard attributes hold offsets we cannot move
            }
        }
        if (major >= 50 && !hadFrames) {
            ao.writeShort(smtName);
            ao.writeInt(4);
            ao.writeShort(2);
            ao.writeByte(9);
            ao.writeByte(PROBE - 9 - 1);
            written++;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(codeLength + 128);
        DataOutputStream o = new DataOutputStream(out);
        int bodyLength = 2 + 2 + 4 + codeLength + PROBE + 2 + 8 * exceptions + 2 + attrsOut.size();
        o.writeShort(u2(at));
        o.writeInt(bodyLength);
        o.writeShort(Math.max(maxStack, 3));
        o.writeShort(maxLocals);
        o.writeInt(codeLength + PROBE);
        probe(o, index, fieldRef, initRef);
        o.write(b, codeStart, codeLength);
        o.writeShort(exceptions);
        for (int i = 0; i < exceptions; i++) {
            int e = exStart + 8 * i;
            o.writeShort(u2(e) + PROBE);
            o.writeShort(u2(e + 2) + PROBE);
            o.writeShort(u2(e + 4) + PROBE);
            o.writeShort(u2(e + 6));
        }
        o.writeShort(written);
        attrsOut.writeTo(o);
        o.flush();
        return out.toByteArray();
    }

    /** The 28 bytes: create the array if needed, then mark slot {@code index} unless marked. */
    static void probe(DataOutputStream o, int index, int fieldRef, int initRef) throws IOException {
        o.writeByte(0xb2); // 0 getstatic
        o.writeShort(fieldRef);
        o.writeByte(0xc7); // 3 ifnonnull → 9
        o.writeShort(6);
        o.writeByte(0xb8); // 6 invokestatic init
        o.writeShort(initRef);
        o.writeByte(0xb2); // 9 getstatic
        o.writeShort(fieldRef);
        o.writeByte(0x11); // 12 sipush index
        o.writeShort(index);
        o.writeByte(0x33); // 15 baload
        o.writeByte(0x9a); // 16 ifne → 28
        o.writeShort(12);
        o.writeByte(0xb2); // 19 getstatic
        o.writeShort(fieldRef);
        o.writeByte(0x11); // 22 sipush index
        o.writeShort(index);
        o.writeByte(0x04); // 25 iconst_1
        o.writeByte(0x54); // 26 bastore
        o.writeByte(0x00); // 27 nop
    }

    /**
     * {@code private static synthetic void $telltale$init()}: creates the array unless there is
     * one. Two threads may both create one; the loser's marks are lost until the method runs
     * again — a probe marks at most a method's first call, so such a miss is rare and harmless.
     */
    private void initMethod(DataOutputStream o, int name, int desc, int codeName, int smtName, int fieldRef, int n)
            throws IOException {
        boolean frames = major >= 50;
        o.writeShort(INIT_FLAGS);
        o.writeShort(name);
        o.writeShort(desc);
        o.writeShort(1);
        o.writeShort(codeName);
        o.writeInt(2 + 2 + 4 + 15 + 2 + 2 + (frames ? 9 : 0));
        o.writeShort(1); // max_stack
        o.writeShort(0); // max_locals
        o.writeInt(15);
        o.writeByte(0xb2); // 0 getstatic
        o.writeShort(fieldRef);
        o.writeByte(0xc7); // 3 ifnonnull → 14
        o.writeShort(11);
        o.writeByte(0x11); // 6 sipush n
        o.writeShort(n);
        o.writeByte(0xbc); // 9 newarray boolean
        o.writeByte(4);
        o.writeByte(0xb3); // 11 putstatic
        o.writeShort(fieldRef);
        o.writeByte(0xb1); // 14 return
        o.writeShort(0); // exception table
        if (frames) {
            o.writeShort(1);
            o.writeShort(smtName);
            o.writeInt(3);
            o.writeShort(1);
            o.writeByte(14); // same_frame at 14
        } else {
            o.writeShort(0);
        }
    }

    private void lineNumbers(DataOutputStream o, int body) throws IOException {
        int n = u2(body);
        o.writeShort(n);
        for (int i = 0; i < n; i++) {
            int e = body + 2 + 4 * i;
            o.writeShort(u2(e) + PROBE);
            o.writeShort(u2(e + 2));
        }
    }

    /** A range from 0 grows to cover the probe (parameters are live there); others move. */
    private void localVariables(DataOutputStream o, int body) throws IOException {
        int n = u2(body);
        o.writeShort(n);
        for (int i = 0; i < n; i++) {
            int e = body + 2 + 10 * i;
            int startPc = u2(e);
            int length = u2(e + 2);
            if (startPc == 0) {
                o.writeShort(0);
                o.writeShort(length + PROBE);
            } else {
                o.writeShort(startPc + PROBE);
                o.writeShort(length);
            }
            o.write(b, e + 4, 6);
        }
    }

    /**
     * The StackMapTable body with same_frame entries at 9 and 28 (both the method's initial
     * frame) before the existing ones. The existing first entry moves by 28: its delta,
     * counted from our frame at 28, becomes d - 1; a first entry at offset 0 is the frame at
     * 28 itself and follows our frame at 9 with delta 18. Uninitialized(offset) types name the
     * offset of their {@code new} instruction: those move by 28 too. Null for frame or type
     * tags this class does not know.
     */
    private byte[] frames(int body, int len) throws IOException {
        int n = u2(body);
        ByteArrayOutputStream out = new ByteArrayOutputStream(len + 8);
        DataOutputStream o = new DataOutputStream(out);
        if (n == 0) {
            o.writeShort(2);
            o.writeByte(9);
            o.writeByte(PROBE - 9 - 1);
            return out.toByteArray();
        }
        byte[] t = java.util.Arrays.copyOfRange(b, body + 2, body + len);
        if (!moveUninitialized(t, n)) {
            return null;
        }
        int type = t[0] & 0xFF;
        int delta;
        int rest;
        if (type < 64) {
            delta = type;
            rest = 1;
        } else if (type < 128) {
            delta = type - 64;
            rest = 1;
        } else if (type >= 247) {
            delta = ((t[1] & 0xFF) << 8) | (t[2] & 0xFF);
            rest = 3;
        } else {
            return null; // reserved frame types
        }
        int newDelta;
        if (delta == 0) {
            o.writeShort(n + 1);
            o.writeByte(9);
            newDelta = PROBE - 9 - 1;
        } else {
            o.writeShort(n + 2);
            o.writeByte(9);
            o.writeByte(PROBE - 9 - 1);
            newDelta = delta - 1;
        }
        if (type < 64 || type == 251) {
            if (newDelta < 64) {
                o.writeByte(newDelta);
            } else {
                o.writeByte(251);
                o.writeShort(newDelta);
            }
        } else if (type < 128 || type == 247) {
            if (newDelta < 64) {
                o.writeByte(64 + newDelta);
            } else {
                o.writeByte(247);
                o.writeShort(newDelta);
            }
        } else {
            o.writeByte(type);
            o.writeShort(newDelta);
        }
        o.write(t, rest, t.length - rest);
        return out.toByteArray();
    }

    /** Adds the probe's length to every Uninitialized offset of n frames in t; false on unknown tags. */
    private static boolean moveUninitialized(byte[] t, int n) {
        int p = 0;
        for (int i = 0; i < n; i++) {
            int type = t[p++] & 0xFF;
            int types;
            if (type < 64) {
                types = 0;
            } else if (type < 128) {
                types = 1;
            } else if (type < 247) {
                return false;
            } else {
                p += 2;
                types = type == 247 ? 1 : type >= 252 && type <= 254 ? type - 251 : 0;
            }
            if (type == 255) {
                int locals = ((t[p] & 0xFF) << 8) | (t[p + 1] & 0xFF);
                p = moveTypes(t, p + 2, locals);
                if (p < 0) {
                    return false;
                }
                types = ((t[p] & 0xFF) << 8) | (t[p + 1] & 0xFF);
                p += 2;
            }
            p = moveTypes(t, p, types);
            if (p < 0) {
                return false;
            }
        }
        return p == t.length;
    }

    private static int moveTypes(byte[] t, int p, int count) {
        for (int i = 0; i < count; i++) {
            int tag = t[p++] & 0xFF;
            if (tag == 8) {
                int at = (((t[p] & 0xFF) << 8) | (t[p + 1] & 0xFF)) + PROBE;
                t[p] = (byte) (at >> 8);
                t[p + 1] = (byte) at;
                p += 2;
            } else if (tag == 7) {
                p += 2;
            } else if (tag > 8) {
                return -1;
            }
        }
        return p;
    }

    private void parsePool() {
        cpCount = u2(8);
        cpOffset = new int[cpCount];
        int p = 10;
        for (int i = 1; i < cpCount; i++) {
            cpOffset[i] = p;
            int tag = b[p] & 0xFF;
            switch (tag) {
                case 1:
                    p += 3 + u2(p + 1);
                    break;
                case 3:
                case 4:
                case 9:
                case 10:
                case 11:
                case 12:
                case 17:
                case 18:
                    p += 5;
                    break;
                case 5:
                case 6:
                    p += 9;
                    i++; // takes two slots
                    break;
                case 7:
                case 8:
                case 16:
                case 19:
                case 20:
                    p += 3;
                    break;
                case 15:
                    p += 4;
                    break;
                default:
                    throw new IllegalArgumentException("constant pool tag " + tag);
            }
        }
        cpEnd = p;
    }

    private int skipMember(int p) {
        int attrs = u2(p + 6);
        p += 8;
        for (int i = 0; i < attrs; i++) {
            p += 6 + u4(p + 2);
        }
        return p;
    }

    private String utf8(int index) {
        int p = cpOffset[index];
        if ((b[p] & 0xFF) != 1) {
            throw new IllegalArgumentException("not a Utf8 entry: " + index);
        }
        try {
            return new DataInputStream(new ByteArrayInputStream(b, p + 1, 2 + u2(p + 1))).readUTF();
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static void utf8Entry(DataOutputStream o, String s) throws IOException {
        o.writeByte(1);
        o.writeUTF(s);
    }

    private int u2(int p) {
        return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
    }

    private int u4(int p) {
        return ((b[p] & 0xFF) << 24) | ((b[p + 1] & 0xFF) << 16) | ((b[p + 2] & 0xFF) << 8) | (b[p + 3] & 0xFF);
    }

    /** {@code createParser(String)}, {@code <init>(JsonFactory, int)}, {@code read(byte[], int)}. */
    static String signature(String name, String descriptor) {
        StringBuilder s = new StringBuilder(name).append('(');
        int i = 1;
        boolean first = true;
        while (i < descriptor.length() && descriptor.charAt(i) != ')') {
            int dims = 0;
            while (descriptor.charAt(i) == '[') {
                dims++;
                i++;
            }
            String type;
            char c = descriptor.charAt(i);
            if (c == 'L') {
                int semi = descriptor.indexOf(';', i);
                String internal = descriptor.substring(i + 1, semi);
                type = internal.substring(Math.max(internal.lastIndexOf('/'), internal.lastIndexOf('$')) + 1);
                i = semi + 1;
            } else {
                type = primitive(c);
                i++;
            }
            if (!first) {
                s.append(", ");
            }
            first = false;
            s.append(type);
            for (int d = 0; d < dims; d++) {
                s.append("[]");
            }
        }
        return s.append(')').toString();
    }

    private static String primitive(char c) {
        switch (c) {
            case 'Z':
                return "boolean";
            case 'B':
                return "byte";
            case 'C':
                return "char";
            case 'S':
                return "short";
            case 'I':
                return "int";
            case 'J':
                return "long";
            case 'F':
                return "float";
            case 'D':
                return "double";
            default:
                return String.valueOf(c);
        }
    }
}
