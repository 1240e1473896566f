package dev.graft.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpHeaders;
import java.nio.file.Files;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** 429 Too Many Requests as huggingface.co sends it: retried after the advertised wait, then one line. */
class HubRateLimitTest extends TinyRepoFixture {
    HubRateLimitTest() {
        super(3_000, 3);
    }

    @BeforeEach
    void tinyWaits() {
        System.setProperty(HubHttp.MAX_WAIT_PROPERTY, "0.02");
    }

    @AfterEach
    void defaultWaits() {
        System.clearProperty(HubHttp.MAX_WAIT_PROPERTY);
    }

    Hub hub() {
        return new Hub(new HubConfig(fake.endpoint, null, false, tmp.resolve("cache")));
    }

    void rateLimit(String prefix, int times, Map<String, String> headers) {
        fake.rateLimitPrefix = prefix;
        fake.rateLimitHeaders.putAll(headers);
        fake.rateLimited.set(times);
    }

    @Test
    void aHeadIsRetriedAfterRetryAfter() throws Exception {
        rateLimit("HEAD /alice/tiny/", 2, Map.of("Retry-After", "0"));
        assertArrayEquals(config, Files.readAllBytes(hub().download("alice/tiny", "config.json", "main")));
        assertEquals(3, fake.countRequests("HEAD /alice/tiny/resolve/main/config.json"));
    }

    @Test
    void apiJsonIsRetriedAfterTheRateLimitHeader() {
        // The waits (t=1 s) are capped by the test's max-wait property; the cap itself is checked below, without timing.
        rateLimit("GET /api/models/alice/tiny", 3, Map.of("RateLimit", "\"api\";r=0;t=1", "RateLimit-Policy", "\"api\";q=500;w=300"));
        assertEquals(commit, hub().info("alice/tiny").sha());
        assertEquals(4, fake.countRequests("GET /api/models/alice/tiny"));
    }

    @Test
    void aFileDownloadFromTheCdnIsRetriedAfterRateLimitReset() throws Exception {
        rateLimit("GET /lfs-cdn/", 1, Map.of("RateLimit-Reset", "0"));
        assertArrayEquals(weights, Files.readAllBytes(hub().download("alice/tiny", "model.safetensors", "main")));
        assertEquals(2, fake.countRequests("GET /lfs-cdn/"));
        assertEquals(1, fake.getCount.get(), "the bytes were sent once");
    }

    @Test
    void aBare429IsRetriedWithBackoff() throws Exception {
        rateLimit("HEAD ", 2, Map.of());
        assertArrayEquals(config, Files.readAllBytes(hub().download("alice/tiny", "config.json", "main")));
        assertEquals(3, fake.countRequests("HEAD "));
    }

    @Test
    void afterFiveTriesItSaysWhenToTryAgain() {
        rateLimit("HEAD ", 100, Map.of("Retry-After", "7"));
        HubException e = assertThrows(HubException.class, () -> hub().download("alice/tiny", "config.json", "main"));
        assertEquals(429, e.status());
        assertTrue(e.getMessage().startsWith("the hub at " + fake.endpoint + " is rate-limiting requests (HTTP 429); try again in 7 s"),
                e.oneLine());
        assertEquals(HubHttp.MAX_TRIES, fake.countRequests("HEAD "), "5 tries, not retried again on top: " + fake.log);
    }

    @Test
    void aRateLimitedDownloadNamesTheHostThatLimits() {
        rateLimit("GET /lfs-cdn/", 100, Map.of("RateLimit", "\"api\";r=0;t=55"));
        HubException e = assertThrows(HubException.class, () -> hub().download("alice/tiny", "model.safetensors", "main"));
        assertEquals("the hub at " + fake.cdn + " is rate-limiting requests (HTTP 429); try again in 55 s", e.getMessage());
        assertEquals(HubHttp.MAX_TRIES, fake.countRequests("GET /lfs-cdn/"));
        assertEquals(0, fake.getCount.get());
    }

    @Test
    void theAdvertisedWaitIsRead() {
        assertEquals(7_000, HubHttp.advertisedWaitMillis(headers(Map.of("Retry-After", List.of("7")))));
        assertEquals(55_000, HubHttp.advertisedWaitMillis(headers(Map.of("RateLimit", List.of("\"api\";r=0;t=55")))));
        assertEquals(12_000, HubHttp.advertisedWaitMillis(headers(Map.of("RateLimit", List.of("\"api\";r=0;t=12, \"pages\";r=3;t=40")))));
        assertEquals(3_000, HubHttp.advertisedWaitMillis(headers(Map.of("RateLimit-Reset", List.of("3")))));
        assertEquals(2_000, HubHttp.advertisedWaitMillis(headers(Map.of("Retry-After", List.of("2"), "RateLimit", List.of("\"api\";r=0;t=9")))),
                "Retry-After wins");
        assertEquals(-1, HubHttp.advertisedWaitMillis(headers(Map.of())));
        assertEquals(-1, HubHttp.advertisedWaitMillis(headers(Map.of("Retry-After", List.of("soon")))));
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(30));
        long fromDate = HubHttp.advertisedWaitMillis(headers(Map.of("Retry-After", List.of(date))));
        assertTrue(fromDate > 20_000 && fromDate <= 30_000, date + " -> " + fromDate);
    }

    @Test
    void eachWaitIsCapped() {
        System.clearProperty(HubHttp.MAX_WAIT_PROPERTY);
        assertEquals(60_000, HubHttp.maxWaitMillis());
        System.setProperty(HubHttp.MAX_WAIT_PROPERTY, "1.5");
        assertEquals(1_500, HubHttp.maxWaitMillis());
        System.setProperty(HubHttp.MAX_WAIT_PROPERTY, "600");
        assertEquals(60_000, HubHttp.maxWaitMillis(), "the property lowers the cap, never raises it");
    }

    static HttpHeaders headers(Map<String, List<String>> m) {
        return HttpHeaders.of(m, (k, v) -> true);
    }
}
