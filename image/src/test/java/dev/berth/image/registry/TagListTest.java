package dev.berth.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RegistryClient.listTags against the in-process registry: Link pagination followed page by page,
 * and refused when it would leave the registry or go round in circles.
 */
class TagListTest {
    @TempDir
    Path tmp;

    private FakeRegistry reg;
    private RegistryClient client;

    @BeforeEach
    void start() throws IOException {
        reg = new FakeRegistry();
        client = RegistryClient.builder().dockerConfig(tmp.resolve("config.json"))
                .retry(RegistryClientFaultTest.FAST).build();
        TestImage image = TestImage.build("plain");
        for (String tag : List.of("b", "a", "c")) {
            reg.addImage("app", tag, image);
        }
    }

    @AfterEach
    void stop() {
        client.close();
        reg.close();
    }

    @Test
    void followsTheNextLinkPageByPage() throws IOException {
        reg.tagPageSize = 1;
        assertEquals(List.of("a", "b", "c"), client.listTags(reg.ref("app")));
        List<String> queries = reg.seen("GET", "/v2/app/tags/list").stream().map(FakeRegistry.Seen::query).toList();
        assertEquals(java.util.Arrays.asList(null, "n=1&last=a", "n=1&last=b"), queries,
                "the first page as asked, then exactly what each Link said");
    }

    @Test
    void aListWithoutLinkIsOnePage() throws IOException {
        assertEquals(List.of("a", "b", "c"), client.listTags(reg.ref("app:ignored")));
        assertEquals(1, reg.seen("GET", "/v2/app/tags/list").size());
    }

    @Test
    void anUnknownRepositoryIsTheRegistrysError() {
        RegistryException e = assertThrows(RegistryException.class, () -> client.listTags(reg.ref("nothing")));
        assertEquals(404, e.status());
        assertTrue(e.hasCode("NAME_UNKNOWN"), e.getMessage());
        assertTrue(e.getMessage().contains("/v2/nothing/tags/list"), e.getMessage());
    }

    @Test
    void aNextPageOnAnotherServerIsNotFollowed() {
        reg.intercept(ex -> page(ex, "[\"a\"]", "<http://127.0.0.2:1/v2/app/tags/list?last=a>; rel=\"next\""));
        RegistryException e = assertThrows(RegistryException.class, () -> client.listTags(reg.ref("app")));
        assertTrue(e.getMessage().contains("http://127.0.0.2:1/v2/app/tags/list?last=a, is on another server"),
                e.getMessage());
        assertEquals(1, reg.seen.size(), "nothing was sent anywhere else");
    }

    @Test
    void aNextPageThatWasReadBeforeEndsTheListWithAnError() {
        reg.intercept(ex -> page(ex, "[\"a\"]", "</v2/app/tags/list?last=a>; rel=\"next\""));
        RegistryException e = assertThrows(RegistryException.class, () -> client.listTags(reg.ref("app")));
        assertTrue(e.getMessage().contains("tag list pages lead back to this one"), e.getMessage());
        assertEquals(2, reg.seen("GET", "/v2/app/tags/list").size());
    }

    @Test
    void anInvalidTagIsRefused() {
        reg.intercept(ex -> page(ex, "[\"ok\", \"-bad\"]", null));
        RegistryException e = assertThrows(RegistryException.class, () -> client.listTags(reg.ref("app")));
        assertTrue(e.getMessage().endsWith("tag list holds an invalid tag: -bad"), e.getMessage());
    }

    @Test
    void theNextLinkIsFoundAmongOthers() {
        assertEquals("/x?n=2&last=b", TagPages.nextTarget("</x?n=2&last=b>; rel=\"next\""));
        assertEquals("/n", TagPages.nextTarget("</p>; rel=\"prev\", </n>; title=\"a, b\"; REL=\"first Next\""));
        assertNull(TagPages.nextTarget("</p>; rel=prev"));
        assertNull(TagPages.nextTarget("no link here"));
    }

    /** Answers a tag list request with {@code tags} and, unless null, {@code link}. */
    private static boolean page(HttpExchange ex, String tags, String link) throws IOException {
        if (!ex.getRequestURI().getPath().endsWith("/tags/list")) {
            return false;
        }
        if (link != null) {
            ex.getResponseHeaders().set("Link", link);
        }
        FakeRegistry.send(ex, 200, "application/json",
                ("{\"name\":\"app\",\"tags\":" + tags + "}").getBytes(StandardCharsets.UTF_8));
        return true;
    }
}
