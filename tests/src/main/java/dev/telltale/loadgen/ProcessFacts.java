package dev.telltale.loadgen;

import dev.telltale.protocol.event.Msg;
import dev.telltale.protocol.event.Schemas;
import dev.telltale.secrets.SecretPatterns;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Who the observed processes are and what their start events say: identities, command lines,
 * pods, environments (real names, invented secrets), memory maps (this JVM's for Java, a
 * loader-shaped map of real libraries for native processes) and the libraries they load.
 */
final class ProcessFacts {
    private static final String POD_CHARS = "bcdfghjklmnpqrstvwxz2456789";

    private final MachineProfile machine;
    private final Random r;
    private List<NativeLibrary> javaLibraries;
    private List<NativeLibrary> nativeLibraries;

    ProcessFacts(MachineProfile machine, Random r) {
        this.machine = machine;
        this.r = r;
    }

    ProcessModel javaService(String application, String component) {
        // In a container the service is often pid 1; otherwise a launcher started it.
        long pid = r.nextInt(3) == 0 ? 1 : 7 + r.nextInt(60_000);
        String pod = application + "-" + component + "-" + FakeSecrets.pick(r, POD_CHARS, 9) + "-"
                + FakeSecrets.pick(r, POD_CHARS, 5);
        String jar = "/opt/" + application + "/" + component + ".jar";
        List<String> argv = List.of("java", "-XX:+UseG1GC", "-Xms512m", "-Xmx2g", "-Dfile.encoding=UTF-8",
                "-Dspring.config.location=/etc/" + application + "/", "-jar", jar, "--server.port=8080");
        return new ProcessModel(pid, pid == 1 ? 0 : 1, 10_001, 10_001, System.getProperty("java.home") + "/bin/java",
                argv, "/opt/" + application, pod, pod, application + "-prod", HexFormat.of().formatHex(bytes(32)), true,
                8080, application, component);
    }

    ProcessModel nativeProcess(ProcessModel parent, List<String> command) {
        long pid = parent.pid() + 1 + r.nextInt(400);
        return new ProcessModel(pid, parent.pid(), parent.uid(), parent.gid(), command.get(0),
                command.subList(1, command.size()), parent.cwd(), parent.hostname(), parent.pod(), parent.namespace(),
                parent.containerId(), false, parent.httpPort(), parent.application(), parent.component());
    }

    String fatJar(ProcessModel p) {
        return "/opt/" + p.application() + "/" + p.component() + ".jar";
    }

    /** The pod's address, stable per process. */
    String podIp(ProcessModel p) {
        long h = p.containerId().hashCode() & 0xffffL;
        return "10.244." + (1 + h % 3) + "." + (2 + (h >> 2) % 250);
    }

    void describeStart(ProcessModel p, Msg b) {
        b.set("hostname", p.hostname()).set("uptime_s", machine.uptimeS()).set("cpu_count", (long) machine.cpuCount())
                .set("cpu_model", machine.cpuModel()).set("os_name", machine.osName()).set("os_version", machine.osVersion())
                .set("cloud", "aws").set("container_runtime", "containerd").set("container_id", p.containerId())
                .set("ppid", p.ppid()).set("uid", p.uid()).set("gid", p.gid()).set("euid", p.uid()).set("egid", p.gid())
                .set("k8s_pod", p.pod()).set("k8s_namespace", p.namespace()).set("exe", p.exe()).set("argv", p.argv())
                .set("cwd", p.cwd()).set("kernel", machine.kernel()).set("cpu_arch", "x86_64");
        for (Msg env : environment(p)) {
            b.set("env", env);
        }
        for (Msg map : maps(p)) {
            b.set("maps", map);
        }
    }

    /** This machine's variable names, then the service's own; secret-looking values are invented. */
    List<Msg> environment(ProcessModel p) {
        List<Msg> out = new ArrayList<>();
        for (Map.Entry<String, String> e : machine.environment().entrySet()) {
            String name = e.getKey();
            String value = switch (name) {
                case "HOSTNAME" -> p.hostname();
                case "PWD" -> p.cwd();
                default -> e.getValue();
            };
            if (SecretPatterns.isSecretEnv(name, value)) {
                value = FakeSecrets.forName(r, name);
            } else if (value.length() > 4096) {
                // Interceptors cap what they copy from the environment; so does the model.
                value = value.substring(0, 4096);
            }
            out.add(env(name, value));
        }
        if (p.java()) {
            out.add(env("JAVA_HOME", System.getProperty("java.home")));
            for (String[] v : Workload.APP_ENVIRONMENT) {
                out.add(env(v[0], v[1] != null ? v[1] : FakeSecrets.forName(r, v[0])));
            }
        }
        return out;
    }

