package dev.telltale.store;

import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.search.Collector;
import org.apache.lucene.search.CollectorManager;
import org.apache.lucene.search.LeafCollector;
import org.apache.lucene.search.Scorable;
import org.apache.lucene.search.ScoreMode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Counts matching documents per value of sorted-doc-values dimensions, segment by segment. */
final class FacetCounter implements CollectorManager<FacetCounter.PerThread, Map<String, Map<String, Long>>> {
    private final List<String> dims;

    FacetCounter(List<String> dims) {
        this.dims = dims;
    }

    @Override
    public PerThread newCollector() {
        return new PerThread(dims);
    }

    @Override
    public Map<String, Map<String, Long>> reduce(Collection<PerThread> collectors) {
        Map<String, Map<String, Long>> out = new HashMap<>();
        for (String d : dims) {
            out.put(d, new HashMap<>());
        }
        for (PerThread c : collectors) {
            c.counts.forEach((dim, m) -> m.forEach((v, n) -> out.get(dim).merge(v, n, Long::sum)));
        }
        return out;
    }

    static final class PerThread implements Collector {
        private final List<String> dims;
        private final Map<String, Map<String, Long>> counts = new HashMap<>();
        long total;

        PerThread(List<String> dims) {
            this.dims = dims;
            for (String d : dims) {
                counts.put(d, new HashMap<>());
            }
        }

        @Override
        public ScoreMode scoreMode() {
            return ScoreMode.COMPLETE_NO_SCORES;
        }

        @Override
        public LeafCollector getLeafCollector(LeafReaderContext ctx) throws IOException {
            int n = dims.size();
            SortedDocValues[] dv = new SortedDocValues[n];
            int[][] ords = new int[n][];
            for (int i = 0; i < n; i++) {
                dv[i] = DocValues.getSorted(ctx.reader(), dims.get(i));
                ords[i] = new int[Math.max(0, dv[i].getValueCount())];
            }
            return new LeafCollector() {
                @Override
                public void setScorer(Scorable scorer) {
                }

                @Override
                public void collect(int doc) throws IOException {
                    total++;
                    for (int i = 0; i < n; i++) {
                        if (dv[i].advanceExact(doc)) {
                            ords[i][dv[i].ordValue()]++;
                        }
                    }
                }

                @Override
                public void finish() throws IOException {
                    for (int i = 0; i < n; i++) {
                        SortedDocValues values = DocValues.getSorted(ctx.reader(), dims.get(i));
                        Map<String, Long> m = counts.get(dims.get(i));
                        for (int ord = 0; ord < ords[i].length; ord++) {
                            if (ords[i][ord] > 0) {
                                m.merge(values.lookupOrd(ord).utf8ToString(), (long) ords[i][ord], Long::sum);
                            }
                        }
                    }
                }
            };
        }
    }

    static List<FacetResult.Count> top(Map<String, Long> counts, int top) {
        List<FacetResult.Count> list = new ArrayList<>();
        counts.forEach((v, n) -> list.add(new FacetResult.Count(v, n)));
        list.sort((a, b) -> a.count() != b.count() ? Long.compare(b.count(), a.count()) : a.value().compareTo(b.value()));
        return list.size() > top ? List.copyOf(list.subList(0, top)) : List.copyOf(list);
    }
}
