/**
 * A class-path application that prints what it and a child process see of JAVA_TOOL_OPTIONS:
 * the launcher's text, whatever option the interceptor gave the JVM itself.
 */
public class EnvApp {
    public static void main(String[] args) throws Exception {
        System.out.println("app " + describe(System.getenv("JAVA_TOOL_OPTIONS")));
        Process p = new ProcessBuilder("sh", "-c", "printf '%s' \"$JAVA_TOOL_OPTIONS\"").start();
        String child = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        System.out.println("child " + describe(child.isEmpty() ? null : child));
    }

    static String describe(String v) {
        if (v == null) {
            return "none";
        }
        return v.matches("-javaagent:\\S*telltale-java-agent\\.jar") ? "javaagent" : v;
    }
}
