package dev.telltale.store;

import java.util.List;

/** Matching events per time bucket; buckets start at {@code fromUs} and are {@code intervalUs} wide. */
public record Histogram(long fromUs, long intervalUs, List<Long> counts, long total) {
}
