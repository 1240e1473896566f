package dev.graft.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Glob agrees with Python's fnmatch.fnmatchcase; the expected values are Python's. */
class GlobTest {
    private record Case(String glob, String text, boolean matches) {}

    @Test
    void matchesAsPythonsFnmatch() {
        List<Case> cases = List.of(
                new Case("resnet*", "resnet50", true),
                new Case("resnet*", "resnet50.a1", true),
                new Case("*.safetensors", "sub/model.safetensors", true),
                new Case("model-?.bin", "model-1.bin", true),
                new Case("model-[0-9].bin", "model-1.bin", true),
                new Case("[!a-z]x", "1x", true),
                new Case("[!a-z]x", "ax", false),
                new Case("[]]", "]", true),
                new Case("[!]]", "a", true),
                new Case("[!]]", "]", false),
                new Case("[^a]", "^", true),
                new Case("[^a]", "b", false),
                new Case("config.json", "configXjson", false),
                new Case("a+b(c)", "a+b(c)", true),
                new Case("a\\b", "a\\b", true),
                new Case("[a", "[a", true),
                new Case("[a[]", "[", true),
                new Case("[a&&b]", "&", true),
                new Case("ResNet*", "resnet50", false),
                new Case("resnet", "resnet50", false),
                new Case("?", "", false),
                new Case("*", "", true),
                new Case("a*b", "a\nb", true));
        for (Case c : cases) {
            assertEquals(c.matches(), Glob.matches(c.glob(), c.text()), c.glob() + " on " + c.text());
        }
    }

    @Test
    void literalCharactersAreQuoted() {
        assertTrue(Glob.toRegex("small_cnn.*").contains("\\Q.\\E"), Glob.toRegex("small_cnn.*"));
        assertEquals(".*", Glob.toRegex("*"));
    }
}
