package dev.telltale.agent.core;

import java.util.ArrayList;
import java.util.List;

/**
 * A set of class names that never calls {@code String.hashCode}. The worker adds the name of
 * every class the JVM loads, most of them during the application's start-up; through a JDK
 * set that work would make the JDK's string-hash loop hot on the agent's thread, and a method
 * C2 compiles on its own early is later not inlined into the application's own hash maps
 * ("already compiled into a medium method"). Not thread-safe.
 */
final class NameSet {
    private String[] slots = new String[64];
    private int size;

    /** Adds name; true if it was not there. */
    boolean add(String name) {
        if ((size + 1) * 2 > slots.length) {
            grow();
        }
        int mask = slots.length - 1;
        for (int i = hash(name) & mask; ; i = (i + 1) & mask) {
            String s = slots[i];
            if (s == null) {
                slots[i] = name;
                size++;
                return true;
            }
            if (s.length() == name.length() && s.equals(name)) {
                return false;
            }
        }
    }

    int size() {
        return size;
    }

    /** The names, in no particular order, and empties the set. */
    List<String> drain() {
        List<String> out = new ArrayList<>(size);
        for (String s : slots) {
            if (s != null) {
                out.add(s);
            }
        }
        slots = new String[64];
        size = 0;
        return out;
    }

    private void grow() {
        String[] old = slots;
        slots = new String[old.length * 2];
        int mask = slots.length - 1;
        for (String s : old) {
            if (s != null) {
                int i = hash(s) & mask;
                while (slots[i] != null) {
                    i = (i + 1) & mask;
                }
                slots[i] = s;
            }
        }
    }

    private static int hash(String s) {
        int h = 0;
        for (int i = 0, n = s.length(); i < n; i++) {
            h = 31 * h + s.charAt(i);
        }
        return h ^ (h >>> 16);
    }
}
