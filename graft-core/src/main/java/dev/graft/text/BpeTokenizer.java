package dev.graft.text;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.GraftException;
import dev.graft.util.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A byte-level BPE tokenizer (GPT-2's) through DJL's Hugging Face tokenizers: from a repository's
 * {@code tokenizer.json}, or from {@code vocab.json} + {@code merges.txt}, for which the equivalent
 * {@code tokenizer.json} is built (ByteLevel pre-tokenizer without a prefix space, BPE model,
 * ByteLevel decoder, {@code <|endoftext|>} as the special token). No special tokens are added when
 * encoding, as GPT-2's tokenizer does not add any; every UTF-8 text decodes back exactly.
 *
 * <pre>{@code
 * try (BpeTokenizer tok = BpeTokenizer.gpt2()) {    // GPT-2's vocabulary, fetched once into GRAFT_HOME
 *     long[] ids = tok.encode("Hello world");       // [15496, 995]
 *     String text = tok.decode(ids);                // "Hello world"
 * }
 * }</pre>
 */
public final class BpeTokenizer implements AutoCloseable {
    /** The files a model folder holds its tokenizer in, as transformers saves them. */
    public static final String TOKENIZER_JSON = "tokenizer.json";
    public static final String VOCAB_JSON = "vocab.json";
    public static final String MERGES_TXT = "merges.txt";
    /** GPT-2's end-of-text token. */
    public static final String ENDOFTEXT = "<|endoftext|>";

    private final HuggingFaceTokenizer tokenizer;
    private final int vocabSize;
    private final Map<String, Integer> special;
    private final String source;
    private final byte[] json;

    private BpeTokenizer(HuggingFaceTokenizer tokenizer, int vocabSize, Map<String, Integer> special, String source, byte[] json) {
        this.tokenizer = tokenizer;
        this.json = json;
        this.vocabSize = vocabSize;
        this.special = special;
        this.source = source;
    }

    /** Loads a Hugging Face {@code tokenizer.json}. */
    public static BpeTokenizer load(Path tokenizerJson) {
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new GraftException("no tokenizer at " + tokenizerJson, "give a Hugging Face tokenizer.json, or vocab.json with merges.txt");
        }
        try {
            return of(Files.readAllBytes(tokenizerJson), tokenizerJson.toString());
        } catch (IOException e) {
            throw new GraftException("cannot read " + tokenizerJson + ": " + e.getMessage(), "check the file", e);
        }
    }

    /** GPT-2's tokenizer from its {@code vocab.json} (token to id) and {@code merges.txt} (one merge a line, ranked). */
    public static BpeTokenizer fromVocabAndMerges(Path vocabJson, Path mergesTxt) {
        return of(tokenizerJson(vocabJson, mergesTxt), vocabJson.getParent() == null ? vocabJson.toString() : vocabJson.getParent().toString());
    }

    /**
     * The tokenizer of a model folder: {@code tokenizer.json}, else {@code vocab.json} + {@code merges.txt};
     * null when it has neither.
     */
    public static BpeTokenizer forFolder(Path dir) {
        if (Files.isRegularFile(dir.resolve(TOKENIZER_JSON))) {
            return load(dir.resolve(TOKENIZER_JSON));
        }
        if (Files.isRegularFile(dir.resolve(VOCAB_JSON)) && Files.isRegularFile(dir.resolve(MERGES_TXT))) {
            return fromVocabAndMerges(dir.resolve(VOCAB_JSON), dir.resolve(MERGES_TXT));
        }
        return null;
    }

    /** A {@code tokenizer.json} file, or a folder as {@link #forFolder} reads it (an error when it holds neither). */
    public static BpeTokenizer open(Path fileOrDir) {
        if (!Files.isDirectory(fileOrDir)) {
            return load(fileOrDir);
        }
        BpeTokenizer t = forFolder(fileOrDir);
        if (t == null) {
            throw new GraftException(fileOrDir + " holds no " + TOKENIZER_JSON + " and no " + VOCAB_JSON + " + " + MERGES_TXT,
                    "give a tokenizer.json or a folder with one");
        }
        return t;
    }

    /** GPT-2's own vocabulary and merges (50257 tokens), fetched once into GRAFT_HOME ({@link Gpt2Vocabulary}). */
    public static BpeTokenizer gpt2() {
        Path dir = Gpt2Vocabulary.ensureFetched();
        return fromVocabAndMerges(dir.resolve(VOCAB_JSON), dir.resolve(MERGES_TXT));
    }

    /**
     * The {@code tokenizer.json} equivalent to GPT-2's {@code vocab.json} + {@code merges.txt}, as
     * transformers' {@code GPT2TokenizerFast} converts them.
     */
    public static byte[] tokenizerJson(Path vocabJson, Path mergesTxt) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        JsonNode vocab;
        List<String> lines;
        try {
            vocab = Json.MAPPER.readTree(vocabJson.toFile());
            lines = Files.readAllLines(mergesTxt, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new GraftException("cannot read " + vocabJson + " / " + mergesTxt + ": " + e.getMessage(),
                    "give GPT-2's vocab.json (token to id) and merges.txt (one merge a line)", e);
        }
        if (vocab == null || !vocab.isObject() || vocab.isEmpty()) {
            throw new GraftException(vocabJson + " is not a JSON object of token to id", "give GPT-2's vocab.json");
        }
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        if (vocab.has(ENDOFTEXT)) {
            added.addObject().put("id", vocab.get(ENDOFTEXT).asInt()).put("content", ENDOFTEXT).put("single_word", false)
                    .put("lstrip", false).put("rstrip", false).put("normalized", true).put("special", true);
        }
        root.putNull("normalizer");
        root.set("pre_tokenizer", byteLevel(false, true));
        root.set("post_processor", byteLevel(true, false));
        root.set("decoder", byteLevel(true, true));
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.put("continuing_subword_prefix", "");
        model.put("end_of_word_suffix", "");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.set("vocab", vocab);
        ArrayNode merges = model.putArray("merges");
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isEmpty() || i == 0 && line.startsWith("#version")) {
                continue;
            }
            if (line.split(" ").length != 2) {
                throw new GraftException(mergesTxt + " line " + (i + 1) + " is not two tokens separated by a space: '" + line + "'",
                        "give GPT-2's merges.txt");
            }
            merges.add(line);
        }
        try {
            return Json.MAPPER.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode byteLevel(boolean addPrefixSpace, boolean trimOffsets) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("type", "ByteLevel");
        n.put("add_prefix_space", addPrefixSpace);
        n.put("trim_offsets", trimOffsets);
        n.put("use_regex", true);
        return n;
    }

    private static BpeTokenizer of(byte[] json, String source) {
        int size = 0;
        Map<String, Integer> special = new java.util.LinkedHashMap<>();
        try {
            JsonNode root = Json.MAPPER.readTree(json);
            JsonNode vocab = root.path("model").path("vocab");
            if (!"BPE".equals(root.path("model").path("type").asText()) || !vocab.isObject()) {
                throw new GraftException(source + " is not a BPE tokenizer (model.type " + root.path("model").path("type") + ")",
                        "give a byte-level BPE tokenizer such as GPT-2's");
            }
            for (Iterator<JsonNode> it = vocab.elements(); it.hasNext(); ) {
                size = Math.max(size, it.next().asInt() + 1);
            }
            for (JsonNode t : root.path("added_tokens")) {
                size = Math.max(size, t.path("id").asInt() + 1);
                if (t.path("special").asBoolean(false)) {
                    special.put(t.path("content").asText(), t.path("id").asInt());
                }
            }
        } catch (IOException e) {
            throw new GraftException("cannot read tokenizer " + source + ": " + e.getMessage(), "check that it is a Hugging Face tokenizer.json", e);
        }
        try (InputStream in = new ByteArrayInputStream(json)) {
            HuggingFaceTokenizer t = HuggingFaceTokenizer.newInstance(in, Map.of("addSpecialTokens", "false", "truncation", "false",
                    "padding", "false", "maxLength", Integer.toString(Integer.MAX_VALUE / 2)));
            return new BpeTokenizer(t, size, Map.copyOf(special), source, json);
        } catch (IOException | RuntimeException e) {
            throw new GraftException("cannot load tokenizer " + source + ": " + e.getMessage(), "check that it is a Hugging Face tokenizer.json", e);
        }
    }

    /** Writes this tokenizer as {@code dir/tokenizer.json}, so a model folder carries its tokenizer. */
    public void save(Path dir) {
        try {
            Files.createDirectories(dir);
            Files.write(dir.resolve(TOKENIZER_JSON), json);
        } catch (IOException e) {
            throw new GraftException("cannot write " + dir.resolve(TOKENIZER_JSON) + ": " + e.getMessage(), "check the folder is writable", e);
        }
    }

    /**
     * The same vocabulary as a {@link TextTokenizer} for classification batches: texts cut to
     * {@code maxLength} tokens, a batch padded on the right with {@code padId} (GPT-2 has no pad
     * token; transformers users pad with its end-of-text id).
     */
    public TextTokenizer textTokenizer(int maxLength, int padId) {
        return TextTokenizer.of(json, source, maxLength, padId);
    }

    /** Where the tokenizer came from (a file or folder). */
    public String source() {
        return source;
    }

    /** Number of token ids (the highest id + 1), to compare with a model's {@code vocab_size}. */
    public int vocabSize() {
        return vocabSize;
    }

    /** The id of a special token such as {@link #ENDOFTEXT}, or null. */
    public Integer specialId(String token) {
        return special.get(token);
    }

    /** The token ids of {@code text}, no special tokens added. */
    public long[] encode(String text) {
        return tokenizer.encode(text, false, false).getIds();
    }

    /** The text of {@code ids}, special tokens included, bytes that are no complete UTF-8 shown as U+FFFD. */
    public String decode(long[] ids) {
        return tokenizer.decode(ids, false);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
