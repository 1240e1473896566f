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

    /**
     * RoBERTa's tokenizer.json layout (byte-level BPE, RobertaProcessing's {@code <s> ... </s>}): a
     * tiny vocabulary of the 256 byte symbols, RoBERTa's four special tokens and merges for " cat".
     */
    static Path robertaTokenizer(Path dir) throws java.io.IOException {
        List<Integer> bytes = new java.util.ArrayList<>();
        for (int b = 0; b < 256; b++) {
            if ((b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF)) {
                bytes.add(b);
            }
        }
        java.util.Map<Integer, Integer> symbol = new java.util.HashMap<>();
        bytes.forEach(b -> symbol.put(b, b));
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            if (!symbol.containsKey(b)) {
                symbol.put(b, 256 + extra++);  // GPT-2's bytes_to_unicode
            }
        }
        var mapper = dev.graft.util.Json.MAPPER;
        var vocab = mapper.createObjectNode();
        List<String> specials = List.of("<s>", "<pad>", "</s>", "<unk>");
        for (int i = 0; i < specials.size(); i++) {
            vocab.put(specials.get(i), i);
        }
        for (int b = 0; b < 256; b++) {
            vocab.put(new String(Character.toChars(symbol.get(b))), 4 + b);
        }
        vocab.put("\u0120c", 260);
        vocab.put("\u0120ca", 261);
        vocab.put("\u0120cat", 262);
        var root = mapper.createObjectNode().put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        var added = root.putArray("added_tokens");
        for (int i = 0; i < specials.size(); i++) {
            added.addObject().put("id", i).put("content", specials.get(i)).put("single_word", false).put("lstrip", false)
                    .put("rstrip", false).put("normalized", true).put("special", true);
        }
        root.putNull("normalizer");
        root.putObject("pre_tokenizer").put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true).put("use_regex", true);
        var post = root.putObject("post_processor").put("type", "RobertaProcessing").put("trim_offsets", true).put("add_prefix_space", false);
        post.putArray("sep").add("</s>").add(2);
        post.putArray("cls").add("<s>").add(0);
        root.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", true).put("trim_offsets", true).put("use_regex", true);
        var model = root.putObject("model").put("type", "BPE").put("continuing_subword_prefix", "").put("end_of_word_suffix", "")
                .put("fuse_unk", false).put("byte_fallback", false);
        model.putNull("dropout");
        model.putNull("unk_token");
        model.set("vocab", vocab);
        model.putArray("merges").add("\u0120 c").add("\u0120c a").add("\u0120ca t");
        java.nio.file.Files.createDirectories(dir);
        Path file = dir.resolve("tokenizer.json");
        mapper.writeValue(file.toFile(), root);
        return file;
    }

    @Test
    void robertaByteLevelBpePadsWithItsOwnPadId() throws Exception {
        try (TextTokenizer tok = TextTokenizer.load(robertaTokenizer(tmp.resolve("roberta")), 16, 1)) {
            TextTokenizer.Batch b = tok.encode(List.of("a cat cat", "a cat"));
            long a = 4 + 'a';
            assertArrayEquals(new long[] {0, a, 262, 262, 2, 0, a, 262, 2, 1}, b.ids(), "<s> a \u0120cat \u0120cat </s>, then padded with <pad>");
            assertArrayEquals(new long[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 0}, b.mask());
            // Any UTF-8 is bytes: Korean and emoji become one byte symbol per byte, nothing is unknown.
            String text = "\ud55c\uad6d \ud83d\ude00";
            TextTokenizer.Batch k = tok.encode(List.of(text));
            assertEquals(text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 2, k.length());
            assertTrue(java.util.Arrays.stream(k.ids()).noneMatch(id -> id == 3), "no <unk>");
        }
    }
}
