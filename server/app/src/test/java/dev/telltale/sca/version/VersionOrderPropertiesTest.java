package dev.telltale.sca.version;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The order laws on generated versions (fixed seeds, so a failure repeats): for each scheme,
 * a pool of versions built to collide often is checked on every pair and triple, a larger list
 * is sorted and checked pairwise, re-sorting shuffled copies gives the same order, and the
 * known chains of the scheme's tests sort back into place from shuffles.
 */
class VersionOrderPropertiesTest {
    private static final int POOL = 45;
    private static final int LIST = 400;

    @Test
    void dpkg() {
        check(Dpkg.INSTANCE, 1L, r -> Generated.pick(r, "", "", "1:", "0:", "2:")
                + Generated.pick(r, "0", "1", "2", "10", "01")
                + Generated.join(r, List.of(".", "0", "1", "2", "10", "a", "b", "~", "~rc1", "+", "+b1", "."),
                        r.nextInt(5))
                + Generated.pick(r, "", "", "-1", "-0", "-2", "-1ubuntu1", "-1+deb12u1", "-1~deb12u1", "-1.1"),
                "1.0~~ < 1.0~~a < 1.0~ < 1.0 < 1.0a < 1.0+ < 1.0. < 1.0.1 < 1.0.1-1 < 1:0.1");
    }

    @Test
    void apk() {
        check(Apk.INSTANCE, 2L, r -> Generated.pick(r, "0", "1", "2", "10", "01")
                + Generated.join(r, List.of(".0", ".1", ".2", ".10", ".01", ".001"), r.nextInt(3))
                + Generated.pick(r, "", "", "a", "b")
                + Generated.join(r, List.of("_alpha", "_beta", "_pre", "_rc", "_p", "_git", "_cvs", "_svn", "_hg",
                        "_rc1", "_p2", "_alpha10"), r.nextInt(3))
                + Generated.pick(r, "", "", "~1a2b", "~1a2c")
                + Generated.pick(r, "", "-r0", "-r1", "-r2", "-r10"),
                "1.0_alpha < 1.0_beta2 < 1.0_rc < 1.0 < 1.0-r1 < 1.0_p1 < 1.0a < 1.0.1");
    }

    @Test
    void rpm() {
        check(Rpm.INSTANCE, 3L, r -> Generated.pick(r, "", "", "1:", "0:")
                + Generated.pick(r, "0", "1", "2", "10", "a")
                + Generated.join(r, List.of(".", "0", "1", "2", "10", "a", "b", "rc", "~", "^", "git", "_", "+", "."),
                        r.nextInt(5))
                + Generated.pick(r, "", "", "-1", "-2.el9", "-1.el9_4", "-1.el9_4.1", "-0.1~rc1"),
                "1.0~rc1 < 1.0~rc1^git1 < 1.0 < 1.0-1 < 1.0^git1 < 1.0.1 < 1:0.1");
    }

    @Test
    void maven() {
        check(Maven.INSTANCE, 4L, Generated::mavenShaped, MavenTest.CHAINS[0]);
    }

    @Test
    void pep440() {
        check(Pep440.INSTANCE, 5L, r -> Generated.pick(r, "", "", "", "1!", "v")
                + Generated.pick(r, "0", "1", "1.0", "1.0.0", "2", "1.2", "10", "1.01")
                + Generated.pick(r, "", "", "a", "b", "rc", "alpha", "c", "-pre", ".b") + Generated.pick(r, "", "1", "2")
                + Generated.pick(r, "", "", ".post1", "-1", "post2", ".r", "-2")
                + Generated.pick(r, "", "", ".dev0", ".dev", "dev3")
                + Generated.pick(r, "", "", "", "+abc", "+5", "+abc.5", "+ubuntu-1", "+1.2"),
                Pep440Test.CHAINS[1]);
    }

    @Test
    void semver() {
        check(Semver.INSTANCE, 6L, r -> Generated.pick(r, "", "", "v")
                + Generated.pick(r, "0", "1", "2", "10") + "." + Generated.pick(r, "0", "1", "2", "10") + "."
                + Generated.pick(r, "0", "1", "2", "10")
                + (r.nextBoolean() ? "" : "-" + String.join(".", Generated.valid(Semver.INSTANCE, r, 1 + r.nextInt(3),
                        x -> "1.0.0-" + Generated.pick(x, "alpha", "beta", "rc", "1", "2", "11", "0", "x-y", "a1"))
                        .stream().map(v -> v.substring(6)).toList()))
                + Generated.pick(r, "", "", "+build.1", "+001"),
                SemverTest.CHAINS[1]);
    }

    private static void check(VersionScheme scheme, long seed, Function<Random, String> generator,
                              String knownChain) {
        Random random = new Random(seed);
        List<String> pool = Generated.valid(scheme, random, POOL, generator);
        int triples = Orders.assertTotalOrder(scheme, pool);
        assertEquals(POOL * POOL * POOL, triples);
        TreeSet<String> distinct = new TreeSet<>(scheme);
        distinct.addAll(pool);
        assertTrue(distinct.size() > POOL / 3, scheme.name() + ": too few different versions " + distinct);

        List<String> list = Generated.valid(scheme, random, LIST, generator);
        List<String> sorted = new ArrayList<>(list);
        sorted.sort(scheme);
        assertSorted(scheme, sorted);
        for (int round = 0; round < 5; round++) {
            List<String> again = new ArrayList<>(list);
            Collections.shuffle(again, random);
            again.sort(scheme);
            for (int i = 0; i < LIST; i++) {
                assertEquals(0, scheme.compare(sorted.get(i), again.get(i)),
                        scheme.name() + ": a shuffled copy sorts differently at " + i);
            }
        }
        Orders.assertSortsBack(scheme, knownChain, random, 200);
    }

    /** Every pair of the sorted list, not just neighbours, is in order. */
    private static void assertSorted(VersionScheme scheme, List<String> sorted) {
        for (int i = 0; i < sorted.size(); i++) {
            for (int j = i + 1; j < sorted.size(); j++) {
                if (scheme.compare(sorted.get(i), sorted.get(j)) > 0) {
                    throw new AssertionError(scheme.name() + " sorted " + sorted.get(i) + " before " + sorted.get(j));
                }
            }
        }
    }
}
