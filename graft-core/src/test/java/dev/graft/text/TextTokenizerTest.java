package dev.graft.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.zoo.bert.TinyBert;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextTokenizerTest {
    @TempDir
    static Path tmp;
    static Path dir;

    @BeforeAll
    static void model() throws Exception {
        dir = TinyBert.folder(tmp.resolve("tiny"), 1);
    }

    @Test
    void encodesWithSpecialTokensAndPadsTheBatch() {
        try (TextTokenizer tok = TextTokenizer.load(dir.resolve("tokenizer.json"), 16)) {
            TextTokenizer.Batch b = tok.encode(List.of("Hello world", "a cat"));
            assertEquals(2, b.size());
            assertEquals(4, b.length());
            assertArrayEquals(new long[] {101, 7592, 2088, 102, 101, 1037, 4937, 102}, b.ids());
            assertArrayEquals(new long[] {1, 1, 1, 1, 1, 1, 1, 1}, b.mask());
            TextTokenizer.Batch c = tok.encode(List.of("Hello world", "cat"));
            assertArrayEquals(new long[] {101, 4937, 102, 0}, java.util.Arrays.copyOfRange(c.ids(), 4, 8));
            assertArrayEquals(new long[] {1, 1, 1, 0}, java.util.Arrays.copyOfRange(c.mask(), 4, 8));
            assertEquals(0, c.truncated());
        }
    }

    @Test
    void longTextsAreTruncatedAndCounted() {
        try (TextTokenizer tok = TextTokenizer.load(dir.resolve("tokenizer.json"), 8)) {
            String longText = "one two three four five six seven eight nine ten eleven twelve";
            TextTokenizer.Batch b = tok.encodeQuietly(List.of(longText, "short"));
            assertEquals(8, b.length());
            assertEquals(1, b.truncated());
            assertEquals(102, b.ids()[7]);
        }
    }

    @Test
    void emptyTextsAreRejected() {
        try (TextTokenizer tok = TextTokenizer.load(dir.resolve("tokenizer.json"), 8)) {
            GraftException e = assertThrows(GraftException.class, () -> tok.encode(List.of("fine", "  ")));
            assertTrue(e.getMessage().contains("text 2 of 2 is empty"), e.getMessage());
        }
        assertThrows(GraftException.class, () -> TextTokenizer.load(dir.resolve("missing.json"), 8));
    }

    @Test
    void encoderLoadsAFolderAndEmbedsToUnitVectors() {
        try (TextEncoder enc = TextEncoder.open(dir.toString())) {
            assertEquals(24, enc.tokenizer().maxLength());
            float[][] v = enc.embed(List.of("a cat", "a much longer sentence about dogs", "a cat"));
            assertEquals(16, v[0].length);
            double n = 0;
            for (float x : v[1]) {
                n += x * x;
            }
            assertEquals(1.0, n, 1e-5);
            assertArrayEquals(v[0], v[2], 1e-6f);
        }
        assertThrows(GraftException.class, () -> TextEncoder.open("no-such-model"));
    }
}
