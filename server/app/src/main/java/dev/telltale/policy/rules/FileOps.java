package dev.telltale.policy.rules;

import dev.telltale.protocol.event.Msg;

import java.util.Set;

/**
 * What a file event did, from its op and open(2) flags as hook_file.c sends them: numeric
 * {@code flags} (Linux values) and the same as words in {@code flag_names}, where the
 * interceptor adds "write" to every open for writing.
 */
final class FileOps {
    static final long O_ACCMODE = 03;
    static final long O_CREAT = 0100;
    static final long O_TRUNC = 01000;
    static final long ENOENT = 2;
    static final long ENOTDIR = 20;
    static final long EPERM = 1;
    static final long EACCES = 13;

    private static final Set<String> OPENS = Set.of("open", "openat", "openat2", "open64", "openat64", "creat",
            "creat64", "fopen", "fopen64", "freopen", "freopen64");
    private static final Set<String> RENAMES = Set.of("rename", "renameat", "renameat2", "link", "linkat",
            "symlink", "symlinkat");
    /** Ops that change a file by their nature (some come from other agents than the native one). */
    private static final Set<String> MODIFIES = Set.of("unlink", "unlinkat", "rmdir", "truncate", "truncate64",
            "ftruncate", "ftruncate64", "chmod", "fchmod", "fchmodat", "lchmod", "chown", "fchown", "fchownat",
            "lchown", "mkdir", "mkdirat", "mknod", "mknodat", "utime", "utimes", "utimensat", "setxattr",
            "removexattr", "write");
    private static final Set<String> CHMODS = Set.of("chmod", "fchmod", "fchmodat", "lchmod");

    private FileOps() {
    }

    /**
     * Whether an operation can modify a path at all (opens, renames, removals, truncations):
     * reads and writes through a descriptor are ruled out by their name alone, before decoding.
     */
    static boolean mayModify(String op) {
        return open(op) || rename(op) || MODIFIES.contains(op);
    }

    static boolean open(String op) {
        return OPENS.contains(op);
    }

    static boolean rename(String op) {
        return RENAMES.contains(op);
    }

    static boolean chmod(String op) {
        return CHMODS.contains(op);
    }

    /** Whether the event changes the file system (a write-open, creation, rename, removal, …). */
    static boolean modifies(String op, Msg b) {
        if (open(op)) {
            return op.startsWith("creat") || writeOpen(b);
        }
        return rename(op) || MODIFIES.contains(op);
    }

    /** Opened for writing: O_WRONLY, O_RDWR, O_CREAT or O_TRUNC. */
    static boolean writeOpen(Msg b) {
        if (Fields.has(b, "flags")) {
            long f = Fields.num(b, "flags", 0);
            return (f & O_ACCMODE) == 1 || (f & O_ACCMODE) == 2 || (f & (O_CREAT | O_TRUNC)) != 0;
        }
        String names = " " + Fields.str(b, "flag_names") + " ";
        return names.contains(" write ") || names.contains(" O_WRONLY ") || names.contains(" O_RDWR ")
                || names.contains(" O_CREAT ") || names.contains(" O_TRUNC ");
    }

    static boolean creates(String op, Msg b) {
        if (op.startsWith("creat")) {
            return true;
        }
        if (!open(op)) {
            return false;
        }
        if (Fields.has(b, "flags")) {
            return (Fields.num(b, "flags", 0) & O_CREAT) != 0;
        }
        return (" " + Fields.str(b, "flag_names") + " ").contains(" O_CREAT ");
    }

    /** Succeeded, or says nothing about its result. */
    static boolean succeeded(Msg b) {
        return Fields.num(b, "result", 0) >= 0;
    }

    static String flagsText(Msg b) {
        String n = Fields.str(b, "flag_names");
        return n.isEmpty() ? "" : " (" + n + ")";
    }
}
