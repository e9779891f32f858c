package dev.telltale.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.telltale.auth.RunTokens;
import dev.telltale.auth.User;
import dev.telltale.downloads.AgentConfigFile;
import dev.telltale.downloads.Bundle;
import dev.telltale.downloads.Bundles;
import dev.telltale.downloads.DownloadLinks;
import dev.telltale.teams.Teams;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/**
 * {@code /api/v1/downloads}: the agent bundles with sizes and checksums, and the bundles
 * themselves — to an authenticated user, or to anyone holding a signed, expiring link from
 * an install one-liner.
 */
final class DownloadsApi implements HttpService {
    private final Bundles bundles;
    private final DownloadLinks links;
    private final RunTokens runTokens;
    private final Teams teams;
    private final Agents agentsEndpoint;

    /** Where agents reach this appliance, as the generated configuration states it. */
    record Agents(java.util.Optional<String> publicHost, java.util.function.IntSupplier ingestPort,
                  java.util.function.IntSupplier httpsPort, java.util.function.Supplier<String> caPem) {
    }

    DownloadsApi(Bundles bundles, DownloadLinks links, RunTokens runTokens, Teams teams, Agents agents) {
        this.bundles = bundles;
        this.links = links;
        this.runTokens = runTokens;
        this.teams = teams;
        this.agentsEndpoint = agents;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::list)
                .post("/config", this::config)
                .get("/{file}", this::fetch);
    }

    /**
     * A fresh run token for a team, in a configuration file with the ingestion address and the
     * CA, and an install one-liner for the chosen bundle.
     */
    private void config(ServerRequest req, ServerResponse res) {
        User admin = Principal.user(req);
        var body = Json.body(req);
        Teams.Team team = Json.team(body, teams);
        Principal.require(req, dev.telltale.rbac.Permission.RUN_TOKENS_MANAGE, team.id());
        String libc = Json.optionalText(body, "libc").orElse("glibc");
        if (!libc.equals("glibc") && !libc.equals("musl")) {
            throw ApiProblem.badRequest("'libc' must be glibc or musl");
        }
        String bundle = "telltale-agent-linux-x86_64-" + libc + ".tar.gz";
        String host = agentsEndpoint.publicHost().orElseGet(() -> requestHost(req));
        try {
            AgentConfigFile.checkHost(host);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest("cannot tell agents where to connect: set telltale.public-host");
        }
        RunTokens.CreatedRunToken token = runTokens.create(team.id(), "agent install", java.util.Optional.empty(),
                admin.username());
        String config = AgentConfigFile.render(team.name(), admin.username(), token.createdAt(), host,
                agentsEndpoint.ingestPort().getAsInt(), token.token(), agentsEndpoint.caPem().get());
        String base = "https://" + host + ":" + agentsEndpoint.httpsPort().getAsInt();
        Json.send(res, io.helidon.http.Status.CREATED_201, Json.object()
                .put("filename", "telltale.conf")
                .put("team", team.name())
                .put("run_token_id", token.id())
                .put("bundle", bundle)
                .put("bundle_available", bundles.find(bundle).isPresent())
                .put("config", config)
                .put("install", AgentConfigFile.installCommand(base, bundle, links.query(bundle), agentsEndpoint.caPem().get(),
                        config)));
    }

    /** The host name the user reached the appliance by (no port). */
    private static String requestHost(ServerRequest req) {
        String authority = req.authority();
        if (authority.startsWith("[")) {
            int end = authority.indexOf(']');
            return end > 0 ? authority.substring(0, end + 1) : authority;
        }
        int colon = authority.lastIndexOf(':');
        return colon > 0 ? authority.substring(0, colon) : authority;
    }

    private void list(ServerRequest req, ServerResponse res) {
        Principal.user(req);
        ArrayNode arr = Json.MAPPER.createArrayNode();
        for (Bundle b : bundles.list()) {
            arr.addObject().put("name", b.name()).put("size", b.size()).put("sha256", b.sha256())
                    .put("os", "linux").put("arch", "x86_64").put("libc", b.libc())
                    .put("url", "/api/v1/downloads/" + b.name());
        }
        Json.send(res, Json.object().set("bundles", arr));
    }

    private void fetch(ServerRequest req, ServerResponse res) {
        String name = req.path().pathParameters().get("file");
        if (req.context().get(User.class).isEmpty()) {
            String expires = req.query().first("expires").orElse("");
            String signature = req.query().first("signature").orElse("");
            if (!links.valid(name, expires, signature)) {
                throw ApiProblem.unauthorized("this download link is invalid or has expired");
            }
        }
        Bundle b = bundles.find(name).orElseThrow(() -> ApiProblem.notFound("no bundle named '" + name + "'"));
        res.header(HeaderNames.CONTENT_TYPE, "application/gzip");
        res.header(HeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"" + b.name() + "\"");
        res.header("X-Checksum-SHA256", b.sha256());
        res.contentLength(b.size());
        try (InputStream in = Files.newInputStream(b.path()); OutputStream out = res.outputStream()) {
            in.transferTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot send " + b.name(), e);
        }
    }
}
