package dev.telltale.store;

import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.search.Collector;
import org.apache.lucene.search.CollectorManager;
import org.apache.lucene.search.LeafCollector;
import org.apache.lucene.search.Scorable;
import org.apache.lucene.search.ScoreMode;

import java.io.IOException;
import java.util.Collection;

/** Counts matching documents per event-time bucket. */
final class HistogramCounter implements CollectorManager<HistogramCounter.PerThread, long[]> {
    private final long fromUs;
    private final long intervalUs;
    private final int buckets;

    HistogramCounter(long fromUs, long intervalUs, int buckets) {
        this.fromUs = fromUs;
        this.intervalUs = intervalUs;
        this.buckets = buckets;
    }

    @Override
    public PerThread newCollector() {
        return new PerThread();
    }

    @Override
    public long[] reduce(Collection<PerThread> collectors) {
        long[] out = new long[buckets];
        for (PerThread c : collectors) {
            for (int i = 0; i < buckets; i++) {
                out[i] += c.counts[i];
            }
        }
        return out;
    }

    final class PerThread implements Collector {
        final long[] counts = new long[buckets];

        @Override
        public ScoreMode scoreMode() {
            return ScoreMode.COMPLETE_NO_SCORES;
        }

        @Override
        public LeafCollector getLeafCollector(LeafReaderContext ctx) throws IOException {
            NumericDocValues ts = DocValues.getNumeric(ctx.reader(), Fields.TS);
            return new LeafCollector() {
                @Override
                public void setScorer(Scorable scorer) {
                }

                @Override
                public void collect(int doc) throws IOException {
                    if (ts.advanceExact(doc)) {
                        long b = (ts.longValue() - fromUs) / intervalUs;
                        if (b >= 0 && b < buckets) {
                            counts[(int) b]++;
                        }
                    }
                }
            };
        }
    }
}
