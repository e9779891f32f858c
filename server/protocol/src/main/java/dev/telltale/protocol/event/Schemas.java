package dev.telltale.protocol.event;

import static dev.telltale.protocol.event.FieldDef.message;
import static dev.telltale.protocol.event.FieldDef.of;
import static dev.telltale.protocol.event.FieldKind.BOOL;
import static dev.telltale.protocol.event.FieldKind.BYTES;
import static dev.telltale.protocol.event.FieldKind.SINT;
import static dev.telltale.protocol.event.FieldKind.STRING;
import static dev.telltale.protocol.event.FieldKind.UINT;
import static dev.telltale.protocol.event.Index.KEYWORD;
import static dev.telltale.protocol.event.Index.KEYWORD_TEXT;
import static dev.telltale.protocol.event.Index.NUMBER;
import static dev.telltale.protocol.event.Index.TEXT;

/**
 * The event catalogue as wire schemas. Field numbers are the wire contract of
 * docs/protocol.md and never change meaning within a protocol version; field names are the
 * search field names of the event store.
 */
public final class Schemas {
    private Schemas() {
    }

    private static final int PATH = 4096;
    private static final int ARGS = 4096;

    public static final Schema STACK_FRAME = new Schema("stack_frame",
            of(1, "stack.module", STRING).maxBytes(PATH).index(KEYWORD),
            of(2, "stack.offset", UINT),
            of(3, "stack.symbol", STRING).maxBytes(1024),
            of(4, "stack.file", STRING).maxBytes(PATH),
            of(5, "stack.line", UINT),
            of(6, "stack.build_id", STRING).maxBytes(128));

    public static final Schema ENV_VAR = new Schema("env_var",
            of(1, "env.name", STRING).required().maxBytes(1024).index(KEYWORD),
            of(2, "env.value", STRING).maxBytes(32768),
            of(3, "env.hash", STRING).maxBytes(128).index(KEYWORD),
            of(4, "env.masked", BOOL));

    public static final Schema MEM_MAP = new Schema("mem_map",
            of(1, "map.start", UINT).required(),
            of(2, "map.end", UINT).required(),
            of(3, "map.perms", STRING).maxBytes(8),
            of(4, "map.offset", UINT),
            of(5, "map.path", STRING).maxBytes(PATH).index(KEYWORD));

    public static final Schema PACKAGE = new Schema("package",
            of(1, "pkg.name", STRING).required().maxBytes(512).index(KEYWORD),
            of(2, "pkg.version", STRING).maxBytes(256).index(KEYWORD),
            of(3, "pkg.source", STRING).maxBytes(512).index(KEYWORD),
            of(4, "pkg.arch", STRING).maxBytes(64),
            of(5, "pkg.license", STRING).maxBytes(1024).index(KEYWORD),
            of(6, "pkg.manager", STRING).maxBytes(16).index(KEYWORD),
            of(7, "pkg.files", STRING).maxBytes(PATH).repeated(100_000));

    public static final Schema FD = new Schema("fd",
            of(1, "fd.num", SINT),
            of(2, "fd.kind", STRING).maxBytes(16),
            of(3, "fd.path", STRING).maxBytes(PATH).index(KEYWORD),
            of(4, "fd.laddr", STRING).maxBytes(128),
            of(5, "fd.lport", UINT),
            of(6, "fd.raddr", STRING).maxBytes(128),
            of(7, "fd.rport", UINT),
            of(8, "fd.state", STRING).maxBytes(16));

    static final Schema PROCESS_START = new Schema("process_start",
            of(1, "hostname", STRING).required().maxBytes(256).index(KEYWORD),
            of(2, "uptime_s", UINT),
            of(3, "cpu_count", UINT),
            of(4, "cpu_model", STRING).maxBytes(256),
            of(5, "os_name", STRING).maxBytes(256).index(KEYWORD),
            of(6, "os_version", STRING).maxBytes(256).index(KEYWORD),
            of(7, "cloud", STRING).maxBytes(64).index(KEYWORD),
            of(8, "container_runtime", STRING).maxBytes(64).index(KEYWORD),
            of(9, "container_id", STRING).maxBytes(128).index(KEYWORD),
            of(10, "ppid", UINT).index(NUMBER),
            of(11, "uid", UINT).index(NUMBER),
            of(12, "gid", UINT).index(NUMBER),
            of(13, "euid", UINT).index(NUMBER),
            of(14, "egid", UINT).index(NUMBER),
            of(15, "k8s_pod", STRING).maxBytes(256).index(KEYWORD),
            of(16, "k8s_namespace", STRING).maxBytes(256).index(KEYWORD),
            of(17, "exe", STRING).required().maxBytes(PATH).index(KEYWORD_TEXT),
            of(18, "argv", STRING).maxBytes(ARGS * 8).repeated(ARGS).index(TEXT),
            of(19, "cwd", STRING).maxBytes(PATH),
            message(20, "env", ENV_VAR).repeated(ARGS),
            message(21, "maps", MEM_MAP).repeated(65536),
            of(22, "kernel", STRING).maxBytes(256),
            of(23, "cpu_arch", STRING).maxBytes(32));

