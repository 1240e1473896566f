package dev.graft.text;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tiny byte-level BPE vocabulary in GPT-2's format: the 256 byte symbols of GPT-2's
 * {@code bytes_to_unicode}, four merges ("Ġt", "he", "Ġthe", "at") and {@code <|endoftext|>} last (id 260).
 */
public final class TinyBpe {
    /** Ids: 256 bytes, 4 merges, end-of-text. */
    public static final int SIZE = 261;
    public static final int ENDOFTEXT = 260;

    private TinyBpe() {}

    /** GPT-2's reversible map of bytes to printable characters. */
    static List<String> byteSymbols() {
        List<Integer> bs = new ArrayList<>();
        for (int b = '!'; b <= '~'; b++) {
            bs.add(b);
        }
        for (int b = 0xA1; b <= 0xAC; b++) {
            bs.add(b);
        }
        for (int b = 0xAE; b <= 0xFF; b++) {
            bs.add(b);
        }
        String[] symbol = new String[256];
        for (int b : bs) {
            symbol[b] = new String(Character.toChars(b));
        }
        int n = 0;
        for (int b = 0; b < 256; b++) {
            if (symbol[b] == null) {
                symbol[b] = new String(Character.toChars(256 + n++));
            }
        }
        return List.of(symbol);
    }

    /** Writes vocab.json and merges.txt into {@code dir}. */
    public static Path write(Path dir) throws IOException {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (String s : byteSymbols()) {
            vocab.put(s, vocab.size());
        }
        for (String t : List.of("Ġt", "he", "Ġthe", "at")) {
            vocab.put(t, vocab.size());
        }
        vocab.put("<|endoftext|>", vocab.size());
        Files.createDirectories(dir);
        dev.graft.util.Json.MAPPER.writeValue(dir.resolve("vocab.json").toFile(), vocab);
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\nĠ t\nh e\nĠt he\na t\n", StandardCharsets.UTF_8);
        return dir;
    }

    /**
     * A tiny random GPT-2 LM folder with this vocabulary, as transformers saves one: config.json
     * (no pad_token_id, end-of-text {@link #ENDOFTEXT}), model.safetensors, vocab.json + merges.txt.
     */
    public static Path gpt2Folder(Path dir, long seed) throws IOException {
        dev.graft.zoo.GraftModel m = dev.graft.zoo.Zoo.create(dev.graft.zoo.gpt2.Gpt2Models.architectureFor(TextGeneratorTest.CONFIG),
                dev.graft.zoo.CreateOptions.defaults().withSeed(seed));
        dev.graft.zoo.Weights.save(m, dir);
        return write(dir);
    }
}
