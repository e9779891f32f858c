package dev.telltale.policy;

import java.util.Optional;

/** Alert severities, P1 the most urgent. */
public enum Severity {
    P1, P2, P3, P4;

    /** Parses "P1".."P4" (case-insensitive). */
    public static Optional<Severity> parse(String s) {
        for (Severity v : values()) {
            if (v.name().equalsIgnoreCase(s)) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    /**
     * The severity a CVSS v3 base score maps to for supply-chain findings: 9.0+ critical → P1,
     * 7.0+ high → P2, 4.0+ medium → P3, below → P4.
     */
    public static Severity ofCvss(double score) {
        return score >= 9.0 ? P1 : score >= 7.0 ? P2 : score >= 4.0 ? P3 : P4;
    }
}
