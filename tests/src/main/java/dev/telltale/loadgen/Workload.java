package dev.telltale.loadgen;

import java.util.List;

/**
 * What a typical containerised Java web shop talks to and does, beyond what the machine
 * itself shows: its peers, the URIs it serves, the calls that raise memory warnings. The
 * generator mixes these with the machine's real files, libraries and jars.
 */
final class Workload {
    private Workload() {
    }

    /** A service the process resolves and connects to. */
    record Peer(String fqdn, int port, String transport, List<String> addresses) {
    }

    static final List<Peer> PEERS = List.of(
            new Peer("db.shop.svc.cluster.local", 5432, "tcp", List.of("10.96.14.201")),
            new Peer("redis-master.cache.svc.cluster.local", 6379, "tcp", List.of("10.96.3.77")),
            new Peer("kafka-0.kafka-headless.data.svc.cluster.local", 9092, "tcp", List.of("10.244.2.19")),
            new Peer("kafka-1.kafka-headless.data.svc.cluster.local", 9092, "tcp", List.of("10.244.1.42")),
            new Peer("inventory.shop.svc.cluster.local", 8080, "tcp", List.of("10.96.88.12")),
            new Peer("api.stripe.com", 443, "tcp", List.of("54.187.174.169", "54.187.205.235", "54.187.216.72")),
            new Peer("sts.eu-west-1.amazonaws.com", 443, "tcp", List.of("52.94.4.77", "52.94.4.84")),
            new Peer("s3.eu-west-1.amazonaws.com", 443, "tcp", List.of("52.218.104.41", "52.92.33.186", "3.5.70.143")),
            new Peer("sqs.eu-west-1.amazonaws.com", 443, "tcp", List.of("52.119.185.78")),
            new Peer("oauth2.googleapis.com", 443, "tcp", List.of("142.250.179.170", "2a00:1450:400e:80f::200a")),
            new Peer("hooks.slack.com", 443, "tcp", List.of("54.164.238.177", "3.210.221.111")),
            new Peer("otel-collector.observability.svc.cluster.local", 4317, "tcp", List.of("10.96.201.9")),
            new Peer("kube-dns.kube-system.svc.cluster.local", 53, "udp", List.of("10.96.0.10")));

    /** Served URIs, {@code {n}} standing for a number. */
    static final List<String> URIS = List.of(
            "/api/v1/products?category=shoes&page={n}", "/api/v1/products/{n}", "/api/v1/cart",
            "/api/v1/cart/items/{n}", "/api/v1/orders", "/api/v1/orders/{n}", "/api/v1/orders/{n}/payment",
            "/api/v1/customers/{n}/addresses", "/login", "/logout", "/oauth2/callback?code={n}&state=xyz",
            "/actuator/health", "/actuator/prometheus", "/static/js/app.{n}.js", "/static/css/main.{n}.css",
            "/images/products/{n}.webp", "/api/v1/search?q=running+shoes&sort=price", "/favicon.ico");

    static final List<String> METHODS = List.of("GET", "GET", "GET", "GET", "POST", "POST", "PUT", "DELETE", "PATCH");

    /** Unsafe memory calls: kind, function. */
    static final List<String[]> MEMORY_WARNINGS = List.of(
            new String[]{"buffer_overflow", "strcpy"}, new String[]{"buffer_overflow", "strcat"},
            new String[]{"buffer_overflow", "sprintf"}, new String[]{"buffer_overflow", "memcpy"},
            new String[]{"unbounded_read", "gets"}, new String[]{"format_string", "vsprintf"},
            new String[]{"buffer_overflow", "stpcpy"});

    /** Calls reported as plain API events: name and typical arguments. */
    static final List<String[]> APIS = List.of(
            new String[]{"mprotect", "0x7f3a2c000000", "4096", "PROT_READ|PROT_WRITE|PROT_EXEC"},
            new String[]{"prctl", "PR_SET_NAME", "C2 CompilerThre"},
            new String[]{"dlopen", "/usr/lib/x86_64-linux-gnu/libnss_dns.so.2", "RTLD_LAZY"},
            new String[]{"setrlimit", "RLIMIT_NOFILE", "1048576", "1048576"},
            new String[]{"sigaction", "SIGSEGV", "SA_SIGINFO|SA_RESTART"},
            new String[]{"ptrace", "PTRACE_TRACEME"},
            new String[]{"chroot", "/var/empty"},
            new String[]{"mmap", "NULL", "2097152", "PROT_READ|PROT_EXEC", "MAP_PRIVATE"},
            new String[]{"seccomp", "SECCOMP_SET_MODE_FILTER"},
            new String[]{"personality", "ADDR_NO_RANDOMIZE"});

    /** Commands a web service runs: path and argv. */
    static final List<List<String>> COMMANDS = List.of(
            List.of("/usr/bin/sh", "sh", "-c", "df -Pk /tmp"),
            List.of("/usr/bin/curl", "curl", "-fsS", "--max-time", "5", "http://inventory.shop.svc.cluster.local:8080/health"),
            List.of("/usr/bin/bash", "bash", "/opt/shop/bin/rotate-logs.sh", "--keep=7"),
            List.of("/usr/bin/python3.11", "python3", "/opt/shop/bin/thumbnail.py", "--size", "320x320"),
            List.of("/usr/bin/ls", "ls", "-la", "/var/lib/shop/uploads"));

    /** Files a Java web service writes or reads besides what the OS has. */
    static final List<String> APP_FILES = List.of(
            "/var/log/shop/application.log", "/var/log/shop/access.log", "/var/log/shop/gc.log",
            "/tmp/tomcat.8080.4112230851921771/work/Tomcat/localhost/ROOT", "/tmp/hsperfdata_shop/1",
            "/var/lib/shop/uploads/invoice-{n}.pdf", "/var/lib/shop/cache/catalog-{n}.bin",
            "/proc/self/cgroup", "/proc/self/mountinfo", "/proc/meminfo", "/proc/self/stat",
            "/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/cpu.max", "/etc/hosts", "/etc/resolv.conf",
            "/etc/nsswitch.conf", "/etc/ssl/certs/ca-certificates.crt", "/dev/urandom", "/etc/passwd",
            "/home/shop/.aws/credentials", "/etc/shadow", "/tmp/upload-{n}.tmp");

    /** Variables a containerised Spring Boot service is started with; secrets get fake values. */
    static final List<String[]> APP_ENVIRONMENT = List.of(
            new String[]{"JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"},
            new String[]{"SPRING_PROFILES_ACTIVE", "prod,kubernetes"},
            new String[]{"SPRING_DATASOURCE_URL", "jdbc:postgresql://db.shop.svc.cluster.local:5432/shop"},
            new String[]{"SPRING_DATASOURCE_USERNAME", "shop"},
            new String[]{"SPRING_DATASOURCE_PASSWORD", null},
            new String[]{"AWS_REGION", "eu-west-1"},
            new String[]{"AWS_ACCESS_KEY_ID", null},
            new String[]{"AWS_SECRET_ACCESS_KEY", null},
            new String[]{"STRIPE_API_KEY", null},
            new String[]{"SLACK_WEBHOOK_TOKEN", null},
            new String[]{"GITHUB_TOKEN", null},
            new String[]{"DATABASE_URL", null},
            new String[]{"KUBERNETES_SERVICE_HOST", "10.96.0.1"},
            new String[]{"KUBERNETES_SERVICE_PORT", "443"},
            new String[]{"SERVER_PORT", "8080"},
            new String[]{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://otel-collector.observability.svc.cluster.local:4317"},
            new String[]{"TZ", "UTC"});
}
