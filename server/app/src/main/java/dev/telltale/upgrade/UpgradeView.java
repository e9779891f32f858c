package dev.telltale.upgrade;

import java.util.Optional;

/**
 * The transaction as users see it: the server's record while it prepares (and when it refused),
 * the applier's from the moment it took the request.
 */
final class UpgradeView {
    private UpgradeView() {
    }

    static Optional<UpgradeState> current(StateFile server, RootState root) {
        Optional<UpgradeState> s = server.read();
        Optional<UpgradeState> r = root.read();
        if (r.isEmpty()) {
            return s;
        }
        if (s.isEmpty() || r.get().id().equals(s.get().id()) || r.get().started().isAfter(s.get().started())) {
            return r;
        }
        return s;
    }
}
