package example.app;

import java.util.function.Supplier;

/** Application code outside the agent's packages, for tests of what the agent leaves out. */
public final class Calls {
    private Calls() {
    }

    /** Calls {@code s} from this class (line 12). */
    public static <T> T through(Supplier<T> s) {
        return s.get();
    }
}
