package dev.telltale.notify;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validation of what a person sets, per integration type; each message names the field and never
 * repeats a secret's value. Secrets and headers absent from a draft are taken from the stored ones.
 */
final class Drafts {
    static final int MAX_HEADERS = 5;
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}");
    private static final Pattern PROJECT = Pattern.compile("[A-Z][A-Z0-9_]{0,49}");
    private static final Set<String> RESERVED = Set.of("host", "content-length", "content-type", "connection",
            "transfer-encoding", "expect", "upgrade", "user-agent", "te", "trailer", "keep-alive", "proxy-authorization");
    private static final Map<IntegrationType, Set<String>> SETTINGS = Map.of(
            IntegrationType.WEBHOOK, Set.of(), IntegrationType.SLACK, Set.of(),
            IntegrationType.JIRA, Set.of("project_key", "issue_type", "api_version", "auth", "email"),
            IntegrationType.SYSLOG, Set.of("host", "port", "ca_pem"));
    private static final Map<IntegrationType, Set<String>> SECRETS = Map.of(
            IntegrationType.WEBHOOK, Set.of("secret"), IntegrationType.SLACK, Set.of("webhook_url"),
            IntegrationType.JIRA, Set.of("api_token"), IntegrationType.SYSLOG, Set.of());

    /** A checked draft: normalised settings, and every secret (new ones over the stored ones). */
    record Checked(Notify.Draft draft, Optional<String> url, Map<String, String> settings, Map<String, String> secrets,
                   Map<String, String> headers) {
        @Override
        public String toString() {
            return "Checked[" + draft + "]";
        }
    }

    private Drafts() {
    }

    static Checked check(Notify.Draft d, Optional<Secrets> stored, boolean allowHttp) {
        String name = d.name() == null ? "" : d.name().strip();
        if (name.isEmpty() || name.length() > 100) {
            throw NotifyException.invalid("'name' must be 1 to 100 characters");
        }
        if (d.kinds().isEmpty() || d.kinds().stream().anyMatch(k -> !k.subscribable())) {
            throw NotifyException.invalid("'events' must list at least one of new_alert, state_change,"
                    + " new_vulnerability, agent_gap, system");
        }
        if (d.type() == IntegrationType.JIRA && !d.kinds().equals(Set.of(EventKind.NEW_ALERT))) {
            throw NotifyException.invalid("'events' of a Jira integration must be [new_alert]: one issue per new"
                    + " alert occurrence");
        }
        if (d.applications().size() > 50 || d.applications().stream().anyMatch(a -> a.isBlank() || a.length() > 200)) {
            throw NotifyException.invalid("'applications' must list at most 50 names of 1 to 200 characters");
        }
        for (String k : d.settings().keySet()) {
            if (!SETTINGS.get(d.type()).contains(k)) {
                throw NotifyException.invalid("unknown setting '" + k + "' for a " + d.type().wire() + " integration;"
                        + " expected " + SETTINGS.get(d.type()));
            }
        }
        for (String k : d.secrets().keySet()) {
            if (!SECRETS.get(d.type()).contains(k)) {
                throw NotifyException.invalid("unknown secret '" + k + "' for a " + d.type().wire() + " integration;"
                        + " expected " + SECRETS.get(d.type()));
            }
        }
        Map<String, String> secrets = new LinkedHashMap<>(stored.map(Secrets::values).orElse(Map.of()));
        d.secrets().forEach((k, v) -> {
            if (v != null && !v.isEmpty()) {
                secrets.put(k, v);
            }
        });
        Map<String, String> headers = d.headers().map(h -> checkHeaders(d.type(), h))
                .orElse(stored.map(Secrets::headers).orElse(Map.of()));
        Map<String, String> settings = new LinkedHashMap<>(d.settings());
        Optional<String> url = d.url().filter(u -> !u.isBlank()).map(String::strip);
        switch (d.type()) {
            case WEBHOOK -> {
                url("url", url.orElseThrow(() -> NotifyException.invalid("'url' is required")), allowHttp);
                String s = secrets.get("secret");
                if (s == null || s.length() < 16 || s.length() > 200) {
                    throw NotifyException.invalid("'secrets.secret' (the HMAC key) must be 16 to 200 characters");
                }
            }
            case SLACK -> {
                noUrl(url);
                url("secrets.webhook_url", secrets.getOrDefault("webhook_url", ""), allowHttp);
            }
            case JIRA -> jira(url, settings, secrets, allowHttp);
            case SYSLOG -> syslog(url, settings);
        }
        if (d.type() != IntegrationType.WEBHOOK && !headers.isEmpty()) {
            throw NotifyException.invalid("'headers' apply to webhooks only");
        }
        return new Checked(new Notify.Draft(d.type(), name, d.enabled(), d.kinds(), d.applications(), url,
                settings, Map.of(), Optional.empty()), url, Map.copyOf(settings), Map.copyOf(secrets), Map.copyOf(headers));
    }

    private static void noUrl(Optional<String> url) {
        if (url.isPresent()) {
            throw NotifyException.invalid("'url' does not apply: a Slack webhook's address is secret and goes in"
                    + " 'secrets.webhook_url'");
        }
    }

    private static void jira(Optional<String> url, Map<String, String> settings, Map<String, String> secrets,
                             boolean allowHttp) {
        url("url", url.orElseThrow(() -> NotifyException.invalid("'url' (the Jira site) is required")), allowHttp);
        String project = settings.getOrDefault("project_key", "");
        if (!PROJECT.matcher(project).matches()) {
            throw NotifyException.invalid("'settings.project_key' must be a Jira project key such as SEC");
        }
        String type = settings.getOrDefault("issue_type", "Task").strip();
        if (type.isEmpty() || type.length() > 100) {
            throw NotifyException.invalid("'settings.issue_type' must be 1 to 100 characters");
        }
        settings.put("issue_type", type);
        String api = settings.getOrDefault("api_version", "2");
        if (!api.equals("2") && !api.equals("3")) {
            throw NotifyException.invalid("'settings.api_version' must be 2 or 3");
        }
        settings.put("api_version", api);
        String auth = settings.getOrDefault("auth", "basic");
        if (!auth.equals("basic") && !auth.equals("bearer")) {
            throw NotifyException.invalid("'settings.auth' must be basic (email and API token) or bearer");
        }
        settings.put("auth", auth);
        if (auth.equals("basic") && (settings.getOrDefault("email", "").isBlank()
                || settings.get("email").length() > 200 || !settings.get("email").contains("@"))) {
            throw NotifyException.invalid("'settings.email' is required for basic authentication");
        }
        if (auth.equals("bearer")) {
            settings.remove("email");
        }
        String token = secrets.getOrDefault("api_token", "");
        if (token.isEmpty() || token.length() > 2000 || token.chars().anyMatch(ch -> ch < 0x21 || ch > 0x7e)) {
            throw NotifyException.invalid("'secrets.api_token' is required: printable characters, at most 2000");
        }
    }

    private static void syslog(Optional<String> url, Map<String, String> settings) {
        if (url.isPresent()) {
            throw NotifyException.invalid("'url' does not apply to syslog: set 'settings.host' and 'settings.port'");
        }
        String host = settings.getOrDefault("host", "").strip();
        if (host.isEmpty() || host.length() > 253 || !host.matches("[A-Za-z0-9.:\\[\\]-]+")) {
            throw NotifyException.invalid("'settings.host' must be a host name or address");
        }
        settings.put("host", host);
        int port;
        try {
            port = Integer.parseInt(settings.getOrDefault("port", "6514").strip());
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            throw NotifyException.invalid("'settings.port' must be 1-65535 (6514 is syslog over TLS)");
        }
        settings.put("port", String.valueOf(port));
        String pem = settings.getOrDefault("ca_pem", "");
        if (pem.isBlank()) {
            settings.remove("ca_pem");
        } else {
            try {
                Tls.parse(pem);
            } catch (IllegalArgumentException e) {
                throw NotifyException.invalid("'settings.ca_pem' " + e.getMessage());
            }
        }
    }

    private static Map<String, String> checkHeaders(IntegrationType type, Map<String, String> headers) {
        if (headers.size() > MAX_HEADERS) {
            throw NotifyException.invalid("at most " + MAX_HEADERS + " custom headers");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> h : headers.entrySet()) {
            String n = h.getKey();
            String lower = n.toLowerCase(Locale.ROOT);
            if (!TOKEN.matcher(n).matches() || RESERVED.contains(lower) || lower.startsWith("x-telltale-")) {
                throw NotifyException.invalid("header name '" + (TOKEN.matcher(n).matches() ? n : "?")
                        + "' is not allowed (a token, not a header the appliance sets)");
            }
            String v = h.getValue() == null ? "" : h.getValue();
            if (v.isEmpty() || v.length() > 2000 || v.chars().anyMatch(ch -> ch < 0x20 && ch != '\t' || ch == 0x7f)) {
                throw NotifyException.invalid("the value of header '" + n + "' must be 1 to 2000 printable characters");
            }
            out.put(n, v);
        }
        return out;
    }

    /**
     * An https URL with a host, without credentials or fragment ({@code http} too when allowed for tests).
     * Messages never repeat the URL: a Slack URL is a secret.
     */
    static URI url(String field, String value, boolean allowHttp) {
        if (value.isEmpty()) {
            throw NotifyException.invalid("'" + field + "' is required");
        }
        URI u;
        try {
            u = new URI(value);
        } catch (URISyntaxException e) {
            throw NotifyException.invalid("'" + field + "' is not a valid URL");
        }
        String scheme = Optional.ofNullable(u.getScheme()).orElse("").toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(allowHttp && scheme.equals("http"))) {
            throw NotifyException.invalid("'" + field + "' must be an https:// URL");
        }
        if (u.getHost() == null || u.getRawUserInfo() != null || u.getRawFragment() != null || value.length() > 2000) {
            throw NotifyException.invalid("'" + field + "' must name a host, and hold no credentials and no fragment");
        }
        return u;
    }

    static List<String> secretNames(IntegrationType t) {
        return List.copyOf(SECRETS.get(t));
    }
}
