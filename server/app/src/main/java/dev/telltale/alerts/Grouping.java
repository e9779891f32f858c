package dev.telltale.alerts;

import dev.telltale.policy.Finding;
import dev.telltale.policy.Severity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A batch of findings folded in memory: one {@link Group} per alert key, one {@link Tally} per
 * version and per host within it. The database then sees one upsert per alert, occurrence and
 * host instead of one per finding. Groups are sorted so that concurrent batches lock alert rows
 * in the same order, which keeps them from deadlocking each other.
 */
final class Grouping {
    static final int NAME_MAX = 200;
    static final int VERSION_MAX = 100;
    static final int HOST_MAX = 255;
    static final int RULE_MAX = 64;

    /** The grouping key of an alert, with names rather than ids (ids are resolved per batch). */
    record Key(long teamId, String application, String component, String ruleId, String key) {
        static final Comparator<Key> ORDER = Comparator.comparingLong(Key::teamId).thenComparing(Key::application)
                .thenComparing(Key::component).thenComparing(Key::ruleId).thenComparing(Key::key);
    }

    /** Count and time span of some findings. */
    static class Tally {
        long count;
        Instant first;
        Instant last;

        void add(Instant t) {
            count++;
            first = first == null || t.isBefore(first) ? t : first;
            last = last == null || t.isAfter(last) ? t : last;
        }
    }

    /** One version of one alert in this batch; {@code occurrenceId} is set once resolved. */
    static final class Version extends Tally {
        final List<Finding> findings = new ArrayList<>();
        long versionId;
        long occurrenceId;
    }

    static final class Group extends Tally {
        final Key key;
        final String keyHash;
        Severity severity;
        final Map<String, Version> versions = new HashMap<>();
        final Map<String, Tally> hosts = new TreeMap<>();
        long applicationId;
        long componentId;
        long alertId;
        /** The alert existed before this batch (else this batch created it). */
        boolean existed;

        Group(Key key) {
            this.key = key;
            this.keyHash = sha256(key.key());
        }

        /** Versions in order of their first finding, so that carry-over follows the order they appeared. */
        List<Map.Entry<String, Version>> versionsInOrder() {
            List<Map.Entry<String, Version>> out = new ArrayList<>(versions.entrySet());
            out.sort(Comparator.comparing((Map.Entry<String, Version> e) -> e.getValue().first)
                    .thenComparing(Map.Entry::getKey));
            return out;
        }
    }

    private Grouping() {
    }

    /**
     * Folds findings into groups, in lock order.
     *
     * @throws IllegalArgumentException when a name is blank or longer than its column
     */
    static List<Group> of(List<Finding> findings) {
        Map<Key, Group> groups = new TreeMap<>(Key.ORDER);
        for (Finding f : findings) {
            check("application", f.application(), NAME_MAX);
            check("component", f.component(), NAME_MAX);
            check("version", f.version(), VERSION_MAX);
            check("ruleId", f.ruleId(), RULE_MAX);
            Group g = groups.computeIfAbsent(new Key(f.teamId(), f.application(), f.component(), f.ruleId(), f.key()),
                    Group::new);
            g.add(f.eventTime());
            g.severity = g.severity == null || f.severity().compareTo(g.severity) < 0 ? f.severity() : g.severity;
            Version v = g.versions.computeIfAbsent(f.version(), x -> new Version());
            v.add(f.eventTime());
            v.findings.add(f);
            g.hosts.computeIfAbsent(host(f), x -> new Tally()).add(f.eventTime());
        }
        return new ArrayList<>(groups.values());
    }

    /** Host names longer than the column are clipped: a host name is evidence, not a key anyone looks up by. */
    static String host(Finding f) {
        String h = f.hostname();
        return h.length() <= HOST_MAX ? h : h.substring(0, HOST_MAX);
    }

    private static void check(String field, String value, int max) {
        if (value.isBlank() || value.length() > max) {
            throw new IllegalArgumentException("finding field '" + field + "' must be 1 to " + max + " characters");
        }
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
