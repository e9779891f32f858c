package dev.telltale.protocol.event;

import java.util.Optional;

/**
 * The event catalogue (docs/protocol.md, "Event types"). Codes are wire values; names are
 * the values of the {@code type} search field. Types marked server-only are written by the
 * appliance and refused from agents.
 */
public enum EventType {
    PROCESS_START(1, "process_start", Schemas.PROCESS_START, false),
    PROCESS_EXIT(2, "process_exit", Schemas.PROCESS_EXIT, false),
    HOST_ENV(3, "host_env", Schemas.HOST_ENV, false),
    PACKAGE_INFO(4, "package_info", Schemas.PACKAGE_INFO, false),
    API(5, "api", Schemas.API, false),
    FILE(6, "file", Schemas.FILE, false),
    NETWORK(7, "network", Schemas.NETWORK, false),
    IDENTITY(8, "identity", Schemas.IDENTITY, false),
    PROCESS(9, "process", Schemas.PROCESS_OP, false),
    DEPENDENCY(10, "dependency", Schemas.DEPENDENCY, false),
    WEBAPP(11, "webapp", Schemas.WEBAPP, false),
    WEBAPP_URI(12, "webapp_uri", Schemas.WEBAPP_URI, false),
    BEARER_TOKEN(13, "bearer_token", Schemas.BEARER_TOKEN, false),
    HEARTBEAT(14, "heartbeat", Schemas.HEARTBEAT, false),
    MEMORY_WARNING(15, "memory_warning", Schemas.MEMORY_WARNING, false),
    JAVA_METHOD(16, "java_method", Schemas.JAVA_METHOD, false),
    GAP(100, "gap", Schemas.GAP, true),
    REJECTED(101, "rejected", Schemas.REJECTED, true);

    private static final EventType[] BY_CODE = new EventType[128];

    static {
        for (EventType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;
    private final String id;
    private final Schema schema;
    private final boolean serverOnly;

    EventType(int code, String id, Schema schema, boolean serverOnly) {
        this.code = code;
        this.id = id;
        this.schema = schema;
        this.serverOnly = serverOnly;
    }

    public int code() {
        return code;
    }

    /** The lower-case name used in search ({@code type:file}) and in JSON. */
    public String id() {
        return id;
    }

    public Schema schema() {
        return schema;
    }

    public boolean serverOnly() {
        return serverOnly;
    }

    public static Optional<EventType> ofCode(long code) {
        return code > 0 && code < BY_CODE.length ? Optional.ofNullable(BY_CODE[(int) code]) : Optional.empty();
    }

    public static Optional<EventType> ofId(String id) {
        for (EventType t : values()) {
            if (t.id.equals(id)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
