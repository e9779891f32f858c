package dev.telltale.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.protocol.Compression;
import dev.telltale.protocol.Hello;
import dev.telltale.protocol.client.AgentConnection;
import dev.telltale.protocol.event.Event;
import dev.telltale.protocol.event.EventType;
import dev.telltale.protocol.event.Msg;
import dev.telltale.protocol.event.Schemas;
import dev.telltale.testing.Browser;
import dev.telltale.testing.RunningAppliance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.WebElement;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The events explorer in a real Chromium over real events sent by agents: searching, facets that
 * narrow the results, paging with the store's cursor, an event in full, a bad query's message next
 * to the box, and exports (CSV quoting and formula defusing, JSON lines as the API renders them).
 */
class EventsBrowserTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String NASTY = "=cmd|' /C calc'!A0 \"quoted\", comma";
    @TempDir
    static Path data;
    static RunningAppliance app;

    @BeforeAll
    static void start() throws Exception {
        app = RunningAppliance.start(data, "");
        String token = app.runToken(Optional.empty()).token();
        long base = System.currentTimeMillis() * 1000 - 60_000_000L;
        List<Event> web = new ArrayList<>();
        for (int i = 0; i < 45; i++) {
            Event e = Event.of(EventType.FILE, i * 1000L, 100, 101);
            e.body().set("op", "open").set("path", "/srv/app/file-" + i);
            e.stack().add(new Msg(Schemas.STACK_FRAME).set("stack.module", "/usr/lib/libc.so.6").set("stack.offset", 0x1234L)
                    .set("stack.symbol", "open"));
            web.add(e);
        }
        for (int i = 0; i < 10; i++) {
            Event e = Event.of(EventType.NETWORK, 50_000L + i * 1000L, 100, 101);
            e.body().set("op", "connect").set("raddr", "10.0.0." + i).set("rport", 443L);
            web.add(e);
        }
        send(RunningAppliance.hello(token, "web-1", Compression.ZSTD), base, web);
        List<Event> billing = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            Event e = Event.of(EventType.API, 70_000L + i * 1000L, 200, 200);
            e.body().set("api", NASTY).set("args", List.of("x"));
            billing.add(e);
        }
        send(new Hello(1, token, "db-1", "native", "0.1.0", "host-db-1", "billing", "invoices", "2.0.0", Optional.empty(),
                Compression.ZSTD, Optional.empty()), base, billing);
        app.awaitSearch("", 70);
    }

    static void send(Hello hello, long baseUs, List<Event> events) throws Exception {
        try (AgentConnection conn = app.connect()) {
            conn.hello(hello);
            conn.sendRaw(conn.encoder().frame(1, baseUs, events));
            conn.awaitAck(events.size());
        }
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void searchFacetsPagesAndOneEventInFull() throws Exception {
        try (Browser b = Browser.open(app, 1280)) {
            b.signIn("admin", RunningAppliance.ADMIN_PASSWORD);
            b.go("/events");
            assertEquals("Events", b.text("h1"));
            assertTrue(b.text("#results-h").startsWith("70 events"), b.text("#results-h"));
            assertEquals(50, rows(b).size(), "a page of 50, newest first");
            assertTrue(b.all("svg.timeline a").size() > 0, "a histogram drawn on the server, its columns links");
            assertTrue(b.text("#q-hints").contains("path:/etc/shadow"), "examples under the box");

            List<String> first = uids(b);
            b.submit("a[rel=next]");
            List<String> second = uids(b);
            assertEquals(20, second.size(), "the rest on the next page");
            Set<String> all = new HashSet<>(first);
            all.addAll(second);
            assertEquals(70, all.size(), "no event twice, none left out");

            b.go("/events");
            b.submit("a[data-facet=type][href*='%22api%22']");
            assertEquals("type:\"api\"", b.find("#q").getAttribute("value"), "the facet refined the query");
            assertTrue(b.text("#results-h").startsWith("15 events"), b.text("#results-h"));
            assertTrue(rows(b).stream().allMatch(r -> r.findElements(org.openqa.selenium.By.tagName("td")).get(1).getText()
                    .equals("api")), "only api events");
            b.submit("a[data-facet=host][href*='db-1']");
            assertEquals("type:\"api\" AND host:\"host-db-1\"", b.find("#q").getAttribute("value"));
            b.submit("a[data-facet=type].active");
            assertEquals("host:\"host-db-1\"", b.find("#q").getAttribute("value"), "an active facet takes itself out");

            b.type("q", "type:file AND path:/srv/app/file-7");
            b.submit("form[role=search] button[type=submit]");
            assertTrue(b.text("#results-h").startsWith("1 event,"), b.text("#results-h"));
            b.screenshot("events");
            b.submit("table.events tbody tr td a");
            assertTrue(b.text("h1").contains("/srv/app/file-7"), b.text("h1"));
            assertTrue(b.text("dl.event-fields").contains("/srv/app/file-7"));
            assertTrue(b.text("pre.stack").contains("#0 /usr/lib/libc.so.6+0x1234 open"), b.text("pre.stack"));
            assertTrue(b.text("main").contains("host-web-1"));
            b.screenshot("event-detail");
            b.submit(".crumbs a");
            assertEquals("type:file AND path:/srv/app/file-7", b.find("#q").getAttribute("value"), "back to the same search");
        }
    }

    @Test
    void aBadQueryIsExplainedNextToTheBox() throws Exception {
        try (Browser b = Browser.open(app, 1280)) {
            b.signIn("admin", RunningAppliance.ADMIN_PASSWORD);
            b.go("/events?q=" + URLEncoder.encode("path:(unclosed", StandardCharsets.UTF_8));
            assertFalse(b.all("#q-error").isEmpty(), () -> b.text("main"));
            assertTrue(b.text("#q-error").startsWith("Cannot parse query"), b.text("main"));
            assertEquals("q-error q-hints", b.find("#q").getAttribute("aria-describedby"));
            b.go("/events?range=custom&from=yesterday");
            assertTrue(b.text("#from-error").contains("date and time"), b.text("main"));
        }
    }

    @Test
    void exportsEveryMatchQuotedAndDefused() throws Exception {
        String cookie;
        try (Browser b = Browser.open(app, 1280)) {
            b.signIn("admin", RunningAppliance.ADMIN_PASSWORD);
            b.go("/events?q=" + URLEncoder.encode("app:billing", StandardCharsets.UTF_8));
            String href = b.find("a[href^='/events/export'][href*='format=csv']").getAttribute("href");
            assertTrue(href.contains("q=app%3Abilling"), href);
            cookie = "tt_session=" + b.driver().manage().getCookieNamed("tt_session").getValue();
        }
        HttpResponse<String> csv = fetch("/events/export?format=csv&range=all&q=" + URLEncoder.encode("app:billing",
                StandardCharsets.UTF_8), cookie);
        assertEquals(200, csv.statusCode());
        assertTrue(csv.headers().firstValue("content-disposition").orElse("").startsWith("attachment;"));
        String[] lines = csv.body().split("\n");
        assertEquals(16, lines.length, "a header and 15 events");
        assertTrue(lines[0].startsWith("time,received,uid"), lines[0]);
        assertTrue(lines[1].contains(",\"'=cmd|' /C calc'!A0 \"\"quoted\"\", comma x\","), "quoted, and no formula: " + lines[1]);

        HttpResponse<String> all = fetch("/events/export?format=jsonl&range=all", cookie);
        String[] json = all.body().split("\n");
        assertEquals(70, json.length, "every event, not just a page");
        Set<Long> uids = new HashSet<>();
        for (String line : json) {
            uids.add(JSON.readTree(line).get("uid").asLong());
        }
        assertEquals(70, uids.size());
        JsonNode one = JSON.readTree(json[json.length - 1]);
        assertEquals("file", one.get("type").asText(), "oldest last");
        assertEquals("/usr/lib/libc.so.6", one.get("stack").get(0).get("module").asText());

        JsonNode audit = JSON.readTree(app.get("/api/v1/audit?action=events.export", app.apiToken()).body());
        assertTrue(audit.get("entries").size() >= 2, "exports are audited: " + audit);
        HttpResponse<String> forged = fetch("/events/export?format=csv", "tt_session=forged");
        assertEquals(303, forged.statusCode(), "no export without a session");
        assertTrue(forged.headers().firstValue("location").orElse("").startsWith("/login"));
    }

    @Test
    void usableOnANarrowWindow() throws Exception {
        try (Browser b = Browser.open(app, 420)) {
            b.signIn("admin", RunningAppliance.ADMIN_PASSWORD);
            b.go("/events");
            Number scroll = (Number) ((org.openqa.selenium.JavascriptExecutor) b.driver())
                    .executeScript("return document.documentElement.scrollWidth - document.documentElement.clientWidth");
            assertTrue(scroll.intValue() <= 0, "no sideways scrolling of the page: " + scroll);
            assertFalse(b.all("table.events").isEmpty());
            b.screenshot("events-narrow");
        }
    }

    static List<WebElement> rows(Browser b) {
        return b.all("table.events tbody tr");
    }

    static List<String> uids(Browser b) {
        return b.all("table.events tbody tr td a").stream().map(a -> a.getAttribute("href").replaceAll(".*/events/(\\d+).*", "$1"))
                .toList();
    }

    static HttpResponse<String> fetch(String path, String cookie) throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(app.tls()).build();
        return http.send(HttpRequest.newBuilder(URI.create("https://localhost:" + app.appliance().httpsPort() + path))
                .header("Cookie", cookie).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
