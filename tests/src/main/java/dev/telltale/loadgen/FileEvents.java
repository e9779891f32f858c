package dev.telltale.loadgen;

import dev.telltale.protocol.event.Event;
import dev.telltale.protocol.event.EventType;

import java.util.List;
import java.util.Random;

/**
 * File events as libc sees them: mostly read-only opens of the machine's real files and the
 * service's jars, writes and appends to logs, temporary files created, renamed and unlinked,
 * with the flag bits and names open(2) really takes.
 */
final class FileEvents {
    static final long O_WRONLY = 01;
    static final long O_RDWR = 02;
    static final long O_CREAT = 0100;
    static final long O_TRUNC = 01000;
    static final long O_APPEND = 02000;
    static final long O_CLOEXEC = 02000000;

    private FileEvents() {
    }

    static String randomPath(RealisticEvents g, ProcessModel p) {
        Random r = g.random();
        List<String> files = g.machine().files();
        int x = r.nextInt(100);
        if (x < 55 && !files.isEmpty()) {
            return files.get(r.nextInt(files.size()));
        }
        if (x < 65 && !g.machine().jars().isEmpty()) {
            return g.machine().jars().get(r.nextInt(g.machine().jars().size())).path();
        }
        return g.pick(Workload.APP_FILES).replace("{n}", Integer.toString(1000 + r.nextInt(900_000)));
    }

    static Event random(RealisticEvents g, ProcessModel p, long dtUs) {
        Random r = g.random();
        int x = r.nextInt(100);
        String path = randomPath(g, p);
        if (x < 50) {
            return open(g, p, dtUs, path, false);
        }
        if (x < 62) {
            return io(g, p, dtUs, path, "read", StackOp.FILE_READ);
        }
        if (x < 80) {
            String log = g.pick(Workload.APP_FILES.subList(0, 3));
            return r.nextInt(4) == 0 ? open(g, p, dtUs, log, true) : io(g, p, dtUs, log, "write", StackOp.FILE_WRITE);
        }
        String tmp = "/tmp/upload-" + (1000 + r.nextInt(900_000)) + ".tmp";
        if (x < 88) {
            return open(g, p, dtUs, tmp, true);
        }
        if (x < 94) {
            Event e = g.stackedFile(p, dtUs, StackOp.FILE_RENAME);
            e.body().set("op", "rename").set("path", tmp)
                    .set("path2", "/var/lib/shop/uploads/invoice-" + (1000 + r.nextInt(900_000)) + ".pdf").set("result", 0L);
            return e;
        }
        if (x < 98) {
            Event e = g.stackedFile(p, dtUs, StackOp.FILE_UNLINK);
            boolean missing = r.nextInt(5) == 0;
            e.body().set("op", "unlink").set("path", tmp).set("result", missing ? -1L : 0L);
            if (missing) {
                e.body().set("errno", 2L);
            }
            return e;
        }
        Event e = g.stackedFile(p, dtUs, StackOp.FILE_TRUNCATE);
        e.body().set("op", "ftruncate").set("path", g.pick(Workload.APP_FILES.subList(0, 3)))
                .set("fd", 40L + r.nextInt(200)).set("result", 0L);
        return e;
    }

    static Event open(RealisticEvents g, ProcessModel p, long dtUs, String path, boolean write) {
        Random r = g.random();
        Event e = g.stackedFile(p, dtUs, write ? StackOp.FILE_CREATE : (path.endsWith(".jar") ? StackOp.LOAD_JAR
                : StackOp.FILE_OPEN));
        long flags = O_CLOEXEC;
        String names = "O_RDONLY|O_CLOEXEC";
        if (write) {
            boolean log = path.endsWith(".log");
            flags |= log ? O_WRONLY | O_CREAT | O_APPEND : O_RDWR | O_CREAT | O_TRUNC;
            names = log ? "O_WRONLY|O_CREAT|O_APPEND|O_CLOEXEC" : "O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC";
            e.body().set("mode", 0644L);
        }
        boolean denied = !write && (path.equals("/etc/shadow") || path.contains("/.aws/"));
        long fd = 30 + r.nextInt(400);
        e.body().set("op", r.nextInt(3) == 0 ? "open" : "openat").set("path", path).set("flags", flags)
                .set("flag_names", names).set("fd", denied ? -1L : fd).set("result", denied ? -1L : fd);
        if (denied) {
            e.body().set("errno", 13L);
        }
        return e;
    }

    private static Event io(RealisticEvents g, ProcessModel p, long dtUs, String path, String op, StackOp so) {
        Random r = g.random();
        Event e = g.stackedFile(p, dtUs, so);
        long n = 1L << (6 + r.nextInt(11));
        e.body().set("op", op).set("path", path).set("fd", 30L + r.nextInt(400)).set("result", n);
        return e;
    }
}
