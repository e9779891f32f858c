package dev.telltale.sbom;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Package URLs and OSV ecosystems as vulnerability databases and SBOM tools expect them. */
class PurlsTest {

    @Test
    void osReleaseNamesBecomeOsvEcosystems() {
        assertEquals(Optional.of("Debian:12"), new Distro("debian", "12").ecosystem());
        assertEquals(Optional.of("Alpine:v3.19"), new Distro("alpine", "3.19.1").ecosystem());
        assertEquals(Optional.of("Ubuntu:22.04"), new Distro("ubuntu", "22.04").ecosystem());
        assertEquals(Optional.of("Rocky Linux:9"), new Distro("rocky", "9.3").ecosystem());
        assertEquals(Optional.of("AlmaLinux:9"), new Distro("almalinux", "9.4").ecosystem());
        assertEquals(Optional.of("Red Hat"), new Distro("rhel", "9.4").ecosystem());
        assertEquals(Optional.empty(), new Distro("linux", "").ecosystem(), "an unknown system has none");
    }

    @Test
    void osPackagesGetTheirDistributionsPurl() {
        assertEquals("pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12",
                Purls.os(new Distro("debian", "12"), "dpkg", "openssl", "3.0.11-1~deb12u2", "amd64"));
        assertEquals("pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12",
                Purls.os(new Distro("debian", "12"), "dpkg", "zlib1g", "1:1.2.13.dfsg-1", "amd64"), "epoch kept");
        assertEquals("pkg:deb/ubuntu/libc6@2.35-0ubuntu3.6?arch=amd64&distro=ubuntu-22.04",
                Purls.os(new Distro("ubuntu", "22.04"), "dpkg", "libc6", "2.35-0ubuntu3.6", "amd64"));
        assertEquals("pkg:apk/alpine/musl@1.2.4_git20230717-r4?arch=x86_64&distro=alpine-3.19",
                Purls.os(new Distro("alpine", "3.19.1"), "apk", "musl", "1.2.4_git20230717-r4", "x86_64"));
        assertEquals("pkg:rpm/rocky/openssl-libs@3.0.7-24.el9?arch=x86_64&distro=rocky-9.3",
                Purls.os(new Distro("rocky", "9.3"), "rpm", "openssl-libs", "3.0.7-24.el9", "x86_64"));
        assertEquals("pkg:deb/debian/libstdc%2B%2B6@12.2.0-14?arch=amd64&distro=debian-12",
                Purls.os(new Distro("debian", "12"), "dpkg", "libstdc++6", "12.2.0-14", "amd64"), "'+' encoded");
    }

    @Test
    void thePurlTypeIsReadBackInLowerCase() {
        assertEquals(Optional.of("maven"), Purls.type("pkg:maven/org.springframework/spring-core@6.1.2"));
        assertEquals(Optional.of("pypi"), Purls.type("pkg:PyPI/requests@2.31.0"));
        assertEquals(Optional.empty(), Purls.type("spring-core-6.1.2.jar"));
    }
}
