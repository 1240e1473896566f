package dev.graft.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Byte-level BPE built from vocab.json + merges.txt (a tiny vocabulary in GPT-2's format). */
class BpeTokenizerTest {
    @TempDir
    Path dir;

    @Test
    void mergesApplyAndNoSpecialTokensAreAdded() throws Exception {
        try (BpeTokenizer tok = BpeTokenizer.fromVocabAndMerges(TinyBpe.write(dir).resolve("vocab.json"), dir.resolve("merges.txt"))) {
            assertEquals(TinyBpe.SIZE, tok.vocabSize());
            assertEquals(TinyBpe.ENDOFTEXT, tok.specialId(BpeTokenizer.ENDOFTEXT));
            // "the cat": 't','he' then 'Ġ','c','at' (no prefix space: the first word has no Ġ)
            long t = TinyBpe.byteSymbols().indexOf("t");
            long c = TinyBpe.byteSymbols().indexOf("c");
            long space = TinyBpe.byteSymbols().indexOf("Ġ");
            assertArrayEquals(new long[] {t, 257, space, c, 259}, tok.encode("the cat"));
            assertArrayEquals(new long[] {258}, tok.encode(" the"));
            assertArrayEquals(new long[] {TinyBpe.ENDOFTEXT}, tok.encode("<|endoftext|>"));
        }
    }

    @Test
    void everyUtf8TextRoundTripsExactly() throws Exception {
        try (BpeTokenizer tok = BpeTokenizer.fromVocabAndMerges(TinyBpe.write(dir).resolve("vocab.json"), dir.resolve("merges.txt"))) {
            for (String s : List.of("안녕하세요, 세계!", "emoji 🐈‍⬛ and 👍🏽 ok", "  leading and trailing  ", "tabs\tand\nnew lines\r\n",
                    "ünïcödé ÀÉÎ – “quotes”", "中文 日本語 العربية", "\u0000 nul and \uFFFD replacement")) {
                long[] ids = tok.encode(s);
                assertEquals(s, tok.decode(ids), s);
            }
            String longText = "q w ".repeat(600);
            assertEquals(2400, tok.encode(longText).length, "no truncation");
            assertEquals(longText, tok.decode(tok.encode(longText)));
            // One emoji is four bytes, so four byte tokens; a prefix of them is not yet a character.
            long[] cat = tok.encode("🐈");
            assertEquals(4, cat.length);
            assertTrue(tok.decode(new long[] {cat[0], cat[1]}).contains("\uFFFD"));
        }
    }

    @Test
    void theBuiltTokenizerJsonLoadsTheSameAndAFolderIsFound() throws Exception {
        TinyBpe.write(dir);
        Path json = dir.resolve("built").resolve("tokenizer.json");
        Files.createDirectories(json.getParent());
        Files.write(json, BpeTokenizer.tokenizerJson(dir.resolve("vocab.json"), dir.resolve("merges.txt")));
        try (BpeTokenizer a = BpeTokenizer.forFolder(dir); BpeTokenizer b = BpeTokenizer.forFolder(json.getParent())) {
            assertArrayEquals(a.encode("the hat at the mat"), b.encode("the hat at the mat"));
            assertEquals(a.vocabSize(), b.vocabSize());
        }
        assertNull(BpeTokenizer.forFolder(dir.resolve("built").resolve("nothing")));
    }

    @Test
    void badFilesAreOneClearError() throws Exception {
        TinyBpe.write(dir);
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\nĠ t x\n");
        GraftException e = assertThrows(GraftException.class, () -> BpeTokenizer.fromVocabAndMerges(dir.resolve("vocab.json"), dir.resolve("merges.txt")));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
        assertThrows(GraftException.class, () -> BpeTokenizer.load(dir.resolve("missing.json")));
    }
}
