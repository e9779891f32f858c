package dev.telltale.protocol;

import dev.telltale.protocol.event.EventMeta;
import dev.telltale.protocol.event.EventType;
import dev.telltale.protocol.event.EventValidator;

/**
 * Decodes the BATCH frames of one connection. Damage to the batch as a whole (bad header,
 * bad compression, events not matching the announced count or size) is fatal and raises
 * {@link ProtocolException}; a single event that breaks its schema is refused on its own
 * and reported in {@link DecodedBatch#rejections()}. Not thread-safe; close to free native memory.
 * A compressed batch's events lie in a buffer of the calling thread that its next decode
 * overwrites (see {@link ZstdStreamDecompressor#decompressShared}): use or copy a
 * {@link DecodedBatch} before the thread decodes the next one.
 */
public final class BatchDecoder implements AutoCloseable {
    private final Compression compression;
    private final int maxBatchBytes;
    private final int maxBatchEvents;
    private ZstdStreamDecompressor zstd;

    public BatchDecoder(Compression compression, int maxBatchBytes, int maxBatchEvents) {
        this.compression = compression;
        this.maxBatchBytes = maxBatchBytes;
        this.maxBatchEvents = maxBatchEvents;
    }

    public DecodedBatch decode(byte[] buf, int off, int len) {
        WireReader r = new WireReader(buf, off, len);
        long firstSeq = -1, count = -1, base = -1, rawSize = -1;
        int evOff = -1, evLen = 0;
        while (r.hasMore()) {
            int tag = r.readTag();
            int field = tag >>> 3;
            if (field >= 1 && field <= 4 && (tag & 7) == WireReader.VARINT) {
                long v = r.readVarint();
                switch (field) {
                    case 1 -> firstSeq = v;
                    case 2 -> count = v;
                    case 3 -> base = v;
                    default -> rawSize = v;
                }
            } else if (field == 5 && (tag & 7) == WireReader.LEN) {
                evLen = r.readLength();
                evOff = r.position();
                r.skipBytes(evLen);
            } else {
                throw WireReader.malformed("unknown BATCH field " + field + " (wire type " + (tag & 7) + ")");
            }
        }
        if (firstSeq < 1 || base < 0 || evOff < 0) {
            throw WireReader.malformed("BATCH needs first_seq >= 1, base_time_us and events");
        }
        if (count < 1 || count > maxBatchEvents) {
            throw WireReader.malformed("BATCH count " + count + " outside 1.." + maxBatchEvents);
        }
        if (rawSize > maxBatchBytes) {
            throw new ProtocolException(ErrorCode.PAYLOAD_TOO_LARGE,
                    "BATCH of " + rawSize + " decompressed bytes exceeds the limit of " + maxBatchBytes);
        }
        byte[] blob;
        int blobOff;
        int blobLen;
        if (compression == Compression.ZSTD) {
            if (rawSize < 0) {
                throw WireReader.malformed("compressed BATCH lacks raw_size");
            }
            if (zstd == null) {
                zstd = new ZstdStreamDecompressor();
            }
            blob = zstd.decompressShared(buf, evOff, evLen, (int) rawSize);
            blobOff = 0;
            blobLen = (int) rawSize;
        } else {
            if (rawSize >= 0 && rawSize != evLen) {
                throw WireReader.malformed("BATCH raw_size " + rawSize + " differs from " + evLen + " event bytes");
            }
            blob = buf;
            blobOff = evOff;
            blobLen = evLen;
        }
        return split(firstSeq, (int) count, base, blob, blobOff, blobLen);
    }

    private static DecodedBatch split(long firstSeq, int count, long base, byte[] blob, int off, int len) {
        WireReader r = new WireReader(blob, off, len);
        int[] offsets = new int[count];
        int[] lengths = new int[count];
        EventType[] types = new EventType[count];
        long[] dts = new long[count];
        String[] rejections = new String[count];
        int[] claimed = new int[count];
        EventMeta meta = new EventMeta();
        for (int i = 0; i < count; i++) {
            if (!r.hasMore()) {
                throw WireReader.malformed("BATCH announces " + count + " events but holds " + i);
            }
            int n = r.readLength();
            offsets[i] = r.position();
            lengths[i] = n;
            r.skipBytes(n);
            try {
                EventValidator.validate(blob, offsets[i], n, true, meta);
                types[i] = meta.type;
                dts[i] = meta.dtUs;
            } catch (ProtocolException e) {
                rejections[i] = e.getMessage();
                claimed[i] = claimedType(blob, offsets[i], n);
            }
        }
        if (r.hasMore()) {
            throw WireReader.malformed("BATCH holds bytes after its " + count + " events");
        }
        return new DecodedBatch(firstSeq, count, base, blob, offsets, lengths, types, dts, rejections, claimed);
    }

    /** Best-effort type code of a refused event, for the rejection record. */
    private static int claimedType(byte[] b, int off, int len) {
        try {
            WireReader r = new WireReader(b, off, len);
            while (r.hasMore()) {
                int tag = r.readTag();
                if (tag == (1 << 3)) {
                    long v = r.readVarint();
                    return v > 0 && v < Integer.MAX_VALUE ? (int) v : 0;
                }
                r.skip(tag & 7);
            }
        } catch (ProtocolException ignored) {
            // the rejection message already says what is wrong
        }
        return 0;
    }

    @Override
    public void close() {
        if (zstd != null) {
            zstd.close();
            zstd = null;
        }
    }
}
