package dev.graft.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.hub.protocol.RepoType;
import java.util.List;
import org.junit.jupiter.api.Test;

class RepoPathsTest {
    @Test
    void repoIdsFollowOwnerNameRules() {
        assertEquals("alice/mnist-resnet_v1.2", RepoPaths.checkRepoId("alice/mnist-resnet_v1.2"));
        for (String bad : List.of("", "alice", "a/b/c", "../x", "alice/..", "alice/-x", "alice/a--b", "al ice/x", "alice/x.")) {
            assertThrows(GraftException.class, () -> RepoPaths.checkRepoId(bad), bad);
        }
        assertEquals("gpt2", RepoPaths.checkReadableRepoId("gpt2"), "old owner-less names can be read");
        assertThrows(GraftException.class, () -> RepoPaths.checkRepoId("gpt2"), "but not created");
        assertThrows(GraftException.class, () -> RepoPaths.checkReadableRepoId(".."));
        assertEquals("models--gpt2", RepoPaths.cacheFolderName(RepoType.MODEL, "gpt2"));
    }

    @Test
    void pathsInRepoRejectTraversal() {
        assertEquals("a/b.txt", RepoPaths.checkPathInRepo("a/b.txt"));
        for (String bad : List.of("", "/etc/passwd", "../x", "a/../b", "a//b", "a\\b", "a\0b", "./a")) {
            assertThrows(GraftException.class, () -> RepoPaths.checkPathInRepo(bad), bad);
        }
    }

    @Test
    void quotingMatchesTheHub() {
        assertEquals("refs%2Fpr%2F1", RepoPaths.quoteSegment("refs/pr/1"));
        assertEquals("sub%20dir/a%2Bb.txt", RepoPaths.quotePath("sub dir/a+b.txt"));
        assertTrue(RepoPaths.isCommitSha("0123456789abcdef0123456789abcdef01234567"));
        assertFalse(RepoPaths.isCommitSha("main"));
        assertEquals("datasets--alice--digits", RepoPaths.cacheFolderName(RepoType.DATASET, "alice/digits"));
    }

    @Test
    void patternsAreFnmatch() {
        assertTrue(RepoPaths.matches("model.safetensors", "*.safetensors"));
        assertTrue(RepoPaths.matches("sub/model.safetensors", "*.safetensors"), "* crosses folders as in fnmatch");
        assertTrue(RepoPaths.matches("logs/a.txt", "logs/"));
        assertTrue(RepoPaths.matches("model-1.bin", "model-?.bin"));
        assertTrue(RepoPaths.matches("model-1.bin", "model-[0-9].bin"));
        assertFalse(RepoPaths.matches("model-a.bin", "model-[!a-z].bin"));
        assertFalse(RepoPaths.matches("configXjson", "config.json"), "dots are literal");
        assertTrue(RepoPaths.matchesAny("x", List.of()));
    }
}
