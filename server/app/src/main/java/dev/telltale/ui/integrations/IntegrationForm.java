package dev.telltale.ui.integrations;

import dev.telltale.notify.EventKind;
import dev.telltale.notify.IntegrationType;
import dev.telltale.notify.Notify;
import dev.telltale.ui.Form;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An integration as its form shows and sends it. Secret fields are never filled in: empty keeps
 * the stored value; custom headers are typed as {@code Name: value} lines (empty keeps them).
 */
record IntegrationForm(String type, String team, String name, boolean enabled, Set<String> events, String applications,
                       String url, String projectKey, String issueType, String apiVersion, String auth, String email,
                       String host, String port, String caPem, String headers) {

    static IntegrationForm blank() {
        return new IntegrationForm("webhook", "", "", true, Set.of("new_alert"), "", "", "", "Task", "2", "basic", "",
                "", "6514", "", "");
    }

    static IntegrationForm of(Notify.Integration i) {
        Map<String, String> s = i.settings();
        Set<String> events = new LinkedHashSet<>();
        i.kinds().forEach(k -> events.add(k.wire()));
        return new IntegrationForm(i.type().wire(), i.team(), i.name(), i.enabled(), events,
                String.join("\n", i.applications()), i.url().orElse(""), s.getOrDefault("project_key", ""),
                s.getOrDefault("issue_type", "Task"), s.getOrDefault("api_version", "2"), s.getOrDefault("auth", "basic"),
                s.getOrDefault("email", ""), s.getOrDefault("host", ""), s.getOrDefault("port", "6514"),
                s.getOrDefault("ca_pem", ""), "");
    }

    static IntegrationForm read(Form f) {
        return new IntegrationForm(f.text("type"), f.text("team"), f.text("name"), f.first("enabled").isPresent(),
                new LinkedHashSet<>(f.all("events")), f.first("applications").orElse(""), f.text("url"),
                f.text("project_key"), f.text("issue_type"), f.text("api_version"), f.text("auth"), f.text("email"),
                f.text("host"), f.text("port"), f.first("ca_pem").orElse("").strip(), "");
    }

    /**
     * The draft this form describes, with the secrets typed into it (never kept in the form).
     *
     * @throws IllegalArgumentException with "field|message" when the form itself is malformed
     */
    Notify.Draft draft(Form f) {
        IntegrationType t = IntegrationType.parse(type).orElseThrow(() -> new IllegalArgumentException(
                "type|Choose webhook, Slack, Jira or syslog."));
        Set<EventKind> kinds = new LinkedHashSet<>();
        events.forEach(e -> EventKind.parse(e).filter(EventKind::subscribable).ifPresent(kinds::add));
        List<String> apps = Arrays.stream(applications.split("\\R")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        Map<String, String> settings = new LinkedHashMap<>();
        Map<String, String> secrets = new LinkedHashMap<>();
        Optional<String> u = Optional.empty();
        switch (t) {
            case WEBHOOK -> {
                u = Optional.of(url);
                secret(f, "secret", secrets);
            }
            case SLACK -> secret(f, "webhook_url", secrets);
            case JIRA -> {
                u = Optional.of(url);
                settings.put("project_key", projectKey);
                settings.put("issue_type", issueType);
                settings.put("api_version", apiVersion);
                settings.put("auth", auth);
                if (!email.isEmpty()) {
                    settings.put("email", email);
                }
                secret(f, "api_token", secrets);
            }
            case SYSLOG -> {
                settings.put("host", host);
                settings.put("port", port);
                if (!caPem.isEmpty()) {
                    settings.put("ca_pem", caPem);
                }
            }
        }
        return new Notify.Draft(t, name, enabled, kinds, apps, u, settings, secrets, headers(f));
    }

    private static void secret(Form f, String name, Map<String, String> secrets) {
        String v = f.first(name).orElse("");
        if (!v.isEmpty()) {
            secrets.put(name, v);
        }
    }

    /** {@code Name: value} per line; no lines keeps the stored headers. */
    private static Optional<Map<String, String>> headers(Form f) {
        String text = f.first("headers").orElse("");
        if (text.isBlank()) {
            return Optional.empty();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : text.split("\\R")) {
            if (line.isBlank()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("headers|Write one header per line as Name: value.");
            }
            out.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
        }
        return Optional.of(out);
    }

    public boolean has(String event) {
        return events.contains(event);
    }
}
