package dev.telltale.loadgen;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The little of an ELF64 shared object that stack frames need: exported function symbols
 * (name, offset, size from {@code .dynsym}) and the GNU build id. Reads only section headers,
 * the dynamic symbol and string tables and note sections, so a library costs a few hundred KB
 * of reading at most.
 */
public final class ElfFile {
    /** An exported function: offset relative to the load base, and its size in bytes. */
    public record Symbol(String name, long offset, long size) {
    }

    private static final int SHT_NOTE = 7;
    private static final int SHT_DYNSYM = 11;
    private static final int STT_FUNC = 2;
    private static final int NT_GNU_BUILD_ID = 3;
    private static final long MAX_SECTION = 8L << 20;

    private final List<Symbol> functions;
    private final String buildId;

    private ElfFile(List<Symbol> functions, String buildId) {
        this.functions = functions;
        this.buildId = buildId;
    }

    /**
     * Reads a file; empty when it is not a little-endian ELF64 object or cannot be read.
     * Symbol tables larger than 8 MiB are skipped (only the build id is kept) to bound the cost.
     */
    public static Optional<ElfFile> read(Path path, int maxSymbols) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer h = readAt(ch, 0, 64);
            if (h.remaining() < 64 || h.getInt(0) != 0x464c457f || h.get(4) != 2 || h.get(5) != 1) {
                return Optional.empty();
            }
            long shoff = h.getLong(0x28);
            int shentsize = Short.toUnsignedInt(h.getShort(0x3A));
            int shnum = Short.toUnsignedInt(h.getShort(0x3C));
            if (shoff <= 0 || shentsize < 64 || shnum == 0 || shnum > 4096) {
                return Optional.empty();
            }
            ByteBuffer sh = readAt(ch, shoff, shnum * shentsize);
            List<Symbol> funcs = new ArrayList<>();
            String buildId = null;
            for (int i = 0; i < shnum; i++) {
                int base = i * shentsize;
                int type = sh.getInt(base + 4);
                long off = sh.getLong(base + 0x18);
                long size = sh.getLong(base + 0x20);
                if (type == SHT_NOTE && buildId == null && size < 4096) {
                    buildId = buildId(readAt(ch, off, (int) size));
                } else if (type == SHT_DYNSYM && size < MAX_SECTION && funcs.isEmpty()) {
                    int link = sh.getInt(base + 0x28);
                    long strOff = sh.getLong(link * shentsize + 0x18);
                    long strSize = sh.getLong(link * shentsize + 0x20);
                    if (strSize < MAX_SECTION) {
                        funcs = symbols(readAt(ch, off, (int) size), readAt(ch, strOff, (int) strSize), maxSymbols);
                    }
                }
            }
            return Optional.of(new ElfFile(List.copyOf(funcs), buildId));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static List<Symbol> symbols(ByteBuffer syms, ByteBuffer strs, int max) {
        List<Symbol> out = new ArrayList<>();
        for (int p = 24; p + 24 <= syms.limit() && out.size() < max; p += 24) {
            int nameOff = syms.getInt(p);
            int info = syms.get(p + 4) & 0xff;
            int shndx = Short.toUnsignedInt(syms.getShort(p + 6));
            long value = syms.getLong(p + 8);
            long size = syms.getLong(p + 16);
            if ((info & 0xf) != STT_FUNC || shndx == 0 || value == 0 || nameOff <= 0 || nameOff >= strs.limit()) {
                continue;
            }
            int end = nameOff;
            while (end < strs.limit() && strs.get(end) != 0) {
                end++;
            }
            byte[] name = new byte[end - nameOff];
            strs.get(nameOff, name);
            out.add(new Symbol(new String(name, java.nio.charset.StandardCharsets.US_ASCII), value, Math.max(1, size)));
        }
        return out;
    }

    private static String buildId(ByteBuffer notes) {
        int p = 0;
        while (p + 12 <= notes.limit()) {
            int nameSize = notes.getInt(p);
            int descSize = notes.getInt(p + 4);
            int type = notes.getInt(p + 8);
            int descOff = p + 12 + align4(nameSize);
            if (descOff + descSize > notes.limit() || descSize < 0) {
                return null;
            }
            if (type == NT_GNU_BUILD_ID && nameSize == 4) {
                byte[] id = new byte[descSize];
                notes.get(descOff, id);
                return HexFormat.of().formatHex(id);
            }
            p = descOff + align4(descSize);
        }
        return null;
    }

    private static int align4(int n) {
        return (n + 3) & ~3;
    }

    private static ByteBuffer readAt(FileChannel ch, long pos, int len) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(Math.max(0, len)).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (ch.read(b, pos + b.position()) < 0) {
                break;
            }
        }
        return b.flip();
    }

    /** Exported functions, in symbol-table order. */
    public List<Symbol> functions() {
        return functions;
    }

    /** The GNU build id as hex, if the object carries one. */
    public Optional<String> buildId() {
        return Optional.ofNullable(buildId);
    }
}
