package dev.telltale.store;

import org.apache.lucene.index.ConcurrentMergeScheduler;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.MergePolicy;
import org.apache.lucene.index.TieredMergePolicy;

import java.io.IOException;

/** Index writer settings shared by the store and its benchmark baseline. */
final class WriterSettings {
    private WriterSettings() {
    }

    static IndexWriterConfig create(int ramBufferMb) {
        IndexWriterConfig c = new IndexWriterConfig(QueryParsing.analyzer());
        c.setRAMBufferSizeMB(ramBufferMb);
        // Each flushed segment goes into one compound file: a commit fsyncs every file written
        // since the last one, and ~60 refresh-sized segments of ~17 files each made that ~1,000
        // fsyncs the journal's acknowledgements queued behind (decision 38).
        c.setUseCompoundFile(true);
        c.setCodec(new StoreCodec());
        TieredMergePolicy mp = new TieredMergePolicy();
        // Merges of those segments go into compound files too (up to 64 MB): a commit still
        // fsynced ~800 files, nearly all of merged segments. Larger merges stay plain.
        mp.setNoCFSRatio(1.0);
        mp.setMaxCFSSegmentSizeMB(64);
        // Near-real-time refreshes write many small segments; merging them in wider tiers
        // rewrites each event fewer times, at the price of a few more segments per search.
        mp.setSegmentsPerTier(30);
        // ...and merge a whole tier at once (Lucene's default is 10): ten at a time, a refresh's
        // segment goes through about three merges on its way to the largest size instead of two
        // (an estimate from segment sizes, decision 42).
        mp.setMaxMergeAtOnce(30);
        mp.setMaxMergedSegmentMB(1024);
        c.setMergePolicy(mp);
        // A refresh must not wait for merges of the segments it just flushed.
        c.setMaxFullFlushMergeWaitMillis(0);
        // Merges write at an adaptive rate (faster only when they fall behind) instead of in
        // bursts that take both cores from indexing and fill the disk queue the journal's
        // fsyncs wait behind (decision 31).
        ConcurrentMergeScheduler cms = new LowPriorityMerges();
        cms.enableAutoIOThrottle();
        c.setMergeScheduler(cms);
        return c;
    }

    /**
     * Merges run at the lowest thread priority (decision 42): when the cores are contended, the
     * threads on an event's way to search (ingest, journal, indexers, refresh) go first and the
     * merges catch up in the idle moments. The JVM maps it to a nice value only where it is
     * started with {@code -XX:ThreadPriorityPolicy=1} (the appliance's launchers do); elsewhere it
     * changes nothing.
     */
    static class LowPriorityMerges extends ConcurrentMergeScheduler {
        @Override
        protected synchronized MergeThread getMergeThread(MergeSource mergeSource, MergePolicy.OneMerge merge)
                throws IOException {
            MergeThread t = super.getMergeThread(mergeSource, merge);
            t.setPriority(Thread.MIN_PRIORITY);
            return t;
        }
    }
}
