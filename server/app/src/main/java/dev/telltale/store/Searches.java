package dev.telltale.store;

import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.MultiReader;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TopFieldDocs;
import org.apache.lucene.search.TotalHits;
import org.apache.lucene.util.BytesRef;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;

/** Search, facets and histograms over the partitions that overlap a query's time range. */
final class Searches {
    private static final Sort NEWEST_FIRST = new Sort(new SortField(Fields.TS, SortField.Type.LONG, true),
            new SortField(Fields.UID, SortField.Type.LONG, true));
    private static final Set<String> SOURCE_ONLY = Set.of(Fields.SOURCE);

    private final ConcurrentSkipListMap<Long, Partition> partitions;
    private final Freshness freshness;

    /** Called before every search so that it sees what was indexed up to the refresh interval ago. */
    interface Freshness {
        void beforeSearch() throws IOException;
    }

    Searches(ConcurrentSkipListMap<Long, Partition> partitions, Freshness freshness) {
        this.partitions = partitions;
        this.freshness = freshness;
    }

    /** Searchers acquired from the partitions that may hold matches; release them with close. */
    private final class View implements AutoCloseable {
        final List<Partition> parts = new ArrayList<>();
        final List<IndexSearcher> acquired = new ArrayList<>();
        final IndexSearcher searcher;
        final MultiReader reader;

        View(long fromUs, long toUs) throws IOException {
            freshness.beforeSearch();
            for (Partition p : partitions.values()) {
                if (p.overlaps(fromUs, toUs)) {
                    parts.add(p);
                    acquired.add(p.acquire());
                }
            }
            IndexReader[] readers = acquired.stream().map(IndexSearcher::getIndexReader).toArray(IndexReader[]::new);
            reader = new MultiReader(readers, false);
            searcher = new IndexSearcher(reader);
            searcher.setQueryCache(null);
        }

        @Override
        public void close() throws IOException {
            reader.close();
            for (int i = 0; i < acquired.size(); i++) {
                parts.get(i).release(acquired.get(i));
            }
        }
    }

    static Query build(EventQuery q) {
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        b.add(QueryParsing.parse(q.q()), BooleanClause.Occur.MUST);
        b.add(LongPoint.newRangeQuery(Fields.TS, q.fromUs(), q.toUs()), BooleanClause.Occur.FILTER);
        if (!q.scope().all()) {
            List<BytesRef> teams = q.scope().teams().stream().map(t -> new BytesRef(Long.toString(t))).toList();
            b.add(new TermInSetQuery(Fields.TEAM, teams), BooleanClause.Occur.FILTER);
        }
        return b.build();
    }

    /**
     * The event with store-wide id {@code uid}. With its event time the lookup touches only
     * the events of that microsecond; without it every partition's ids are scanned.
     */
    Optional<EventHit> byUid(long uid, long fromUs, long toUs, Scope scope) {
        EventQuery q = new EventQuery("", fromUs, toUs, 1, Optional.empty(), scope);
        Query query = new BooleanQuery.Builder()
                .add(build(q), BooleanClause.Occur.MUST)
                .add(org.apache.lucene.document.NumericDocValuesField.newSlowExactQuery(Fields.UID, uid),
                        BooleanClause.Occur.FILTER)
                .build();
        try (View v = new View(fromUs, toUs)) {
            if (v.reader.maxDoc() == 0) {
                return Optional.empty();
            }
            TopFieldDocs top = v.searcher.search(query, 1, NEWEST_FIRST, false);
            if (top.scoreDocs.length == 0) {
                return Optional.empty();
            }
            BytesRef src = v.reader.storedFields().document(top.scoreDocs[0].doc, SOURCE_ONLY).getBinaryValue(Fields.SOURCE);
            StoredEvent e = StoredEvent.decode(src.bytes, src.offset, src.length);
            return Optional.of(new EventHit(e.uid(), e.seq(), e.tsUs(), e.receivedMs(), e.context(), e.event()));
        } catch (IOException e) {
            throw new StoreException("lookup of event " + uid + " failed", e);
        }
    }

