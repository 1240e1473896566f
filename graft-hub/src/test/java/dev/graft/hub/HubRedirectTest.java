package dev.graft.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Redirects as huggingface.co sends them: the token never reaches another host, renames keep it. */
class HubRedirectTest extends TinyRepoFixture {
    HubRedirectTest() {
        super(5_000, 11);
    }

    Hub hubWithToken() {
        return new Hub(new HubConfig(fake.endpoint, FakeHfHub.TOKEN, false, tmp.resolve("cache")));
    }

    String onHub(String methodAndPath) {
        return "127.0.0.1:" + fake.server.getAddress().getPort() + " " + methodAndPath;
    }

    String onCdn(String methodAndPath) {
        return "localhost:" + fake.server.getAddress().getPort() + " " + methodAndPath;
    }

    @Test
    void aGetRedirectedToTheCdnGoesWithoutTheToken() throws Exception {
        fake.getRegularFromCdn = true;
        Path p = hubWithToken().download("alice/tiny", "config.json", "main");
        assertArrayEquals(config, Files.readAllBytes(p));
        assertEquals("Bearer " + FakeHfHub.TOKEN, fake.authSeen.get(onHub("HEAD /alice/tiny/resolve/main/config.json")));
        assertEquals("Bearer " + FakeHfHub.TOKEN, fake.authSeen.get(onHub("GET /alice/tiny/resolve/main/config.json")),
                "the hub itself gets the token, then answers 307 to the CDN");
        assertEquals("", fake.authSeen.get(onCdn("GET /alice/tiny/resolve/main/config.json")),
                "the CDN host got the GET, without the token: " + fake.authSeen);
    }

    @Test
    void aHeadRedirectedToTheCdnGoesWithoutTheTokenAndSoDoesTheGet() throws Exception {
        fake.headRegularFromCdn = true;
        fake.getRegularFromCdn = true;
        Path p = hubWithToken().download("alice/tiny", "config.json", "main");
        assertArrayEquals(config, Files.readAllBytes(p));
        assertEquals(commit, Files.readString(tmp.resolve("cache/models--alice--tiny/refs/main")));
        assertEquals("Bearer " + FakeHfHub.TOKEN, fake.authSeen.get(onHub("HEAD /alice/tiny/resolve/main/config.json")));
        assertEquals("", fake.authSeen.get(onCdn("HEAD /alice/tiny/resolve/main/config.json")), fake.authSeen.toString());
        assertEquals("", fake.authSeen.get(onCdn("GET /alice/tiny/resolve/main/config.json")), fake.authSeen.toString());
    }

    @Test
    void theLfsRedirectOfAHeadIsReadNotFollowedAndItsGetHasNoToken() throws Exception {
        Path p = hubWithToken().download("alice/tiny", "model.safetensors", "main");
        assertArrayEquals(weights, Files.readAllBytes(p));
        String sha256 = FakeHfHub.blob(weights, true).sha256();
        assertNull(fake.authSeen.get(onCdn("HEAD /lfs-cdn/" + sha256)), "X-Linked-Etag is read from the 302: " + fake.authSeen);
        assertEquals("", fake.authSeen.get(onCdn("GET /lfs-cdn/" + sha256)));
    }

    @Test
    void aRenamedPrivateRepositoryIsFollowedWithTheToken() throws Exception {
        FakeHfHub.Repo moved = fake.createRepo("model", "alice/new-name", true);
        String c = fake.commit(moved, "main", Map.of("a.txt", "moved".getBytes(StandardCharsets.UTF_8),
                "model.safetensors", weights));
        fake.renamed.put("alice/old-name", "alice/new-name");
        Hub hub = hubWithToken();
        assertEquals("moved", Files.readString(hub.download("alice/old-name", "a.txt", "main")));
        assertTrue(fake.log.contains("HEAD /alice/old-name/resolve/main/a.txt"), fake.log.toString());
        assertEquals("Bearer " + FakeHfHub.TOKEN, fake.authSeen.get(onHub("HEAD /alice/new-name/resolve/main/a.txt")),
                "a relative redirect stays on the hub and keeps the token");
        assertEquals("Bearer " + FakeHfHub.TOKEN, fake.authSeen.get(onHub("GET /alice/new-name/resolve/main/a.txt")));
        // API JSON follows the rename too (the repository is private: only with the token)
        assertEquals(c, hub.info("alice/old-name").sha());
        assertEquals("Bearer " + FakeHfHub.TOKEN, fake.authSeen.get(onHub("GET /api/models/alice/new-name")));
        Path dir = hub.snapshot("alice/old-name", "main", List.of());
        assertArrayEquals(weights, Files.readAllBytes(dir.resolve("model.safetensors")));
        assertEquals("", fake.authSeen.get(onCdn("GET /lfs-cdn/" + FakeHfHub.blob(weights, true).sha256())));
    }

    @Test
    void sendDropsOnlyOurTokenAndOnlyOffTheEndpointsOrigin() {
        HubHttp http = new HubHttp(new HubConfig(fake.endpoint, FakeHfHub.TOKEN, false, tmp.resolve("cache")));
        HttpRequest toHub = http.request(fake.endpoint + "/api/models/alice/tiny").GET().build();
        assertSame(toHub, http.withoutForeignToken(toHub));
        HttpRequest toCdn = http.request(fake.cdn + "/lfs-cdn/x").header("Range", "bytes=3-").GET().build();
        HttpRequest sent = http.withoutForeignToken(toCdn);
        assertEquals(List.of(), sent.headers().allValues("Authorization"));
        assertEquals(List.of("bytes=3-"), sent.headers().allValues("Range"));
        assertEquals(URI.create(fake.cdn + "/lfs-cdn/x"), sent.uri());
        // another port of the same host is another origin
        int port = fake.server.getAddress().getPort();
        HttpRequest otherPort = http.request("http://127.0.0.1:" + (port == 65535 ? port - 1 : port + 1) + "/x").GET().build();
        assertEquals(List.of(), http.withoutForeignToken(otherPort).headers().allValues("Authorization"));
        // an Authorization an LFS upload action names for its own URL is not ours: it stays
        HttpRequest presigned = http.bareRequest(fake.cdn + "/lfs-upload/x").header("Authorization", "Basic abc").GET().build();
        assertEquals(List.of("Basic abc"), http.withoutForeignToken(presigned).headers().allValues("Authorization"));
    }
}
