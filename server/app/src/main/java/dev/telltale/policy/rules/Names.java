package dev.telltale.policy.rules;

import java.util.List;

/** Default name and directory lists shared by several rules. */
final class Names {
    private Names() {
    }

    /** Directories any user (or any process) can write to. */
    static final List<String> WRITABLE_DIRS = List.of("/tmp", "/var/tmp", "/dev/shm", "/run/shm", "/run/user",
            "/run/lock", "/var/lock", "/dev/mqueue", "/var/crash");

    /** Command interpreters, matched on the program's basename (busybox: the applet). */
    static final List<String> SHELLS = List.of("sh", "bash", "dash", "zsh", "ksh", "mksh", "pdksh", "ash", "busybox",
            "csh", "tcsh", "fish", "rbash", "yash");

    static final List<String> NETWORK_TOOLS = List.of("curl", "wget", "nc", "ncat", "netcat", "nmap", "ssh", "scp",
            "sftp", "telnet", "socat", "ftp", "tftp", "rsync", "masscan", "tcpdump", "dig", "nslookup", "aria2c");

    static final List<String> PACKAGE_MANAGERS = List.of("apt", "apt-get", "aptitude", "dpkg", "yum", "dnf",
            "microdnf", "rpm", "zypper", "apk", "pacman", "pip", "pip3", "pipx", "easy_install", "npm", "yarn", "pnpm",
            "gem", "cargo", "go", "composer", "conda", "mamba");
}
