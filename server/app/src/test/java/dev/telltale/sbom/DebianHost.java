package dev.telltale.sbom;

import dev.telltale.protocol.event.Event;
import dev.telltale.protocol.event.EventType;
import dev.telltale.protocol.event.Msg;
import dev.telltale.protocol.event.Schemas;

import java.util.HexFormat;
import java.util.List;

/**
 * Events of a Debian 12 host as the agents send them: its packages as dpkg's status file and
 * file lists have them (the loadable files only), a curl run that loads libssl, and a Java
 * process that loads a Spring jar.
 */
public final class DebianHost {
    public static final String LIBSSL = "/usr/lib/x86_64-linux-gnu/libssl.so.3";
    public static final String LIBSSL_SHA = "5d0c3ba6d5a3a1f8c8b6e1d54a7c6b40a0e5d86d9bd4e4a5f1d3c8e2b7a9f601";
    public static final String UNOWNED = "/opt/shop/lib/libshopcrypt.so.1";
    public static final String UNOWNED_SHA = "9f2c1e7a3b4d5c6e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e";
    public static final String JAR = "/opt/shop/lib/spring-core-6.1.2.jar";
    public static final String JAR_SHA = "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9";
    public static final String SPRING_PURL = "pkg:maven/org.springframework/spring-core@6.1.2";

    private DebianHost() {
    }

    private static Msg pkg(String name, String version, String source, String license, String... files) {
        Msg m = new Msg(Schemas.PACKAGE).set("pkg.name", name).set("pkg.version", version).set("pkg.arch", "amd64")
                .set("pkg.license", license).set("pkg.manager", "dpkg");
        if (!source.isEmpty()) {
            m.set("pkg.source", source);
        }
        for (String f : files) {
            m.set("pkg.files", f);
        }
        return m;
    }

    /** The host_env of a Debian 12 (bookworm) host with libc6, libssl3, openssl, zlib1g, libcurl4 and curl. */
    public static Event hostEnv(long pid) {
        Event e = Event.of(EventType.HOST_ENV, 0, pid, pid);
        Msg b = e.body().set("env_id", "machine:4c4c4544004e3510804cb4c04f4e3332").set("os_name", "debian")
                .set("os_version", "12").set("hostname", "web-1");
        b.set("packages", pkg("libc6", "2.36-9+deb12u4", "glibc", "LGPL-2.1+",
                "/lib/x86_64-linux-gnu/libc.so.6", "/lib/x86_64-linux-gnu/libm.so.6",
                "/lib/x86_64-linux-gnu/libpthread.so.0", "/lib/x86_64-linux-gnu/libdl.so.2",
                "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", "/lib64/ld-linux-x86-64.so.2"));
        b.set("packages", pkg("libssl3", "3.0.11-1~deb12u2", "openssl", "Apache-2.0",
                "/usr/lib/x86_64-linux-gnu/engines-3/afalg.so", "/usr/lib/x86_64-linux-gnu/engines-3/loader_attic.so",
                "/usr/lib/x86_64-linux-gnu/engines-3/padlock.so", "/usr/lib/x86_64-linux-gnu/libcrypto.so.3",
                "/usr/lib/x86_64-linux-gnu/libssl.so.3", "/usr/lib/x86_64-linux-gnu/ossl-modules/legacy.so"));
        b.set("packages", pkg("openssl", "3.0.11-1~deb12u2", "", "Apache-2.0"));
        b.set("packages", pkg("zlib1g", "1:1.2.13.dfsg-1", "zlib", "Zlib",
                "/lib/x86_64-linux-gnu/libz.so.1", "/lib/x86_64-linux-gnu/libz.so.1.2.13"));
        b.set("packages", pkg("libcurl4", "7.88.1-10+deb12u5", "curl", "curl",
                "/usr/lib/x86_64-linux-gnu/libcurl.so.4", "/usr/lib/x86_64-linux-gnu/libcurl.so.4.8.0"));
        b.set("packages", pkg("curl", "7.88.1-10+deb12u5", "", "curl"));
        return e;
    }

    public static Event processStart(long pid, String exe) {
        Event e = Event.of(EventType.PROCESS_START, 0, pid, pid);
        e.body().set("hostname", "web-1").set("exe", exe).set("ppid", 1L).set("uid", 1000L).set("euid", 1000L)
                .set("os_name", "debian").set("os_version", "12");
        return e;
    }

    /** A library load as the native interceptor reports it (path, hash, size, how). */
    public static Event load(long pid, String path, String sha256Hex, String how) {
        Event e = Event.of(EventType.DEPENDENCY, 0, pid, pid);
        e.body().set("path", path).set("sha256", HexFormat.of().parseHex(sha256Hex)).set("load", how)
                .set("size", 699_000L);
        return e;
    }

    /** A jar on the class path as the Java agent reports it. */
    public static Event jar(long pid) {
        Event e = load(pid, JAR, JAR_SHA, "classpath");
        e.body().set("language", "java").set("name", "spring-core").set("dep_version", "6.1.2")
                .set("purl", SPRING_PURL);
        return e;
    }

    public static Event connect(long pid, String host, String addr, long port) {
        Event e = Event.of(EventType.NETWORK, 0, pid, pid);
        e.body().set("op", "connect").set("family", "inet").set("raddr", addr).set("rport", port)
                .set("transport", "tcp").set("result", 0L);
        if (!host.isEmpty()) {
            e.body().set("fqdn", host);
        }
        return e;
    }

    public static Event listen(long pid, String addr, long port) {
        Event e = Event.of(EventType.NETWORK, 0, pid, pid);
        e.body().set("op", "listen").set("family", "inet").set("laddr", addr).set("lport", port)
                .set("transport", "tcp").set("result", 0L);
        return e;
    }

    /** The events of one session: the host's packages, curl loading libc, libssl and libz, a JVM with a jar. */
    public static List<Event> session() {
        return List.of(hostEnv(100),
                processStart(200, "/usr/bin/curl"),
                load(200, "/usr/lib/x86_64-linux-gnu/libc.so.6",
                        "1e5b2bbd0c7a0b6e7c1a4b2f9a8d7c6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c", "initial"),
                load(200, LIBSSL, LIBSSL_SHA, "initial"),
                load(200, "/lib/x86_64-linux-gnu/libz.so.1",
                        "2f6c3cce1d8b1c7f8d2b5c3a0b9e8d7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d", "initial"),
                connect(200, "deb.debian.org", "151.101.2.132", 443),
                processStart(300, "/usr/lib/jvm/java-17-openjdk-amd64/bin/java"),
                load(300, UNOWNED, UNOWNED_SHA, "dlopen"),
                jar(300),
                listen(300, "0.0.0.0", 8080));
    }
}
