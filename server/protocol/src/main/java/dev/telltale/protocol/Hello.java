package dev.telltale.protocol;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * HELLO: the agent's first frame. Names the protocol version, the run token that binds the
 * agent to a team, the agent's stable instance id and what it observes.
 */
public record Hello(int protocolVersion, String runToken, String agentInstance, String agentKind,
                    String agentVersion, String hostname, String application, String component,
                    String version, Optional<String> policy, Compression compression,
                    Optional<String> containerId, boolean traceRequest) {

    /** A HELLO that does not ask for the packages to trace (field 14 absent). */
    public Hello(int protocolVersion, String runToken, String agentInstance, String agentKind, String agentVersion,
                 String hostname, String application, String component, String version, Optional<String> policy,
                 Compression compression, Optional<String> containerId) {
        this(protocolVersion, runToken, agentInstance, agentKind, agentVersion, hostname, application, component,
                version, policy, compression, containerId, false);
    }

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    /** Policy names as the appliance names policies ("Max Alert"). */
    private static final Pattern POLICY = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N} ._:()-]{0,99}");
    private static final Pattern INSTANCE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern PRINTABLE = Pattern.compile("[\\x21-\\x7E]{1,256}");

    public WireWriter encode() {
        WireWriter w = new WireWriter(256);
        w.uint(1, protocolVersion);
        w.string(2, runToken);
        w.string(3, agentInstance);
        w.string(4, agentKind);
        w.string(5, agentVersion);
        w.string(6, hostname);
        w.string(7, application);
        w.string(8, component);
        w.string(9, version);
        policy.ifPresent(p -> w.string(10, p));
        w.string(11, compression.wireName());
        containerId.ifPresent(c -> w.string(13, c));
        if (traceRequest) {
            w.uint(14, 1);
        }
        return w;
    }

    /**
     * Parses and validates a HELLO payload. The protocol version is parsed but not judged:
     * the appliance answers an unsupported one with its own error.
     *
     * @throws ProtocolException {@link ErrorCode#BAD_HELLO} naming the bad or missing field
     */
    public static Hello decode(byte[] buf, int off, int len) {
        WireReader r = new WireReader(buf, off, len);
        long version = -1;
        String token = null, instance = null, kind = "native", agentVersion = "", host = null;
        String app = null, comp = null, ver = null, policy = null, compression = "none", container = null;
        boolean trace = false;
        try {
            while (r.hasMore()) {
                int tag = r.readTag();
                int field = tag >>> 3;
                if (field == 1 || field == 12 || field == 14) {
                    expect(tag, WireReader.VARINT);
                    long v = r.readVarint();
                    if (field == 1) {
                        version = v;
                    } else if (field == 14) {
                        if (v > 1) {
                            throw bad("trace_request (field 14) must be 0 or 1");
                        }
                        trace = v == 1;
                    }
                    continue;
                }
                expect(tag, WireReader.LEN);
                String s = r.readString(1024);
                switch (field) {
                    case 2 -> token = s;
                    case 3 -> instance = s;
                    case 4 -> kind = s;
                    case 5 -> agentVersion = s;
                    case 6 -> host = s;
                    case 7 -> app = s;
                    case 8 -> comp = s;
                    case 9 -> ver = s;
                    case 10 -> policy = s;
                    case 11 -> compression = s;
                    case 13 -> container = s;
                    default -> throw bad("unknown HELLO field " + field);
                }
            }
        } catch (ProtocolException e) {
            if (e.code() == ErrorCode.BAD_HELLO) {
                throw e;
            }
            throw bad("malformed HELLO: " + e.getMessage());
        }
        if (version < 0) {
            throw bad("HELLO lacks protocol_version (field 1)");
        }
        if (version != Frames.PROTOCOL_VERSION) {
            throw new ProtocolException(ErrorCode.UNSUPPORTED_VERSION,
                    "protocol version " + version + " is not supported; this appliance speaks " + Frames.PROTOCOL_VERSION);
        }
        require(token != null && !token.isEmpty(), "HELLO lacks run_token (field 2)");
        require(token.length() <= 256, "run_token longer than 256 characters");
        require(instance != null && INSTANCE.matcher(instance).matches(),
                "agent_instance (field 3) must be 1-64 characters of letters, digits, '.', '_' or '-'");
        require(PRINTABLE.matcher(kind).matches(), "agent_kind (field 4) must be printable without spaces");
        require(agentVersion.length() <= 64, "agent_version (field 5) longer than 64 characters");
        require(host != null && PRINTABLE.matcher(host).matches(), "hostname (field 6) missing or not printable");
        require(app != null && NAME.matcher(app).matches(),
                "application (field 7) must be 1-128 characters of letters, digits, '.', '_', ':' or '-'");
        require(comp != null && NAME.matcher(comp).matches(),
                "component (field 8) must be 1-128 characters of letters, digits, '.', '_', ':' or '-'");
        require(ver != null && PRINTABLE.matcher(ver).matches() && ver.length() <= 128,
                "version (field 9) must be 1-128 printable characters without spaces");
        require(policy == null || POLICY.matcher(policy).matches(),
                "policy (field 10) must be 1-100 letters, digits, spaces or . _ : ( ) -, starting with a letter or digit");
        require(container == null || PRINTABLE.matcher(container).matches(), "container_id (field 13) not printable");
        final String comp0 = compression;
        Compression c = Compression.of(compression)
                .orElseThrow(() -> bad("unknown compression '" + comp0 + "'; use none or zstd"));
        return new Hello((int) version, token, instance, kind, agentVersion, host, app, comp, ver,
                Optional.ofNullable(policy), c, Optional.ofNullable(container), trace);
    }

    /** The HELLO with the run token elided, for logs. */
    @Override
    public String toString() {
        return "Hello[v" + protocolVersion + " agent=" + agentInstance + " kind=" + agentKind + " host=" + hostname
                + " app=" + application + "/" + component + "@" + version + " compression=" + compression.wireName() + "]";
    }

    private static void expect(int tag, int wireType) {
        if ((tag & 7) != wireType) {
            throw bad("HELLO field " + (tag >>> 3) + " has wire type " + (tag & 7));
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw bad(message);
        }
    }

    private static ProtocolException bad(String message) {
        return new ProtocolException(ErrorCode.BAD_HELLO, message);
    }
}
