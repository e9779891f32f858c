package dev.telltale.loadgen;

import java.util.List;

/**
 * One observed process as the generator imagines it: identity, command line, where it runs,
 * and whether it is a JVM (Java frames on its stacks, jars as dependencies) or native.
 */
public record ProcessModel(long pid, long ppid, long uid, long gid, String exe, List<String> argv, String cwd,
                           String hostname, String pod, String namespace, String containerId, boolean java,
                           int httpPort, String application, String component) {

    /** A thread id of this process: the main thread shares the pid, workers follow it. */
    public long tid(int worker) {
        return worker == 0 ? pid : pid + 8 + worker;
    }
}
