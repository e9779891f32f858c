package dev.telltale.store;

import org.apache.lucene.index.ConcurrentMergeScheduler;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.TieredMergePolicy;

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
        mp.setMaxMergedSegmentMB(1024);
        c.setMergePolicy(mp);
        // A refresh must not wait for merges of the segments it just flushed.
        c.setMaxFullFlushMergeWaitMillis(0);
        // Merges write at an adaptive rate (faster only when they fall behind) instead of in
        // bursts that take both cores from indexing and fill the disk queue the journal's
        // fsyncs wait behind (decision 31).
        ConcurrentMergeScheduler cms = new ConcurrentMergeScheduler();
        cms.enableAutoIOThrottle();
        c.setMergeScheduler(cms);
        return c;
    }
}
