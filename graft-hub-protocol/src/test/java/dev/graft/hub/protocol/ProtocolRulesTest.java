package dev.graft.hub.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The protocol's rules on their own; HubContractTest (graft-hub-server) holds client and server to them. */
class ProtocolRulesTest {
    @Test
    void repoIdsFollowTheHubsRule() {
        RepoId id = RepoId.of(RepoType.DATASET, "alice/digits_v1.2");
        assertEquals("alice", id.owner());
        assertEquals("datasets/alice/digits_v1.2", id.urlPath());
        assertEquals(id, id.checkNew());
        for (String bad : List.of("alice/a--b", "alice/model-", "alice/.x", "alice/x.", "alice/a..b", "alice/" + "n".repeat(97), "alice",
                "a/b/c", "al ice/x", "alice/")) {
            HubProtocolException e = assertThrows(HubProtocolException.class, () -> RepoId.of(RepoType.MODEL, bad), bad);
            assertTrue(e.fix() != null && e.oneLine().contains(e.fix()), e.oneLine());
        }
        assertEquals("alice/" + "n".repeat(96), RepoId.of(RepoType.MODEL, "alice/" + "n".repeat(96)).id());
        for (String taken : List.of("api/x", "Models/x", "alice/x.git", "alice/X.Git")) {
            RepoId readable = RepoId.of(RepoType.MODEL, taken);
            assertThrows(HubProtocolException.class, readable::checkNew, taken);
        }
        assertTrue(assertThrows(HubProtocolException.class, () -> RepoId.checkNewOwner("SETTINGS")).getMessage().contains("reserved"));
        assertEquals("a?b", RepoId.printable("a\nb"));
    }

    @Test
    void typesAreSpelledExactlyAndDefaultToModel() {
        assertEquals(RepoType.MODEL, RepoType.parse(null));
        assertEquals(RepoType.MODEL, RepoType.parse("models"));
        assertEquals(RepoType.DATASET, RepoType.parse("dataset"));
        assertThrows(HubProtocolException.class, () -> RepoType.parse("Dataset"));
        assertEquals("datasets", RepoType.DATASET.plural());
    }

    @Test
    void filePathsAreStoredInNfc() {
        assertEquals("caf\u00e9.txt", RepoPaths.checkFile("cafe\u0301.txt"));
        HubProtocolException e = assertThrows(HubProtocolException.class, () -> RepoPaths.checkFile("a/../b"));
        assertEquals("invalid file path 'a/../b': empty, '.' and '..' segments are not allowed", e.sentence());
        assertTrue(RepoPaths.isCommitId("0123456789abcdef0123456789abcdef01234567"));
        assertThrows(HubProtocolException.class, () -> RepoPaths.checkRef("refs/heads/x"));
    }

    @Test
    void cardsAreReadThenValidated() {
        ModelCardData read = ModelCardData.read("---\nlicense: [mit]\ntags: [a, a]\n---\nbody\n");
        assertEquals("body\n", read.body());
        HubProtocolException e = assertThrows(HubProtocolException.class, read::validate);
        assertTrue(e.getMessage().contains("'license' must be text, got a list"), e.getMessage());
        ModelCardData ok = ModelCardData.parse("---\nlicense: mit\ntags: [vision, graft]\nlibrary_name: graft\ndatasets: mnist\n---\n");
        assertEquals(List.of("vision", "graft", "license:mit", "dataset:mnist"), ok.filterTags());
        assertEquals("{\"license\":\"mit\",\"tags\":[\"vision\",\"graft\"],\"library_name\":\"graft\",\"datasets\":\"mnist\"}", ok.dataJson());
        assertTrue(ModelCardData.parse("plain\n").data().isEmpty());
        HubProtocolException metrics = assertThrows(HubProtocolException.class,
                () -> ModelCardData.parse("---\nmetrics: [{type: accuracy, value: 1}]\n---\n"));
        assertTrue(metrics.getMessage().contains("'metrics' must be a list of text"), metrics.getMessage());
        assertFalse(ModelCardData.empty().data().containsKey("license"));
    }
}
