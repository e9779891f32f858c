package dev.telltale.sbom.export;

import dev.telltale.sbom.Inventory;
import dev.telltale.store.Scope;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An in-memory {@link Inventory} with what the agents report of a Spring application on Debian 12:
 * OS packages with their dpkg licences and files, a jar the Java agent saw loaded, and the
 * process's runtime facts.
 */
final class SampleInventory implements Inventory {
    static final Instant T0 = Instant.parse("2026-11-20T08:00:00Z");
    static final Instant T1 = Instant.parse("2026-11-26T09:30:00Z");

    private final Map<VersionRef, VersionInventory> versions = new HashMap<>();

    SampleInventory put(VersionInventory inv) {
        versions.put(inv.ref(), inv);
        return this;
    }

    @Override
    public Optional<VersionInventory> of(VersionRef ref, Scope scope) {
        if (!scope.all() && !scope.teams().contains(ref.teamId())) {
            return Optional.empty();
        }
        return Optional.ofNullable(versions.get(ref));
    }

    @Override
    public List<VersionRef> versions(Scope scope) {
        return versions.keySet().stream().filter(r -> scope.all() || scope.teams().contains(r.teamId())).toList();
    }

    static VersionInventory shop(VersionRef ref) {
        return new VersionInventory(ref, List.of(libc6(), libssl3(), zlib(), springCore()), facts(), T1);
    }

    static Package libc6() {
        return new Package("pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12", "os", "libc6",
                "2.36-9+deb12u4", Optional.of("Debian:12"), Optional.of("LGPL-2.1-or-later"), Optional.of("glibc"),
                Map.of("SHA-256", "6b1c4ae29e7fe9a6e1bd6fe1a1aae1d3f5e57ae4b3e6f0e1fa1f2c3d4e5f6a7b"), true,
                Optional.of(T0), Optional.of(T1), List.of("/usr/lib/x86_64-linux-gnu/libc.so.6",
                "/usr/lib/x86_64-linux-gnu/libm.so.6"), List.of("/usr/lib/jvm/java-17-openjdk-amd64/bin/java"),
                "host_env");
    }

    static Package libssl3() {
        return new Package("pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12", "os", "libssl3",
                "3.0.11-1~deb12u2", Optional.of("Debian:12"), Optional.of("Apache-2.0"), Optional.of("openssl"),
                Map.of("SHA-256", "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"), true,
                Optional.of(T0.plusSeconds(5)), Optional.of(T1), List.of("/usr/lib/x86_64-linux-gnu/libssl.so.3"),
                List.of("/usr/lib/jvm/java-17-openjdk-amd64/bin/java"), "host_env");
    }

    static Package zlib() {
        return new Package("pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1?arch=amd64&distro=debian-12", "os", "zlib1g",
                "1:1.2.13.dfsg-1", Optional.of("Debian:12"), Optional.of("Zlib"), Optional.of("zlib"),
                Map.of("SHA-256", "a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2"), false,
                Optional.empty(), Optional.empty(), List.of(), List.of(), "host_env");
    }

    static Package springCore() {
        return new Package("pkg:maven/org.springframework/spring-core@5.3.17", "maven",
                "org.springframework:spring-core", "5.3.17", Optional.of("Maven"), Optional.empty(), Optional.empty(),
                Map.of("SHA-256", "1c1e4b62e3f1b3a4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c"), true,
                Optional.of(T0.plusSeconds(9)), Optional.of(T1),
                List.of("/opt/shop/app.jar!/BOOT-INF/lib/spring-core-5.3.17.jar"),
                List.of("/usr/lib/jvm/java-17-openjdk-amd64/bin/java"), "dependency");
    }

    static List<RuntimeFact> facts() {
        return List.of(new RuntimeFact("process", "/usr/lib/jvm/java-17-openjdk-amd64/bin/java", 3, T0, T1),
                new RuntimeFact("listen", "0.0.0.0:8080", 3, T0, T1),
                new RuntimeFact("connect", "db.internal:5432", 1288, T0.plusSeconds(12), T1));
    }
}
