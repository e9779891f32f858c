package demo;

import java.io.FileInputStream;

/** Reads the file named by its argument and says what JAVA_TOOL_OPTIONS looks like to it. */
public class Main {
    public static void main(String[] args) throws Exception {
        try (FileInputStream in = new FileInputStream(args[0])) {
            System.out.println("modular read " + in.read());
        }
        String v = System.getenv("JAVA_TOOL_OPTIONS");
        System.out.println("tool options " + (v == null ? "none"
                : v.matches("-javaagent:\\S*telltale-java-agent\\.jar") ? "javaagent" : v));
    }
}
