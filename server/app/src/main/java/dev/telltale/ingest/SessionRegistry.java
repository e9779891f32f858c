package dev.telltale.ingest;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Live sessions by agent id: a new session of the same agent supersedes the old one, and a
 * revoked run token closes every session that uses it.
 */
final class SessionRegistry {
    private final Map<Long, AgentSessionHandler> byAgent = new ConcurrentHashMap<>();

    /** Registers a session and returns the one it replaces, if any. */
    AgentSessionHandler register(long agentId, AgentSessionHandler session) {
        return byAgent.put(agentId, session);
    }

    void unregister(long agentId, AgentSessionHandler session) {
        byAgent.remove(agentId, session);
    }

    void revokeToken(long tokenId) {
        for (AgentSessionHandler s : byAgent.values()) {
            if (s.tokenId() == tokenId) {
                s.revoked();
            }
        }
    }

    /** Tells every session whose token {@code admission} no longer admits that the appliance is going away. */
    void closeUnless(Admission admission) {
        for (AgentSessionHandler s : byAgent.values()) {
            if (!s.admittedBy(admission)) {
                s.shuttingDown(admission.reason());
            }
        }
    }

    void closeAll() {
        byAgent.values().forEach(AgentSessionHandler::shuttingDown);
    }

    int size() {
        return byAgent.size();
    }
}
