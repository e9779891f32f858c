package dev.telltale.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.telltale.downloads.Bundle;
import dev.telltale.downloads.Bundles;
import dev.telltale.downloads.DownloadLinks;
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

    DownloadsApi(Bundles bundles, DownloadLinks links) {
        this.bundles = bundles;
        this.links = links;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::list)
                .get("/{file}", this::fetch);
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
        if (req.context().get(dev.telltale.auth.User.class).isEmpty()) {
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
