package dev.telltale.loadgen;

import dev.telltale.protocol.event.Msg;
import dev.telltale.protocol.event.Schemas;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Builds stacks as an interceptor would record them, innermost frame first: the libc call,
 * then (in a JVM) the JDK native method and the JDK Java methods above it, then library and
 * application frames from the jars on this machine, ending in the thread's entry; in a
 * native process the executable's own functions down to {@code __libc_start_main}. Every
 * module, symbol and offset exists on this machine. Always 5 to 15 frames.
 */
final class StackFactory {
    static final int MIN_FRAMES = 5;
    static final int MAX_FRAMES = 15;

    private final MachineProfile machine;
    private final JdkClasses jdk;
    private final Map<String, NativeLibrary> byName = new HashMap<>();
    private final Map<String, NativeLibrary> byPath = new HashMap<>();
    private final List<NativeLibrary> systemLibs = new ArrayList<>();
    private final List<JarModel> jarsWithClasses = new ArrayList<>();
    private final Map<String, List<List<Msg>>> callSites = new HashMap<>();

    StackFactory(MachineProfile machine, JdkClasses jdk) {
        this.machine = machine;
        this.jdk = jdk;
        for (NativeLibrary l : machine.libraries()) {
            byName.putIfAbsent(l.name(), l);
            byPath.putIfAbsent(l.path(), l);
            if (l.path().startsWith("/usr/lib/x86_64-linux-gnu/") && !l.functions().isEmpty()) {
                systemLibs.add(l);
            }
        }
        for (JarModel j : machine.jars()) {
            if (!j.classes().isEmpty()) {
                jarsWithClasses.add(j);
            }
        }
    }

    /**
     * A stack for one call. A process reaches each kind of call from a limited number of call
     * sites, so stacks repeat: up to {@code sites} distinct stacks are kept per process and
     * {@code site} key, earlier ones chosen more often, as real code paths are.
     */
    List<Msg> stack(StackOp op, ProcessModel p, Random r, String site, int sites) {
        List<List<Msg>> known = callSites.computeIfAbsent(p.pid() + "/" + site, k -> new ArrayList<>());
        double u = r.nextDouble();
        int i = (int) (sites * u * u);
        if (i < known.size()) {
            return known.get(i);
        }
        List<Msg> fresh = List.copyOf(stack(op, p, r));
        if (known.size() < sites) {
            known.add(fresh);
        }
        return fresh;
    }

    private List<Msg> stack(StackOp op, ProcessModel p, Random r) {
        List<Msg> frames = new ArrayList<>(MAX_FRAMES);
        nativeFrame(frames, byName.get("libc.so.6"), op.libcSymbol, r);
        if (p.java()) {
            javaStack(op, frames, r);
        } else {
            nativeStack(op, p, frames, r);
        }
        if (frames.size() > MAX_FRAMES) {
            // Unwinders cap the depth; what is cut is the outermost part.
            frames.subList(MAX_FRAMES, frames.size()).clear();
        }
        return frames;
    }

    private void javaStack(StackOp op, List<Msg> frames, Random r) {
        if (op.nativeFrame != null) {
            int colon = op.nativeFrame.indexOf(':');
            nativeFrame(frames, byName.get(op.nativeFrame.substring(0, colon)), op.nativeFrame.substring(colon + 1), r);
        } else {
            NativeLibrary caller = op == StackOp.MEMORY && !systemLibs.isEmpty()
                    ? systemLibs.get(r.nextInt(systemLibs.size())) : byName.get("libjvm.so");
            for (int i = 0, n = 1 + r.nextInt(3); i < n; i++) {
                nativeFrame(frames, caller, null, r);
            }
        }
        for (String f : op.javaFrames) {
            int dot = f.lastIndexOf('.');
            String cls = f.substring(0, dot);
            String method = f.substring(dot + 1);
            jdk.find(cls).filter(c -> c.methods().contains(method))
                    .ifPresent(c -> frames.add(javaFrame(jdk.modulesFile(), c, method, r)));
        }
        int room = MAX_FRAMES - 2 - frames.size();
        int libraryFrames = Math.max(MIN_FRAMES - 2 - frames.size(), Math.min(room, 1 + r.nextInt(6)));
        for (int i = 0; i < libraryFrames && !jarsWithClasses.isEmpty(); i++) {
            JarModel j = jarsWithClasses.get(r.nextInt(jarsWithClasses.size()));
            ClassFiles.ClassModel c = j.classes().get(r.nextInt(j.classes().size()));
            frames.add(javaFrame(j.path(), c, c.methods().get(r.nextInt(c.methods().size())), r));
        }
        jdk.find("java.lang.Thread").ifPresent(t -> {
            frames.add(javaFrame(jdk.modulesFile(), t, t.methods().contains("runWith") ? "runWith" : "run", r));
            frames.add(javaFrame(jdk.modulesFile(), t, "run", r));
        });
        while (frames.size() < MIN_FRAMES) {
            nativeFrame(frames, byName.get("libjvm.so"), null, r);
        }
    }

    private void nativeStack(StackOp op, ProcessModel p, List<Msg> frames, Random r) {
        NativeLibrary exe = byPath.get(p.exe());
        if (op.nativeFrame == null && op != StackOp.IDENTITY && !systemLibs.isEmpty()) {
            nativeFrame(frames, systemLibs.get(r.nextInt(systemLibs.size())), null, r);
        }
        int own = Math.max(MIN_FRAMES - 1 - frames.size(), 2 + r.nextInt(7));
        for (int i = 0; i < own; i++) {
            nativeFrame(frames, exe != null ? exe : byName.get("libc.so.6"), null, r);
        }
        nativeFrame(frames, byName.get("libc.so.6"), "__libc_start_main", r);
    }

    private static void nativeFrame(List<Msg> frames, NativeLibrary lib, String symbol, Random r) {
        if (lib == null || lib.functions().isEmpty()) {
            return;
        }
        ElfFile.Symbol s = null;
        if (symbol != null) {
            for (ElfFile.Symbol f : lib.functions()) {
                if (f.name().equals(symbol)) {
                    s = f;
                    break;
                }
            }
            if (s == null) {
                return;
            }
        } else {
            s = lib.functions().get(r.nextInt(lib.functions().size()));
        }
        // A return address lies inside the calling function, past its prologue.
        long within = s.size() <= 4 ? 0 : 4 + r.nextInt((int) Math.min(s.size() - 4, 512));
        Msg m = new Msg(Schemas.STACK_FRAME)
                .set("stack.module", lib.path())
                .set("stack.offset", s.offset() + within)
                .set("stack.symbol", s.name());
        lib.buildId().ifPresent(id -> m.set("stack.build_id", id));
        frames.add(m);
    }

    private static Msg javaFrame(String module, ClassFiles.ClassModel c, String method, Random r) {
        return new Msg(Schemas.STACK_FRAME)
                .set("stack.module", module)
                .set("stack.offset", (long) r.nextInt(240))
                .set("stack.symbol", c.name() + "." + method)
                .set("stack.file", c.sourceFile())
                .set("stack.line", (long) (20 + r.nextInt(600)));
    }

    /** A library of this machine by file name, e.g. {@code libc.so.6}. */
    Optional<NativeLibrary> library(String name) {
        return Optional.ofNullable(byName.get(name));
    }
}
