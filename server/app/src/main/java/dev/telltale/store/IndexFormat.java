package dev.telltale.store;

import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.Directory;
import org.apache.lucene.util.Version;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * What a partition's latest commit says about how it was written: the Lucene major that
 * created the index, the oldest Lucene version among its segments, and our document layout
 * ({@link DocBuilder#LAYOUT}). A partition older in any of them is rebuilt in the background
 * (docs/decisions/0022-index-format-and-reindex.md).
 *
 * @param createdMajor Lucene major version that created the index
 * @param minSegmentVersion the oldest segment's Lucene version; empty for an index without segments
 * @param layout document layout; commits written before layouts were recorded count as layout 1
 */
record IndexFormat(int createdMajor, Optional<Version> minSegmentVersion, int layout) {
    /** Commit user data key of the document layout, beside {@link Partition#POSITION}. */
    static final String LAYOUT_KEY = "telltale.layout";
    /** Layout of commits that predate the key: the documents of the first release. */
    static final int UNRECORDED_LAYOUT = 1;

    /**
     * Reads the latest commit of {@code dir}.
     *
     * @throws IOException when Lucene cannot read the commit (too old, too new, corrupt); the
     *                     caller decides whether the partition is unreadable
     */
    static IndexFormat read(Directory dir) throws IOException {
        return of(SegmentInfos.readLatestCommit(dir));
    }

    static IndexFormat of(SegmentInfos infos) {
        return new IndexFormat(infos.getIndexCreatedVersionMajor(),
                Optional.ofNullable(infos.getMinSegmentLuceneVersion()), layoutOf(infos.getUserData()));
    }

    /** What this version writes. */
    static IndexFormat current() {
        return new IndexFormat(Version.LATEST.major, Optional.of(Version.LATEST), DocBuilder.LAYOUT);
    }

    static int layoutOf(Map<String, String> userData) {
        String v = userData.get(LAYOUT_KEY);
        if (v == null) {
            return UNRECORDED_LAYOUT;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            // A value we never write: rebuild rather than trust documents of unknown shape.
            return 0;
        }
    }

    /** Whether the partition should be rebuilt with the current Lucene and document layout. */
    boolean needsReindex() {
        int major = Version.LATEST.major;
        return createdMajor < major || minSegmentVersion.map(v -> v.major < major).orElse(false)
                || layout < DocBuilder.LAYOUT;
    }

    /** For the log: why a rebuild is needed. */
    String describe() {
        return "created by Lucene " + createdMajor + ", oldest segment "
                + minSegmentVersion.map(Version::toString).orElse("none") + ", document layout " + layout
                + " (current: Lucene " + Version.LATEST.major + ", layout " + DocBuilder.LAYOUT + ")";
    }
}
