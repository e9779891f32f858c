package dev.telltale.vulndb;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** CVSS v3.x base scores from vectors (the v3.1 specification's formula, section 7.1) and qualitative ratings. */
final class Cvss {
    private static final String[] BASE = {"AV", "AC", "PR", "UI", "S", "C", "I", "A"};

    private Cvss() {
    }

    /**
     * The base score of a {@code CVSS:3.0/…} or {@code CVSS:3.1/…} vector; empty when the vector
     * is not one (a metric missing, repeated or with an unknown value).
     */
    static Optional<Double> baseScore(String vector) {
        String[] parts = vector.trim().split("/");
        if (parts.length < 9 || !(parts[0].equals("CVSS:3.1") || parts[0].equals("CVSS:3.0"))) {
            return Optional.empty();
        }
        Map<String, String> m = new HashMap<>();
        for (int i = 1; i < parts.length; i++) {
            String[] kv = parts[i].split(":", -1);
            if (kv.length != 2 || m.putIfAbsent(kv[0], kv[1]) != null) {
                return Optional.empty();
            }
        }
        for (String k : BASE) {
            if (!m.containsKey(k)) {
                return Optional.empty();
            }
        }
        try {
            return Optional.of(score(m));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static double score(Map<String, String> m) {
        boolean changed = switch (m.get("S")) {
            case "U" -> false;
            case "C" -> true;
            default -> throw new IllegalArgumentException("S");
        };
        double av = pick(m.get("AV"), "N", 0.85, "A", 0.62, "L", 0.55, "P", 0.2);
        double ac = pick(m.get("AC"), "L", 0.77, "H", 0.44);
        double pr = pick(m.get("PR"), "N", 0.85, "L", changed ? 0.68 : 0.62, "H", changed ? 0.5 : 0.27);
        double ui = pick(m.get("UI"), "N", 0.85, "R", 0.62);
        double c = pick(m.get("C"), "H", 0.56, "L", 0.22, "N", 0);
        double i = pick(m.get("I"), "H", 0.56, "L", 0.22, "N", 0);
        double a = pick(m.get("A"), "H", 0.56, "L", 0.22, "N", 0);
        double iss = 1 - (1 - c) * (1 - i) * (1 - a);
        double impact = changed ? 7.52 * (iss - 0.029) - 3.25 * Math.pow(iss - 0.02, 15) : 6.42 * iss;
        double exploitability = 8.22 * av * ac * pr * ui;
        if (impact <= 0) {
            return 0;
        }
        return roundUp(Math.min(changed ? 1.08 * (impact + exploitability) : impact + exploitability, 10));
    }

    private static double pick(String value, Object... table) {
        for (int k = 0; k < table.length; k += 2) {
            if (table[k].equals(value)) {
                return ((Number) table[k + 1]).doubleValue();
            }
        }
        throw new IllegalArgumentException(value);
    }

    /** The v3.1 Roundup: the smallest one-decimal number not below the input, free of float error. */
    static double roundUp(double input) {
        long intInput = Math.round(input * 100_000);
        if (intInput % 10_000 == 0) {
            return intInput / 100_000.0;
        }
        return (Math.floorDiv(intInput, 10_000) + 1) / 10.0;
    }

    /** The qualitative rating of a v3 score: NONE, LOW, MEDIUM, HIGH or CRITICAL. */
    static String rating(double score) {
        if (score == 0) {
            return "NONE";
        }
        if (score < 4) {
            return "LOW";
        }
        if (score < 7) {
            return "MEDIUM";
        }
        return score < 9 ? "HIGH" : "CRITICAL";
    }

    /**
     * A severity word as advisories spell it (GitHub's MODERATE, Debian's and Ubuntu's urgencies,
     * …) mapped to CRITICAL, HIGH, MEDIUM, LOW or NONE; empty when it is none of these.
     */
    static Optional<String> normaliseSeverity(String word) {
        return Optional.ofNullable(switch (word.trim().toUpperCase(java.util.Locale.ROOT)) {
            case "CRITICAL" -> "CRITICAL";
            case "HIGH", "IMPORTANT" -> "HIGH";
            case "MEDIUM", "MODERATE" -> "MEDIUM";
            case "LOW", "NEGLIGIBLE", "UNIMPORTANT" -> "LOW";
            case "NONE" -> "NONE";
            default -> null;
        });
    }
}
