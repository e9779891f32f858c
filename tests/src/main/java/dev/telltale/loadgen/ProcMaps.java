package dev.telltale.loadgen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The memory map of a process as {@code /proc/<pid>/maps} shows it. */
public final class ProcMaps {
    /** One mapping; {@code path} is empty for anonymous memory, or a pseudo-path like {@code [heap]}. */
    public record Region(long start, long end, String perms, long offset, String path) {
    }

    private ProcMaps() {
    }

    /** Parses a maps file; an unreadable file gives an empty list. Lines that do not parse are skipped. */
    public static List<Region> read(Path maps) {
        List<Region> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(maps)) {
                parse(line, out);
            }
        } catch (IOException e) {
            // Not on Linux, or not allowed: there is no map to report.
        }
        return List.copyOf(out);
    }

    static void parse(String line, List<Region> out) {
        String[] f = line.trim().split("\\s+", 6);
        if (f.length < 5) {
            return;
        }
        int dash = f[0].indexOf('-');
        if (dash < 0) {
            return;
        }
        try {
            long start = Long.parseUnsignedLong(f[0].substring(0, dash), 16);
            long end = Long.parseUnsignedLong(f[0].substring(dash + 1), 16);
            long offset = Long.parseUnsignedLong(f[2], 16);
            out.add(new Region(start, end, f[1], offset, f.length == 6 ? f[5] : ""));
        } catch (NumberFormatException e) {
            // A malformed line is not worth failing the whole map for.
        }
    }
}