    SearchPage search(EventQuery q) {
        long t0 = System.nanoTime();
        Query query = build(q);
        try (View v = new View(q.fromUs(), q.toUs())) {
            if (v.reader.maxDoc() == 0) {
                return new SearchPage(List.of(), 0, true, Optional.empty(), (System.nanoTime() - t0) / 1_000_000);
            }
            // (ts, uid) is unique; the highest doc id makes the cursor's own hit sort before every other.
            int lastDoc = v.reader.maxDoc() - 1;
            FieldDoc after = q.after().map(c -> new FieldDoc(lastDoc, Float.NaN,
                    new Object[]{c.tsUs(), c.uid()})).orElse(null);
            TopFieldDocs top = v.searcher.searchAfter(after, query, q.limit(), NEWEST_FIRST, false);
            StoredFields stored = v.reader.storedFields();
            List<EventHit> hits = new ArrayList<>(top.scoreDocs.length);
            for (ScoreDoc sd : top.scoreDocs) {
                BytesRef src = stored.document(sd.doc, SOURCE_ONLY).getBinaryValue(Fields.SOURCE);
                StoredEvent e = StoredEvent.decode(src.bytes, src.offset, src.length);
                hits.add(new EventHit(e.uid(), e.seq(), e.tsUs(), e.receivedMs(), e.context(), e.event()));
            }
            Optional<Cursor> next = Optional.empty();
            if (hits.size() == q.limit()) {
                EventHit last = hits.get(hits.size() - 1);
                next = Optional.of(new Cursor(last.tsUs(), last.uid()));
            }
            boolean exact = top.totalHits.relation() == TotalHits.Relation.EQUAL_TO;
            return new SearchPage(hits, top.totalHits.value(), exact, next, (System.nanoTime() - t0) / 1_000_000);
        } catch (IOException e) {
            throw new StoreException("search failed", e);
        }
    }

    FacetResult facets(EventQuery q, List<String> dims, int top) {
        for (String d : dims) {
            if (!Fields.FACETS.contains(d)) {
                throw new BadQueryException("cannot facet on '" + d + "'; dimensions are " + Fields.FACETS);
            }
        }
        Query query = build(q);
        try (View v = new View(q.fromUs(), q.toUs())) {
            FacetCounter fc = new FacetCounter(dims);
            Map<String, Map<String, Long>> counts = v.searcher.search(query, fc);
            Map<String, List<FacetResult.Count>> out = new LinkedHashMap<>();
            long total = 0;
            for (String d : dims) {
                out.put(d, FacetCounter.top(counts.get(d), top));
            }
            if (!dims.isEmpty()) {
                total = counts.get(dims.get(0)).values().stream().mapToLong(Long::longValue).sum();
            }
            return new FacetResult(total, out);
        } catch (IOException e) {
            throw new StoreException("facet search failed", e);
        }
    }

    Histogram histogram(EventQuery q, int buckets) {
        if (buckets < 1 || buckets > 1000) {
            throw new BadQueryException("buckets must be between 1 and 1000");
        }
        Query query = build(q);
        long from = q.fromUs();
        long to = q.toUs();
        long minSeen = Long.MAX_VALUE, maxSeen = Long.MIN_VALUE;
        for (Partition p : partitions.values()) {
            if (p.overlaps(from, to)) {
                minSeen = Math.min(minSeen, p.minTs());
                maxSeen = Math.max(maxSeen, p.maxTs());
            }
        }
        if (minSeen == Long.MAX_VALUE) {
            return new Histogram(from, 1, List.of(), 0);
        }
        from = Math.max(from, minSeen);
        to = Math.min(to, maxSeen);
        long interval = Math.max(1, (to - from) / buckets + 1);
        interval = roundInterval(interval);
        from = Math.floorDiv(from, interval) * interval;
        int n = (int) Math.min(buckets + 1L, (to - from) / interval + 1);
        try (View v = new View(q.fromUs(), q.toUs())) {
            long[] counts = v.searcher.search(query, new HistogramCounter(from, interval, n));
            List<Long> list = new ArrayList<>(n);
            long total = 0;
            for (long c : counts) {
                list.add(c);
                total += c;
            }
            return new Histogram(from, interval, list, total);
        } catch (IOException e) {
            throw new StoreException("histogram failed", e);
        }
    }

    /** Rounds a bucket width up to a human step: 1/2/5 × 10^n µs, or whole seconds/minutes/hours. */
    static long roundInterval(long us) {
        long[] steps = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000,
                200_000, 500_000, 1_000_000, 2_000_000, 5_000_000, 10_000_000, 15_000_000, 30_000_000, 60_000_000,
                120_000_000, 300_000_000, 600_000_000, 900_000_000, 1_800_000_000, 3_600_000_000L, 7_200_000_000L,
                10_800_000_000L, 21_600_000_000L, 43_200_000_000L, 86_400_000_000L};
        for (long s : steps) {
            if (s >= us) {
                return s;
            }
        }
        long day = 86_400_000_000L;
        return (us + day - 1) / day * day;
    }
}