    static final Schema PROCESS_EXIT = new Schema("process_exit",
            of(1, "exit_code", SINT).index(NUMBER),
            of(2, "signal", UINT).index(NUMBER),
            of(3, "crashed", BOOL),
            of(4, "runtime_ms", UINT));

    static final Schema HOST_ENV = new Schema("host_env",
            of(1, "env_id", STRING).required().maxBytes(256).index(KEYWORD),
            of(2, "os_name", STRING).maxBytes(256).index(KEYWORD),
            of(3, "os_version", STRING).maxBytes(256).index(KEYWORD),
            message(4, "packages", PACKAGE).repeated(200_000),
            of(5, "hostname", STRING).maxBytes(256).index(KEYWORD));

    static final Schema PACKAGE_INFO = new Schema("package_info",
            of(1, "path", STRING).required().maxBytes(PATH).index(KEYWORD_TEXT),
            of(2, "package", STRING).maxBytes(512).index(KEYWORD),
            of(3, "package_version", STRING).maxBytes(256).index(KEYWORD),
            of(4, "manager", STRING).maxBytes(16).index(KEYWORD),
            of(5, "source", STRING).maxBytes(512).index(KEYWORD));

    static final Schema API = new Schema("api",
            of(1, "api", STRING).required().maxBytes(128).index(KEYWORD),
            of(2, "args", STRING).maxBytes(ARGS).repeated(64).index(TEXT),
            of(3, "result", SINT));

    static final Schema FILE = new Schema("file",
            of(1, "op", STRING).required().maxBytes(32).index(KEYWORD),
            of(2, "path", STRING).required().maxBytes(PATH).index(KEYWORD_TEXT),
            of(3, "path2", STRING).maxBytes(PATH).index(KEYWORD_TEXT),
            of(4, "flags", UINT),
            of(5, "mode", UINT).index(NUMBER),
            of(6, "fd", SINT),
            of(7, "result", SINT),
            of(8, "errno", UINT).index(NUMBER),
            of(9, "flag_names", STRING).maxBytes(256).index(TEXT));

    static final Schema NETWORK = new Schema("network",
            of(1, "op", STRING).required().maxBytes(32).index(KEYWORD),
            of(2, "family", STRING).maxBytes(16).index(KEYWORD),
            of(3, "laddr", STRING).maxBytes(PATH).index(KEYWORD),
            of(4, "lport", UINT).index(NUMBER),
            of(5, "raddr", STRING).maxBytes(PATH).index(KEYWORD),
            of(6, "rport", UINT).index(NUMBER),
            of(7, "fqdn", STRING).maxBytes(1024).repeated(256).index(KEYWORD_TEXT),
            of(8, "resolved", STRING).maxBytes(128).repeated(1024).index(KEYWORD),
            of(9, "fd", SINT),
            of(10, "result", SINT),
            of(11, "transport", STRING).maxBytes(16).index(KEYWORD),
            of(12, "errno", UINT).index(NUMBER));

    static final Schema IDENTITY = new Schema("identity",
            of(1, "op", STRING).required().maxBytes(32).index(KEYWORD),
            of(2, "from_id", UINT).repeated(65536).index(NUMBER),
            of(3, "to_id", UINT).required().repeated(65536).index(NUMBER),
            of(4, "result", SINT),
            of(5, "errno", UINT));

    static final Schema PROCESS_OP = new Schema("process_op",
            of(1, "op", STRING).required().maxBytes(32).index(KEYWORD),
            of(2, "path", STRING).maxBytes(PATH).index(KEYWORD_TEXT),
            of(3, "argv", STRING).maxBytes(ARGS * 8).repeated(ARGS).index(TEXT),
            of(4, "child_pid", UINT).index(NUMBER),
            of(5, "result", SINT),
            of(6, "errno", UINT));