    private static Msg env(String name, String value) {
        return new Msg(Schemas.ENV_VAR).set("env.name", name).set("env.value", value);
    }

    private List<Msg> maps(ProcessModel p) {
        List<Msg> out = new ArrayList<>();
        if (p.java() && !machine.maps().isEmpty()) {
            for (ProcMaps.Region m : machine.maps()) {
                out.add(map(m.start(), m.end(), m.perms(), m.offset(), m.path()));
            }
            return out;
        }
        long base = 0x55_0000_0000L + ((long) r.nextInt(0xfffff) << 12);
        addImage(out, p.exe(), base, 0x20_000 + r.nextInt(0x100) * 0x1000L);
        out.add(map(base + 0x200_000, base + 0x221_000, "rw-p", 0, "[heap]"));
        long lib = 0x7f00_0000_0000L + ((long) r.nextInt(0xffffff) << 12);
        for (NativeLibrary l : loadedLibraries(p)) {
            long size = (l.size() + 0xfff) & ~0xfffL;
            addImage(out, l.path(), lib, size);
            lib += size + 0x2000;
        }
        long stack = 0x7ffc_0000_0000L + ((long) r.nextInt(0xffff) << 12);
        out.add(map(stack, stack + 0x21_000, "rw-p", 0, "[stack]"));
        out.add(map(stack + 0x40_000, stack + 0x44_000, "r--p", 0, "[vvar]"));
        out.add(map(stack + 0x44_000, stack + 0x46_000, "r-xp", 0, "[vdso]"));
        return out;
    }

    /** The four mappings the loader makes of an ELF object: headers, text, read-only data, data. */
    private static void addImage(List<Msg> out, String path, long base, long size) {
        long text = (size / 8) & ~0xfffL;
        long rodata = (size * 5 / 8) & ~0xfffL;
        long data = (size * 7 / 8) & ~0xfffL;
        out.add(map(base, base + text, "r--p", 0, path));
        out.add(map(base + text, base + rodata, "r-xp", text, path));
        out.add(map(base + rodata, base + data, "r--p", rodata, path));
        out.add(map(base + data, base + size, "rw-p", data, path));
    }

    private static Msg map(long start, long end, String perms, long offset, String path) {
        Msg m = new Msg(Schemas.MEM_MAP).set("map.start", start).set("map.end", end).set("map.perms", perms)
                .set("map.offset", offset);
        if (!path.isEmpty()) {
            m.set("map.path", path);
        }
        return m;
    }

    /**
     * The shared objects a process of this kind has loaded: for a JVM those mapped into this
     * JVM; for a native process libc, the loader and a few system libraries.
     */
    List<NativeLibrary> loadedLibraries(ProcessModel p) {
        if (javaLibraries == null) {
            java.util.Set<String> mapped = new java.util.HashSet<>();
            machine.maps().forEach(m -> mapped.add(m.path()));
            javaLibraries = select(l -> mapped.contains(l.path()));
            nativeLibraries = select(ProcessFacts::isBasic);
        }
        return p.java() ? javaLibraries : nativeLibraries;
    }

    private List<NativeLibrary> select(java.util.function.Predicate<NativeLibrary> which) {
        List<NativeLibrary> all = machine.libraries();
        List<NativeLibrary> out = new ArrayList<>(all.stream().filter(which).toList());
        if (out.isEmpty()) {
            out.addAll(all.subList(0, Math.min(8, all.size())));
        }
        return List.copyOf(out);
    }

    private static boolean isBasic(NativeLibrary l) {
        String n = l.name();
        return n.startsWith("libc.so") || n.startsWith("ld-linux") || n.startsWith("libtinfo") || n.startsWith("libm.so")
                || n.startsWith("libz.so") || n.startsWith("libexpat") || n.startsWith("libssl") || n.startsWith("libcrypto")
                || n.startsWith("libffi") || n.startsWith("libnss_");
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }
}
