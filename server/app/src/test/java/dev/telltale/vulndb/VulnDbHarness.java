package dev.telltale.vulndb;

import dev.telltale.db.Database;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** A vulnerability database on real Derby under a temporary directory, with the test version order. */
final class VulnDbHarness implements AutoCloseable {
    final Database db;
    final Path data;
    VulnDb vulnDb;

    VulnDbHarness(Path data, VulnDbConfig config) {
        this.data = data;
        this.db = Database.open(data);
        this.vulnDb = VulnDb.open(db, config, data, Clock.systemUTC(), TestSchemes.loose());
    }

    /** Closes and opens the vulnerability database again on the same Derby (as after a restart). */
    void reopen(VulnDbConfig config) {
        vulnDb.close();
        vulnDb = VulnDb.open(db, config, data, Clock.systemUTC(), TestSchemes.loose());
    }

    ImportJob importZip(byte[] zip) {
        return await(vulnDb.importArchive(new ByteArrayInputStream(zip), "tester").id());
    }

    ImportJob await(long id) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            ImportJob j = vulnDb.job(id).orElseThrow();
            if (j.state() == ImportJob.State.SUCCEEDED || j.state() == ImportJob.State.FAILED) {
                return j;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        return fail("import " + id + " did not finish");
    }

    List<VulnMatch> match(String ecosystem, String name, String version) {
        MatchResult r = vulnDb.match(List.of(new PackageQuery(ecosystem, name, version)));
        assertTrue(r.notEvaluated().isEmpty(), () -> "evaluated: " + r.notEvaluated());
        return r.matches();
    }

    List<String> ids(String ecosystem, String name, String version) {
        return match(ecosystem, name, version).stream().map(VulnMatch::advisoryId).sorted().toList();
    }

    @Override
    public void close() {
        vulnDb.close();
        db.close();
    }
}
