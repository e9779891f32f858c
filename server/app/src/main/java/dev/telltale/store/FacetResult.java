package dev.telltale.store;

import java.util.List;
import java.util.Map;

/** Counts of matching events per value of each requested dimension, largest first. */
public record FacetResult(long total, Map<String, List<Count>> dimensions) {
    public record Count(String value, long count) {
    }
}
