import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * A class-path application that prints what it and a child process see of JAVA_TOOL_OPTIONS
 * (the launcher's text, whatever option the interceptor gave the JVM itself), and the nice
 * value of the agent's worker thread, if there is one.
 */
public class EnvApp {
    public static void main(String[] args) throws Exception {
        System.out.println("app " + describe(System.getenv("JAVA_TOOL_OPTIONS")));
        Process p = new ProcessBuilder("sh", "-c", "printf '%s' \"$JAVA_TOOL_OPTIONS\"").start();
        String child = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        System.out.println("child " + describe(child.isEmpty() ? null : child));
        System.out.println("agent thread nice " + agentNice());
    }

    /** Field 19 of the stat of the thread named telltale-agent (waiting for it a little), else "none". */
    static String agentNice() throws Exception {
        for (int i = 0; i < 100; i++) {
            try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
                for (Path t : (Iterable<Path>) tasks::iterator) {
                    try {
                        if (Files.readString(t.resolve("comm")).trim().equals("telltale-agent")) {
                            String stat = Files.readString(t.resolve("stat"));
                            return stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16];
                        }
                    } catch (java.io.IOException gone) {
                        // the thread ended meanwhile
                    }
                }
            }
            Thread.sleep(50);
        }
        return "none";
    }

    static String describe(String v) {
        if (v == null) {
            return "none";
        }
        return v.matches("-javaagent:\\S*telltale-java-agent\\.jar") ? "javaagent" : v;
    }
}
