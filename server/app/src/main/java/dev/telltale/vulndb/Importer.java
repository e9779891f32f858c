package dev.telltale.vulndb;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs one import: counts the source's records, then parses and applies them in batches, each in
 * one transaction. A record is applied when it is new or its {@code modified} is newer than the
 * stored one; a withdrawn record removes its advisory; an invalid record is counted and sampled
 * and the import goes on. When a limit refuses the source nothing is applied.
 */
final class Importer {
    private static final Logger LOG = Logger.getLogger(Importer.class.getName());
    private static final int BATCH = 200;

    private final AdvisoryStore store;
    private final Clock clock;
    private final Map<String, Advisory> upserts = new LinkedHashMap<>();
    private final List<String> deletes = new ArrayList<>();
    private boolean changed;

    Importer(AdvisoryStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * Runs the import to its end, marking {@code job} failed if it fails (the caller marks success,
     * once the index reflects the import). Returns whether the stored advisories changed.
     */
    boolean run(JobProgress job, RecordSource source) {
        try {
            int total = source.scan(e -> job.invalid(e.name(), e.problem().orElse("rejected"), false));
            job.running(total);
            Map<String, Instant> known = store.modifiedById();
            source.forEach(e -> {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedIOException("the appliance is stopping");
                }
                one(job, e, known);
            });
            flush();
        } catch (RecordSource.Refused e) {
            job.failed(e.getMessage(), clock.instant());
        } catch (InterruptedIOException e) {
            job.failed("interrupted: " + e.getMessage(), clock.instant());
        } catch (IOException e) {
            job.failed("cannot read the records: " + e.getMessage(), clock.instant());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "vulnerability database import " + job.id() + " failed", e);
            job.failed("the import failed: " + e.getMessage(), clock.instant());
        }
        return changed;
    }

    private void one(JobProgress job, RecordSource.Entry e, Map<String, Instant> known) {
        if (e.problem().isPresent()) {
            job.invalid(e.name(), e.problem().get(), true);
            return;
        }
        Advisory a;
        try {
            a = OsvParser.parse(e.json());
        } catch (OsvParser.InvalidRecord bad) {
            job.invalid(bad.id.map(id -> e.name() + " (" + id + ")").orElse(e.name()), bad.getMessage(), true);
            return;
        }
        Instant stored = known.get(a.id());
        if (a.withdrawn()) {
            if (stored == null) {
                job.skipped();
                return;
            }
            upserts.remove(a.id());
            deletes.add(a.id());
            known.remove(a.id());
            job.removed();
        } else if (stored != null && !a.modified().isAfter(stored)) {
            job.skipped();
            return;
        } else {
            deletes.remove(a.id());
            upserts.put(a.id(), a);
            known.put(a.id(), a.modified());
            job.imported();
        }
        if (upserts.size() + deletes.size() >= BATCH) {
            flush();
        }
    }

    private void flush() {
        if (upserts.isEmpty() && deletes.isEmpty()) {
            return;
        }
        store.apply(new ArrayList<>(upserts.values()), new ArrayList<>(deletes), clock.instant());
        changed = true;
        upserts.clear();
        deletes.clear();
    }
}
