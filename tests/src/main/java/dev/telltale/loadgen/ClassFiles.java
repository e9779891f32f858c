package dev.telltale.loadgen;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads a class file's name, source file and method names: enough for realistic Java stack
 * frames and java_method events, without a bytecode library.
 */
public final class ClassFiles {
    /** A class as stack frames name it: dotted name, source file name and its methods. */
    public record ClassModel(String name, String sourceFile, List<String> methods) {
    }

    private ClassFiles() {
    }

    /** Parses class bytes; empty when they are not a well-formed class file. */
    public static Optional<ClassModel> parse(byte[] bytes, int maxMethods) {
        try {
            return Optional.of(read(new DataInputStream(new ByteArrayInputStream(bytes)), maxMethods));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static ClassModel read(DataInputStream in, int maxMethods) throws IOException {
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort();
        in.readUnsignedShort();
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        int[] classNameIndex = new int[count];
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4);
                case 5, 6 -> {
                    in.skipNBytes(8);
                    i++;
                }
                case 7 -> classNameIndex[i] = in.readUnsignedShort();
                case 8, 16, 19, 20 -> in.skipNBytes(2);
                case 15 -> in.skipNBytes(3);
                default -> throw new IOException("constant pool tag " + tag);
            }
        }
        in.readUnsignedShort();
        String name = utf8[classNameIndex[in.readUnsignedShort()]].replace('/', '.');
        in.readUnsignedShort();
        in.skipNBytes(2L * in.readUnsignedShort());
        skipMembers(in);
        List<String> methods = new ArrayList<>();
        int n = in.readUnsignedShort();
        for (int i = 0; i < n; i++) {
            in.readUnsignedShort();
            String m = utf8[in.readUnsignedShort()];
            in.readUnsignedShort();
            skipAttributes(in);
            if (!"<clinit>".equals(m) && !m.startsWith("lambda$") && methods.size() < maxMethods) {
                methods.add(m);
            }
        }
        String source = null;
        int attrs = in.readUnsignedShort();
        for (int i = 0; i < attrs; i++) {
            String attr = utf8[in.readUnsignedShort()];
            int len = in.readInt();
            if ("SourceFile".equals(attr) && len == 2) {
                source = utf8[in.readUnsignedShort()];
            } else {
                in.skipNBytes(len);
            }
        }
        if (source == null) {
            String simple = name.substring(name.lastIndexOf('.') + 1);
            int dollar = simple.indexOf('$');
            source = (dollar > 0 ? simple.substring(0, dollar) : simple) + ".java";
        }
        return new ClassModel(name, source, List.copyOf(methods));
    }

    private static void skipMembers(DataInputStream in) throws IOException {
        int n = in.readUnsignedShort();
        for (int i = 0; i < n; i++) {
            in.skipNBytes(6);
            skipAttributes(in);
        }
    }

    private static void skipAttributes(DataInputStream in) throws IOException {
        int n = in.readUnsignedShort();
        for (int i = 0; i < n; i++) {
            in.readUnsignedShort();
            in.skipNBytes(Integer.toUnsignedLong(in.readInt()));
        }
    }
}
