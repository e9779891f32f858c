package dev.telltale.policy.rules;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HelpersTest {
    @Test
    void pathsAreNormalisedBeforeMatching() {
        assertEquals("/etc/shadow", PathMatch.normalize("/usr/../etc/./shadow"));
        assertEquals("/etc", PathMatch.normalize("//etc//"));
        assertEquals("/", PathMatch.normalize("/../.."));
        assertEquals("lib/x.so", PathMatch.normalize("lib/x.so"));
    }

    @Test
    void directoriesAndGlobs() {
        assertTrue(PathMatch.matches("/etc", "/etc"));
        assertTrue(PathMatch.matches("/etc/a/b", "/etc/"));
        assertFalse(PathMatch.matches("/etcetera", "/etc"));
        assertTrue(PathMatch.matches("/root/.aws/credentials", "**/.aws/credentials"));
        assertTrue(PathMatch.matches("/.aws/credentials", "**/.aws/credentials"));
        assertTrue(PathMatch.matches("/home/bob/.ssh/id_rsa", "/home/*/.ssh/id_*"));
        assertFalse(PathMatch.matches("/home/bob/x/.ssh/id_rsa", "/home/*/.ssh/id_*"));
        assertTrue(PathMatch.matches("/u/.config/gcloud/a/b.json", "**/.config/gcloud/**"));
        assertFalse(PathMatch.matches("/x", ""));
        assertTrue(PathMatch.matches("/etc/a+b(c).conf", "/etc/a+b(c).*"));
    }

    @Test
    void commandLinesHideSecrets() {
        String c = Text.command(List.of("curl", "-H", "Authorization: Bearer abcdefghijklmnopqrstuvwxyz", "-u",
                "admin:hunter2hunter2", "--password=supersecretvalue", "https://x"));
        assertFalse(c.contains("abcdefghijklmnopqrstuvwxyz") || c.contains("hunter2hunter2") || c.contains("supersecretvalue"), c);
        assertTrue(c.startsWith("curl -H Authorization: ") && c.endsWith("https://x"), c);
    }

    @Test
    void programNames() {
        assertEquals("sh", Text.program("/bin/busybox", List.of("sh", "-c", "x")));
        assertEquals("wget", Text.program("/bin/busybox", List.of("busybox", "wget")));
        assertTrue(Text.named("pip3.11", List.of("pip")));
        assertTrue(Text.named("python3.11", List.of("python")));
        assertFalse(Text.named("shx", List.of("sh")));
        assertEquals("/api", Text.withoutQuery("/api?token=x#f"));
        assertEquals("x…", Text.clip("xyz", 2));
    }

    @Test
    void addresses() {
        assertTrue(Net.any("::") && Net.any("0.0.0.0") && !Net.any("127.0.0.1"));
        assertTrue(Net.loopback("127.1.2.3") && Net.loopback("::ffff:127.0.0.1") && !Net.loopback("10.0.0.1"));
        assertEquals("[::1]:22", Net.hostPort("::1", 22));
        assertTrue(Net.inDomain("a.b.ngrok.io", "*.ngrok.io") && Net.inDomain("ngrok.io", ".ngrok.io"));
        assertFalse(Net.inDomain("evilngrok.io", "ngrok.io"));
    }
}
