package dev.telltale.sca.version;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Assertions on version orders written as chains: {@code "1.0~rc1 < 1.0 == 1.0-0 < 1.0+b1"}. */
final class Orders {
    private Orders() {
    }

    /** One version of a chain and its place: versions joined by == share a place. */
    record Ranked(String version, int rank) {
    }

    static List<Ranked> chain(String chain) {
        String[] words = chain.trim().split("\\s+");
        List<Ranked> ranked = new ArrayList<>();
        int rank = 0;
        ranked.add(new Ranked(words[0], rank));
        for (int i = 1; i + 1 < words.length; i += 2) {
            switch (words[i]) {
                case "<" -> rank++;
                case "==" -> { }
                default -> throw new IllegalArgumentException("not < or == in " + chain);
            }
            ranked.add(new Ranked(words[i + 1], rank));
        }
        return ranked;
    }

    /**
     * Every version of the chain is valid and every pair of them, not only neighbours, compares
     * as the chain says, both ways round.
     */
    static void assertChain(VersionScheme scheme, String chain) {
        List<Ranked> ranked = chain(chain);
        for (Ranked r : ranked) {
            assertTrue(scheme.valid(r.version), scheme.name() + " refuses " + r.version);
        }
        for (Ranked x : ranked) {
            for (Ranked y : ranked) {
                int expected = Integer.compare(x.rank, y.rank);
                int actual = Integer.signum(scheme.compare(x.version, y.version));
                if (expected != actual) {
                    fail(scheme.name() + ": expected " + x.version + " " + symbol(expected) + " "
                            + y.version + " but got " + symbol(actual) + " (in " + chain + ")");
                }
            }
        }
    }

    static void assertChains(VersionScheme scheme, String... chains) {
        for (String chain : chains) {
            assertChain(scheme, chain);
        }
    }

    /** Shuffling the chain's versions and sorting them puts every version back in its place. */
    static void assertSortsBack(VersionScheme scheme, String chain, Random random, int rounds) {
        List<Ranked> ranked = chain(chain);
        List<Ranked> shuffled = new ArrayList<>(ranked);
        for (int round = 0; round < rounds; round++) {
            Collections.shuffle(shuffled, random);
            shuffled.sort((a, b) -> scheme.compare(a.version, b.version));
            for (int i = 0; i < ranked.size(); i++) {
                assertEquals(ranked.get(i).rank, shuffled.get(i).rank,
                        scheme.name() + " sorted " + shuffled.get(i).version + " into place " + i);
            }
        }
    }

    /**
     * The order laws on all pairs and triples of {@code versions}: reflexive, antisymmetric,
     * transitive, and equality substitutable ({@code a == b} implies a and b compare alike with
     * every c). Returns the number of triples checked.
     */
    static int assertTotalOrder(VersionScheme scheme, List<String> versions) {
        int n = versions.size();
        int[][] sign = new int[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                sign[i][j] = Integer.signum(scheme.compare(versions.get(i), versions.get(j)));
            }
        }
        for (int i = 0; i < n; i++) {
            assertEquals(0, sign[i][i], () -> "not reflexive: " + versions);
            for (int j = 0; j < n; j++) {
                if (sign[i][j] != -sign[j][i]) {
                    fail(scheme.name() + " not antisymmetric: " + versions.get(i) + " vs " + versions.get(j));
                }
            }
        }
        int triples = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < n; k++, triples++) {
                    boolean brokenLessOrEqual = sign[i][j] <= 0 && sign[j][k] <= 0 && sign[i][k] > 0;
                    boolean brokenEqual = sign[i][j] == 0 && sign[i][k] != sign[j][k];
                    if (brokenLessOrEqual || brokenEqual) {
                        fail(scheme.name() + " not transitive: " + versions.get(i) + ", "
                                + versions.get(j) + ", " + versions.get(k));
                    }
                }
            }
        }
        return triples;
    }

    private static String symbol(int sign) {
        return sign < 0 ? "<" : sign > 0 ? ">" : "==";
    }
}
