package dev.telltale.upgrade.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {

    @TempDir
    Path tmp;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        out.reset();
        err.reset();
        return new Cli(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
    }

    @Test
    void keygenBuildVerifyInspect() throws IOException {
        Fixture fx = new Fixture(tmp.resolve("fx"));
        String keys = tmp.resolve("keys").toString();
        assertEquals(0, run("keygen", keys));
        assertTrue(out.toString().contains("release.pub"));
        String ttu = tmp.resolve("b.ttu").toString();
        assertEquals(0, run("build", "--release", fx.release.toString(), "--os", fx.os.toString(), "--version", "0.2.0",
                "--min-from", "0.1.0", "--key", keys + "/release.key", "--out", ttu), err.toString());
        assertTrue(out.toString().contains("files     8 (5 release, 3 os)"), out.toString());
        assertEquals(0, run("verify", ttu, "--keys", keys, "--current", "0.1.0"), err.toString());
        assertTrue(out.toString().startsWith("VERIFIED: upgrades 0.1.0 to 0.2.0"), out.toString());
        assertEquals(1, run("verify", ttu, "--keys", keys, "--current", "0.2.0"));
        assertEquals("REFUSED (SAME_VERSION): 0.2.0 is already installed\n", err.toString());
        assertEquals(1, run("verify", ttu, "--keys", fx.dir.resolve("keys").toString(), "--current", "0.1.0"));
        assertTrue(err.toString().startsWith("REFUSED (UNKNOWN_KEY): signed by key "), err.toString());
        assertEquals(0, run("verify", ttu, "--keys", keys));
        assertTrue(out.toString().startsWith("(no --current: checking as an appliance at 0.1.0"), out.toString());
        assertEquals(0, run("inspect", ttu));
        assertTrue(out.toString().startsWith("NOT VERIFIED"));
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertEquals(2, run());
        assertEquals(2, run("frobnicate"));
        assertTrue(err.toString().contains("unknown command frobnicate"));
        assertEquals(2, run("verify", "x.ttu", "--current", "0.1.0"));
        assertTrue(err.toString().contains("missing --keys"), err.toString());
        assertEquals(2, run("verify", "x.ttu", "--keys", "k", "--current", "zero"));
        assertTrue(err.toString().contains("--current: not a version"), err.toString());
        assertEquals(1, run("inspect", tmp.resolve("nothing.ttu").toString()));
        assertTrue(err.toString().startsWith("REFUSED (MALFORMED): not an upgrade bundle"), err.toString());
    }
}
