package dev.telltale.loadgen;

import dev.telltale.journal.AgentContext;
import dev.telltale.journal.JournalRecord;
import dev.telltale.protocol.event.Event;
import dev.telltale.protocol.event.EventType;
import dev.telltale.store.LuceneBaseline;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The bare-Lucene baseline of the ingest benchmark: the load generator's own events, wrapped
 * in journal records batch by batch and agent by agent as the appliance would journal them,
 * indexed by {@link LuceneBaseline} with the appliance's document and writer settings on the
 * same number of threads, ending with a commit.
 */
public final class LuceneOnly {
    private LuceneOnly() {
    }

    /**
     * Builds the records for {@code events} events (whole batches, agents in turn), with each
     * pool event's type and time read once, as the appliance's validator would.
     */
    public static List<JournalRecord> records(LoadGenerator gen, long events) {
        List<EventPool> pools = gen.pools();
        List<EventType[][]> types = new ArrayList<>();
        List<long[][]> dts = new ArrayList<>();
        List<byte[][][]> encoded = new ArrayList<>();
        for (EventPool p : pools) {
            EventType[][] t = new EventType[p.batchCount()][];
            long[][] d = new long[p.batchCount()][];
            byte[][][] e = new byte[p.batchCount()][][];
            for (int b = 0; b < p.batchCount(); b++) {
                int n = p.batchSize();
                t[b] = new EventType[n];
                d[b] = new long[n];
                e[b] = new byte[n][];
                for (int i = 0; i < n; i++) {
                    Event ev = p.decoded(b * n + i);
                    t[b][i] = ev.type();
                    d[b][i] = ev.dtUs();
                    e[b][i] = p.encoded()[b * n + i];
                }
            }
            types.add(t);
            dts.add(d);
            encoded.add(e);
        }
        List<JournalRecord> out = new ArrayList<>();
        long uid = 1;
        long[] seq = new long[pools.size()];
        long now = System.currentTimeMillis();
        int batch = 0;
        for (long done = 0; done < events; batch++) {
            int a = batch % pools.size();
            EventPool p = pools.get(a);
            int b = (batch / pools.size()) % p.batchCount();
            ProcessModel proc = p.process();
            AgentContext ctx = new AgentContext(a + 1, "loadgen-" + proc.component(), 1, "default", proc.application(),
                    proc.component(), "1.4.2", proc.hostname());
            int n = p.batchSize();
            out.add(new JournalRecord(0, 0, ctx, seq[a] + 1, seq[a] + n, uid, (now + batch) * 1000, now,
                    types.get(a)[b], dts.get(a)[b], encoded.get(a)[b]));
            seq[a] += n;
            uid += n;
            done += n;
        }
        return out;
    }

    /** Indexes the records on {@code threads} threads and commits; returns the elapsed nanoseconds. */
    public static long index(Path dir, List<JournalRecord> records, int threads) throws IOException, InterruptedException {
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (LuceneBaseline lucene = new LuceneBaseline(dir, 128)) {
            long t0 = System.nanoTime();
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(Thread.ofPlatform().name("lucene-only-" + t).start(() -> {
                    try {
                        for (int i; (i = next.getAndIncrement()) < records.size(); ) {
                            lucene.index(records.get(i));
                        }
                    } catch (IOException | RuntimeException e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            for (Thread w : workers) {
                w.join();
            }
            if (failure.get() != null) {
                throw new IOException("baseline indexing failed", failure.get());
            }
            lucene.commit();
            return System.nanoTime() - t0;
        }
    }
}
