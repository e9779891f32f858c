package dev.telltale.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Live sessions by agent id: a new session of the same agent supersedes the old one, and a
 * revoked run token closes every session that uses it. A superseded session stays among the
 * live ones until its connection is closed: it may still acknowledge what it had read.
 */
final class SessionRegistry {
    private final Map<Long, AgentSessionHandler> byAgent = new ConcurrentHashMap<>();
    private final Set<AgentSessionHandler> live = ConcurrentHashMap.newKeySet();

    /**
     * Registers a session and returns the one it replaces, if any. Callers check admission only
     * after this: {@link #closeUnless} either sees the session or the session sees the new admission.
     */
    AgentSessionHandler register(long agentId, AgentSessionHandler session) {
        live.add(session);
        return byAgent.put(agentId, session);
    }

    void unregister(long agentId, AgentSessionHandler session) {
        byAgent.remove(agentId, session);
        live.remove(session);
    }

    void revokeToken(long tokenId) {
        for (AgentSessionHandler s : live) {
            if (s.tokenId() == tokenId) {
                s.revoked();
            }
        }
    }

    /**
     * Tells every session whose token {@code admission} no longer admits that the appliance is
     * going away, and returns those sessions.
     */
    List<AgentSessionHandler> closeUnless(Admission admission) {
        List<AgentSessionHandler> closing = new ArrayList<>();
        for (AgentSessionHandler s : live) {
            if (!s.admittedBy(admission)) {
                s.shuttingDown(admission.reason());
                closing.add(s);
            }
        }
        return closing;
    }

    void closeAll() {
        live.forEach(AgentSessionHandler::shuttingDown);
    }

    int size() {
        return byAgent.size();
    }
}
