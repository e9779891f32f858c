package dev.telltale.rbac;

import dev.telltale.db.Database;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Integration clients: a client id and a secret (shown once, stored as SHA-256) that a program
 * exchanges for a short-lived API token acting with one team role in one team. Revocation takes
 * effect at the next request of any token issued to the client.
 */
public interface ApiClients {

    static ApiClients create(Database db, Clock clock) {
        return new DbApiClients(db, clock);
    }

    /**
     * Creates a client, audited.
     *
     * @throws RbacException INVALID for a bad name, NOT_FOUND for an unknown team
     */
    CreatedClient create(long teamId, String name, TeamRole role, String actor);

    /** The active client whose id and secret match; empty otherwise (same work either way). */
    Optional<Client> authenticate(String clientId, String secret);

    /** The client while it is active. */
    Optional<Client> active(long id);

    List<Client> list();

    /** Revokes an active client, audited; false when there is none. */
    boolean revoke(long id, String actor);

    record Client(long id, long teamId, String name, String clientId, TeamRole role, Instant createdAt,
                  String createdBy, Optional<Instant> revokedAt) {
        /** What its tokens may do. */
        public Access access() {
            return new Access(-id, "client:" + clientId, false, java.util.Map.of(teamId, role));
        }
    }

    /** {@link #toString} hides the secret. */
    record CreatedClient(Client client, String secret) {
        @Override
        public String toString() {
            return "CreatedClient[client=" + client + ", secret=(hidden)]";
        }
    }
}