    static final Schema DEPENDENCY = new Schema("dependency",
            of(1, "path", STRING).required().maxBytes(PATH).index(KEYWORD_TEXT),
            of(2, "sha256", BYTES).maxBytes(32).index(KEYWORD),
            of(3, "parent", STRING).maxBytes(PATH).index(KEYWORD),
            of(4, "language", STRING).maxBytes(32).index(KEYWORD),
            of(5, "dep_version", STRING).maxBytes(256).index(KEYWORD),
            of(6, "load", STRING).maxBytes(32).index(KEYWORD),
            of(7, "size", UINT),
            of(8, "name", STRING).maxBytes(512).index(KEYWORD_TEXT),
            of(9, "purl", STRING).maxBytes(1024).index(KEYWORD),
            of(10, "first_class", STRING).maxBytes(1024).index(KEYWORD));

    static final Schema WEBAPP = new Schema("webapp",
            of(1, "protocol", STRING).required().maxBytes(32).index(KEYWORD),
            of(2, "family", STRING).maxBytes(16).index(KEYWORD),
            of(3, "laddr", STRING).maxBytes(PATH).index(KEYWORD),
            of(4, "lport", UINT).required().index(NUMBER),
            of(5, "raddr", STRING).maxBytes(PATH).index(KEYWORD),
            of(6, "rport", UINT).index(NUMBER),
            of(7, "tls", BOOL));

    static final Schema WEBAPP_URI = new Schema("webapp_uri",
            of(1, "method", STRING).required().maxBytes(32).index(KEYWORD),
            of(2, "uri", STRING).required().maxBytes(8192).index(KEYWORD_TEXT),
            of(3, "lport", UINT).index(NUMBER),
            of(4, "status", UINT).index(NUMBER));

    static final Schema BEARER_TOKEN = new Schema("bearer_token",
            of(1, "auth_type", STRING).required().maxBytes(32).index(KEYWORD),
            of(2, "value", STRING).maxBytes(16384),
            of(3, "token_hash", STRING).maxBytes(128).index(KEYWORD),
            of(4, "token_masked", STRING).maxBytes(64),
            of(5, "lport", UINT).index(NUMBER),
            of(6, "uri", STRING).maxBytes(8192).index(KEYWORD_TEXT),
            of(7, "tls", BOOL));

    static final Schema HEARTBEAT = new Schema("heartbeat",
            message(1, "fds", FD).repeated(65536),
            of(2, "cpu_user_ms", UINT),
            of(3, "cpu_sys_ms", UINT),
            of(4, "rss_kb", UINT).index(NUMBER),
            of(5, "vsz_kb", UINT),
            of(6, "agent_cpu_ms", UINT),
            of(7, "agent_rss_kb", UINT),
            of(8, "threads_created", UINT),
            of(9, "forks", UINT),
            of(10, "threads", UINT),
            of(11, "interval_ms", UINT));

    static final Schema MEMORY_WARNING = new Schema("memory_warning",
            of(1, "kind", STRING).required().maxBytes(64).index(KEYWORD),
            of(2, "function", STRING).maxBytes(128).index(KEYWORD),
            of(3, "detail", STRING).maxBytes(1024).index(TEXT),
            of(4, "dest_size", UINT),
            of(5, "src_size", UINT),
            of(6, "suppressed", UINT));

    static final Schema JAVA_METHOD = new Schema("java_method",
            of(1, "class", STRING).required().maxBytes(1024).index(KEYWORD_TEXT),
            of(2, "methods", STRING).maxBytes(1024).repeated(65536).index(KEYWORD),
            of(3, "jar", STRING).maxBytes(PATH).index(KEYWORD),
            of(4, "purl", STRING).maxBytes(1024).index(KEYWORD),
            of(5, "count", UINT));

    static final Schema GAP = new Schema("gap",
            of(1, "from_seq", UINT).required().index(NUMBER),
            of(2, "to_seq", UINT).required().index(NUMBER),
            of(3, "reason", STRING).required().maxBytes(64).index(KEYWORD),
            of(4, "detail", STRING).maxBytes(1024).index(TEXT));

    static final Schema REJECTED = new Schema("rejected",
            of(1, "code", STRING).required().maxBytes(64).index(KEYWORD),
            of(2, "reason", STRING).required().maxBytes(1024).index(TEXT),
            of(3, "claimed_type", UINT),
            of(4, "size", UINT));

    /** The envelope every event shares (docs/protocol.md, "Event"). */
    public static final Schema ENVELOPE = new Schema("event",
            of(1, "type", UINT).required(),
            of(2, "dt_us", SINT),
            of(3, "pid", UINT).index(NUMBER),
            of(4, "tid", UINT).index(NUMBER),
            message(5, "stack", STACK_FRAME).repeated(256),
            of(6, "body", BYTES).maxBytes(1 << 24));
}
