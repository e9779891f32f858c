package dev.telltale.ui;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import org.thymeleaf.TemplateEngine;
import org.thymeleaf.context.Context;
import org.thymeleaf.context.IExpressionContext;
import org.thymeleaf.linkbuilder.StandardLinkBuilder;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.ClassLoaderTemplateResolver;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * Renders the templates of the web module ({@code templates/*.html} on the class path) and sends
 * them with the headers every page gets: no caching, no framing, no inline scripts or styles, no
 * referrer (page URLs can hold search queries).
 */
public final class Views {
    static final String CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self';"
            + " frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'";
    private final TemplateEngine engine = new TemplateEngine();

    public Views() {
        ClassLoaderTemplateResolver r = new ClassLoaderTemplateResolver(Views.class.getClassLoader());
        r.setPrefix("templates/");
        r.setSuffix(".html");
        r.setTemplateMode(TemplateMode.HTML);
        r.setCharacterEncoding("UTF-8");
        r.setCacheable(true);
        engine.setTemplateResolver(r);
        // The appliance serves at the root: links like @{/alerts(state=...)} need no servlet context.
        engine.setLinkBuilder(new StandardLinkBuilder() {
            @Override
            protected String computeContextPath(IExpressionContext context, String base, Map<String, Object> parameters) {
                return "";
            }
        });
    }

    /** Renders {@code template} with {@code model} and sends it with {@code status}. */
    public void send(ServerResponse res, int status, String template, Map<String, Object> model) {
        String html = render(template, model);
        res.status(Status.create(status));
        headers(res);
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        res.send(html.getBytes(StandardCharsets.UTF_8));
    }

    public String render(String template, Map<String, Object> model) {
        Context ctx = new Context(Locale.UK);
        ctx.setVariables(model);
        return engine.process(template, ctx);
    }

    public static void headers(ServerResponse res) {
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.header(HeaderNames.create("Content-Security-Policy"), CSP);
        res.header(HeaderNames.create("X-Content-Type-Options"), "nosniff");
        res.header(HeaderNames.create("X-Frame-Options"), "DENY");
        // same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on form posts, which the
        // same-origin check of state changes must refuse.
        res.header(HeaderNames.create("Referrer-Policy"), "same-origin");
    }

    /** A 303 to a path of this appliance (Post/Redirect/Get). */
    public static void redirect(ServerResponse res, String path) {
        res.header(HeaderNames.LOCATION, Redirects.local(path));
        res.status(Status.SEE_OTHER_303).send();
    }
}
