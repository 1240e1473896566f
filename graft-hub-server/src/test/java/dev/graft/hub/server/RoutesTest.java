package dev.graft.hub.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The route table's path patterns: literals, variables, choices, suffixes and trailing rests. */
class RoutesTest {
    private static List<String> path(String... segments) {
        return List.of(segments);
    }

    @Test
    void literalsAndVariablesMatchOneSegmentEach() {
        assertEquals(Map.of(), Routes.match("/api/whoami-v2", path("api", "whoami-v2")));
        assertNull(Routes.match("/api/whoami-v2", path("api", "whoami-v2", "x")));
        assertNull(Routes.match("/api/whoami-v2", path("api")));
        assertEquals(Map.of("owner", "alice", "name", "bert"), Routes.match("/{owner}/{name}", path("alice", "bert")));
        // A decoded %2F stays inside its segment: it never splits a variable.
        assertEquals(Map.of("owner", "a/b", "name", "c"), Routes.match("/{owner}/{name}", path("a/b", "c")));
    }

    @Test
    void choicesAndSuffixesConstrainASegment() {
        assertEquals(Map.of("type", "datasets"), Routes.match("/api/{type:models|datasets}", path("api", "datasets")));
        assertNull(Routes.match("/api/{type:models|datasets}", path("api", "spaces")));
        assertEquals(Map.of("name", "bert"), Routes.match("/{name}.git/info", path("bert.git", "info")));
        assertNull(Routes.match("/{name}.git/info", path("bert", "info")));
    }

    @Test
    void restsTakeTheRemainingSegmentsJoined() {
        assertEquals(Map.of("rev", "main", "path", ""), Routes.match("/tree/{rev}/{path*}", path("tree", "main")));
        assertEquals(Map.of("rev", "main", "path", "a/b.txt"), Routes.match("/tree/{rev}/{path*}", path("tree", "main", "a", "b.txt")));
        assertNull(Routes.match("/commits/{rev+}", path("commits")));
        assertEquals(Map.of("rev", "refs/pr/1"), Routes.match("/commits/{rev+}", path("commits", "refs", "pr", "1")));
    }
}
