package dev.telltale.loadgen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What this machine really has, read once per JVM and bounded in cost (about a second):
 * host facts, OS packages, this JVM's memory map, environment, shared libraries with hashes
 * and exported symbols, Maven jars with classes, and a sample of file paths. Every event
 * RealisticEvents makes is drawn from here.
 */
public final class MachineProfile {
    private static volatile MachineProfile current;

    private final String hostname;
    private final String osName;
    private final String osVersion;
    private final String kernel;
    private final String cpuModel;
    private final int cpuCount;
    private final long uptimeS;
    private final String machineId;
    private final Map<String, String> environment;
    private final List<ProcMaps.Region> maps;
    private final DpkgDatabase dpkg;
    private final List<NativeLibrary> libraries;
    private final List<JarModel> jars;
    private final List<String> files;

    private MachineProfile() {
        Map<String, String> os = osRelease();
        hostname = firstLine(Path.of("/proc/sys/kernel/hostname"), "localhost");
        osName = os.getOrDefault("NAME", System.getProperty("os.name"));
        osVersion = os.getOrDefault("VERSION", os.getOrDefault("VERSION_ID", System.getProperty("os.version")));
        kernel = firstLine(Path.of("/proc/sys/kernel/osrelease"), System.getProperty("os.version"));
        cpuModel = readCpuModel();
        cpuCount = Runtime.getRuntime().availableProcessors();
        uptimeS = (long) Double.parseDouble(firstLine(Path.of("/proc/uptime"), "0 0").split(" ")[0]);
        machineId = firstLine(Path.of("/etc/machine-id"), "0".repeat(32));
        environment = new TreeMap<>(System.getenv());
        maps = ProcMaps.read(Path.of("/proc/self/maps"));
        dpkg = DpkgDatabase.read(Path.of("/"));
        libraries = NativeLibraries.discover(maps, dpkg, 160, 160L << 20);
        jars = JavaJars.discover(120, 40, 64L << 20);
        files = FileCorpus.walk(List.of("/etc", "/usr/lib", "/usr/share"), 1500, 6);
    }

    /** The profile of this machine, built on first use and shared afterwards. */
    public static MachineProfile get() {
        MachineProfile p = current;
        if (p == null) {
            synchronized (MachineProfile.class) {
                p = current;
                if (p == null) {
                    p = new MachineProfile();
                    current = p;
                }
            }
        }
        return p;
    }

    private static Map<String, String> osRelease() {
        Map<String, String> out = new TreeMap<>();
        try {
            for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    out.put(line.substring(0, eq), line.substring(eq + 1).replace("\"", ""));
                }
            }
        } catch (IOException e) {
            // Not Linux: the JVM's os.* properties stand in.
        }
        return out;
    }

    private static String readCpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            // Fall through to the architecture.
        }
        return System.getProperty("os.arch");
    }

    private static String firstLine(Path p, String fallback) {
        try {
            List<String> lines = Files.readAllLines(p);
            return lines.isEmpty() || lines.get(0).isBlank() ? fallback : lines.get(0).trim();
        } catch (IOException e) {
            return fallback;
        }
    }

    public String hostname() {
        return hostname;
    }

    public String osName() {
        return osName;
    }

    public String osVersion() {
        return osVersion;
    }

    public String kernel() {
        return kernel;
    }

    public String cpuModel() {
        return cpuModel;
    }

    public int cpuCount() {
        return cpuCount;
    }

    public long uptimeS() {
        return uptimeS;
    }

    public String machineId() {
        return machineId;
    }

    /** This process's environment, sorted by name. */
    public Map<String, String> environment() {
        return environment;
    }

    public List<ProcMaps.Region> maps() {
        return maps;
    }

    public DpkgDatabase dpkg() {
        return dpkg;
    }

    public List<NativeLibrary> libraries() {
        return libraries;
    }

    public List<JarModel> jars() {
        return jars;
    }

    public List<String> files() {
        return files;
    }

    /** One line for logs: how much of the machine the profile holds. */
    public String summary() {
        return "machine " + hostname + ": " + dpkg.packages().size() + " packages, " + maps.size() + " mappings, "
                + libraries.size() + " libraries, " + jars.size() + " jars, " + files.size() + " files, "
                + environment.size() + " environment variables";
    }
}
