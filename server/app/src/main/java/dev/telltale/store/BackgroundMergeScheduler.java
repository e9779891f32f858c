package dev.telltale.store;

import org.apache.lucene.index.ConcurrentMergeScheduler;
import org.apache.lucene.index.MergePolicy;

/**
 * Lucene's concurrent merge scheduler whose merge threads run at a lower CPU priority (decision
 * 36). Merges are background work: on a 2-core appliance they competed with the threads that
 * acknowledge, index and search new events, and made the tail of send-to-searchable latency.
 * At a lower priority they take the CPU the foreground leaves; when they fall behind, Lucene
 * stalls indexing until they catch up, so the index stays bounded either way. Threads a merge
 * starts for itself (intra-merge concurrency) inherit the priority from the merge thread.
 */
final class BackgroundMergeScheduler extends ConcurrentMergeScheduler {
    private final int nice;

    /** @param nice the merge threads' nice value, 0 (normal priority) to 19 */
    BackgroundMergeScheduler(int nice) {
        if (nice < 0 || nice > 19) {
            throw new IllegalArgumentException("nice must be between 0 and 19, was " + nice);
        }
        this.nice = nice;
    }

    @Override
    protected synchronized MergeThread getMergeThread(MergeSource mergeSource, MergePolicy.OneMerge merge) {
        MergeThread thread = new MergeThread(mergeSource, merge) {
            @Override
            public void run() {
                ThreadNice.lowerCurrentThread(nice);
                super.run();
            }
        };
        thread.setDaemon(true);
        thread.setName("Lucene Merge Thread #" + mergeThreadCounter++);
        return thread;
    }
}
