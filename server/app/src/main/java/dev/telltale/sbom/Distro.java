package dev.telltale.sbom;

import java.util.Locale;
import java.util.Optional;

/**
 * An operating system as os-release names it ({@code ID}, {@code VERSION_ID}; the interceptor's
 * host_env os_name and os_version), with the names vulnerability databases and package URLs use.
 */
record Distro(String id, String versionId) {
    Distro {
        id = id == null ? "" : id.toLowerCase(Locale.ROOT).strip();
        versionId = versionId == null ? "" : versionId.strip();
    }

    /**
     * The OSV ecosystem: {@code Debian:12}, {@code Ubuntu:22.04}, {@code Alpine:v3.19},
     * {@code Rocky Linux:9}, {@code AlmaLinux:9}, {@code Red Hat}; empty for systems OSV does not cover.
     */
    Optional<String> ecosystem() {
        String major = versionId.split("\\.")[0];
        return Optional.ofNullable(switch (id) {
            case "debian" -> versionId.isEmpty() ? "Debian" : "Debian:" + major;
            case "ubuntu" -> versionId.isEmpty() ? "Ubuntu" : "Ubuntu:" + versionId;
            case "alpine" -> versionId.isEmpty() ? "Alpine" : "Alpine:v" + majorMinor();
            case "rocky" -> versionId.isEmpty() ? "Rocky Linux" : "Rocky Linux:" + major;
            case "almalinux" -> versionId.isEmpty() ? "AlmaLinux" : "AlmaLinux:" + major;
            case "rhel", "centos" -> "Red Hat";
            default -> null;
        });
    }

    /** The purl namespace of the distribution's packages ({@code debian}, {@code alpine}, {@code redhat}, …). */
    String purlNamespace() {
        return switch (id) {
            case "rhel" -> "redhat";
            case "" -> "linux";
            default -> id;
        };
    }

    /** The purl {@code distro} qualifier: {@code debian-12}, {@code alpine-3.19}, {@code ubuntu-22.04}. */
    Optional<String> purlDistro() {
        if (id.isEmpty() || versionId.isEmpty()) {
            return Optional.empty();
        }
        String v = id.equals("alpine") ? majorMinor() : id.equals("debian") ? versionId.split("\\.")[0] : versionId;
        return Optional.of(id + "-" + v);
    }

    /** The purl type of a package manager's packages. */
    static String purlType(String manager) {
        return switch (manager) {
            case "apk" -> "apk";
            case "rpm" -> "rpm";
            default -> "deb";
        };
    }

    private String majorMinor() {
        String[] p = versionId.split("\\.");
        return p.length >= 2 ? p[0] + "." + p[1] : p[0];
    }
}
