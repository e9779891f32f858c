package dev.telltale.sca.version;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Maven's version order, with the semantics of {@code ComparableVersion} in Maven 3.9: the
 * version splits at {@code .}, {@code -} and digit/letter transitions into numbers and
 * qualifiers, {@code -} (and a letter/digit change) opening a sub-list; trailing "null" items
 * (0, the release qualifier, empty lists) are dropped, so {@code 1.0 == 1.0.0 == 1-0 == 1};
 * qualifiers order alpha < beta < milestone < rc (= cr) < snapshot < "" (= ga, final, release)
 * < sp < anything else (lexically), with a/b/m followed by a digit meaning alpha/beta/milestone.
 */
final class Maven implements VersionScheme {
    static final Maven INSTANCE = new Maven();

    private static final List<String> QUALIFIERS =
            List.of("alpha", "beta", "milestone", "rc", "snapshot", "", "sp");
    private static final Map<String, String> ALIASES =
            Map.of("ga", "", "final", "", "release", "", "cr", "rc");
    private static final String RELEASE = String.valueOf(QUALIFIERS.indexOf(""));
    // Maven refuses these in a project's version; brackets, parentheses and commas make a range
    private static final String REFUSED = "\\/:\"<>|?*[](),";

    private Maven() {
    }

    @Override
    public String name() {
        return "maven";
    }

    @Override
    public boolean valid(String version) {
        if (version == null || version.isEmpty()) {
            return false;
        }
        for (int i = 0; i < version.length(); i++) {
            char c = version.charAt(i);
            if (c <= ' ' || c > '~' || REFUSED.indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int compare(String a, String b) {
        if (!valid(a)) {
            throw Digits.invalid("maven", a);
        }
        if (!valid(b)) {
            throw Digits.invalid("maven", b);
        }
        return Integer.signum(parse(a).compareTo(parse(b)));
    }

    /** One part of a parsed version; {@code compareTo(null)} compares with a missing part. */
    private sealed interface Item permits Number, Qualifier, Sub {
        boolean isNull();

        int compareTo(Item other);
    }

    private record Number(String digits) implements Item {
        @Override
        public boolean isNull() {
            return digits.chars().allMatch(c -> c == '0');
        }

        @Override
        public int compareTo(Item other) {
            if (other == null) {
                return isNull() ? 0 : 1; // 1.0 == 1, 1.1 > 1
            }
            return other instanceof Number n ? Digits.compare(digits, n.digits) : 1;
        }
    }

    private record Qualifier(String value) implements Item {
        static Qualifier of(String text, boolean followedByDigit) {
            String value = text;
            if (followedByDigit && text.length() == 1) {
                value = switch (text.charAt(0)) {
                    case 'a' -> "alpha";
                    case 'b' -> "beta";
                    case 'm' -> "milestone";
                    default -> text;
                };
            }
            return new Qualifier(ALIASES.getOrDefault(value, value));
        }

        /** Known qualifiers by rank; unknown ones after all of them, lexically. */
        private String rank() {
            int i = QUALIFIERS.indexOf(value);
            return i < 0 ? QUALIFIERS.size() + "-" + value : String.valueOf(i);
        }

        @Override
        public boolean isNull() {
            return rank().equals(RELEASE);
        }

        @Override
        public int compareTo(Item other) {
            if (other == null) {
                return rank().compareTo(RELEASE); // 1-rc < 1, 1-sp > 1
            }
            return other instanceof Qualifier q ? rank().compareTo(q.rank()) : -1;
        }
    }

    private record Sub(List<Item> items) implements Item {
        Sub() {
            this(new ArrayList<>());
        }

        @Override
        public boolean isNull() {
            return items.isEmpty();
        }

        /** Drops trailing null items, stopping at the first non-null item that is not a list. */
        void normalize() {
            for (int i = items.size() - 1; i >= 0; i--) {
                Item last = items.get(i);
                if (last.isNull()) {
                    items.remove(i);
                } else if (!(last instanceof Sub)) {
                    break;
                }
            }
        }

        @Override
        public int compareTo(Item other) {
            if (other == null) {
                for (Item item : items) {
                    int result = item.compareTo(null);
                    if (result != 0) {
                        return result;
                    }
                }
                return 0;
            }
            if (!(other instanceof Sub sub)) {
                return other instanceof Number ? -1 : 1; // 1-1 < 1.1, 1-1 > 1-sp
            }
            for (int i = 0; i < Math.max(items.size(), sub.items.size()); i++) {
                Item l = i < items.size() ? items.get(i) : null;
                Item r = i < sub.items.size() ? sub.items.get(i) : null;
                int result = l == null ? (r == null ? 0 : -r.compareTo(null)) : l.compareTo(r);
                if (result != 0) {
                    return result;
                }
            }
            return 0;
        }
    }

    static Sub parse(String text) {
        String version = text.toLowerCase(Locale.ROOT);
        Sub root = new Sub();
        Sub list = root;
        Deque<Sub> stack = new ArrayDeque<>();
        stack.push(list);
        boolean isDigit = false;
        int start = 0;
        for (int i = 0; i < version.length(); i++) {
            char c = version.charAt(i);
            if (c == '.' || c == '-') {
                list.items.add(i == start ? new Number("0") : item(isDigit, version.substring(start, i)));
                start = i + 1;
                if (c == '-') {
                    list = open(list, stack);
                }
            } else if (Digits.isDigit(c)) {
                if (!isDigit && i > start) {
                    // 1.0.0.X1 < 1.0.0-X2: a qualifier after a dot counts as after a hyphen
                    if (!list.items.isEmpty()) {
                        list = open(list, stack);
                    }
                    list.items.add(Qualifier.of(version.substring(start, i), true));
                    start = i;
                    list = open(list, stack);
                }
                isDigit = true;
            } else {
                if (isDigit && i > start) {
                    list.items.add(item(true, version.substring(start, i)));
                    start = i;
                    list = open(list, stack);
                }
                isDigit = false;
            }
        }
        if (version.length() > start) {
            if (!isDigit && !list.items.isEmpty()) {
                list = open(list, stack);
            }
            list.items.add(item(isDigit, version.substring(start)));
        }
        while (!stack.isEmpty()) {
            stack.pop().normalize();
        }
        return root;
    }

    private static Sub open(Sub parent, Deque<Sub> stack) {
        Sub child = new Sub();
        parent.items.add(child);
        stack.push(child);
        return child;
    }

    private static Item item(boolean isDigit, String text) {
        return isDigit ? new Number(text) : Qualifier.of(text, false);
    }
}
