package dev.graft.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.graft.GraftException;
import dev.graft.progress.Output;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Turns texts into BERT inputs with a Hugging Face {@code tokenizer.json} (DJL's Rust tokenizers,
 * natives inside the jar, so it runs offline): special tokens added, texts longer than
 * {@code maxLength} tokens truncated with a warning, empty texts rejected, a batch padded to its
 * longest text with the model's pad id (BERT's 0, RoBERTa's 1: its {@code pad_token_id}).
 *
 * <pre>{@code
 * try (TextTokenizer tok = TextTokenizer.load(dir.resolve("tokenizer.json"), 256)) {
 *     TextTokenizer.Batch b = tok.encode(List.of("a cat", "a dog on a mat"));
 *     // b.ids(), b.mask(): 2 x 7, row-major
 * }
 * }</pre>
 */
public final class TextTokenizer implements AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;
    private final int maxLength;
    private final int padId;

    private TextTokenizer(HuggingFaceTokenizer tokenizer, int maxLength, int padId) {
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
        this.padId = padId;
    }

    /** Loads {@code tokenizer.json}, padding with BERT's id 0; texts are cut to {@code maxLength} tokens (special tokens included). */
    public static TextTokenizer load(Path tokenizerJson, int maxLength) {
        return load(tokenizerJson, maxLength, 0);
    }

    /**
     * Loads {@code tokenizer.json}; texts are cut to {@code maxLength} tokens (special tokens
     * included) and a batch is padded with {@code padId}, the model's {@code pad_token_id}: the
     * models tell padding from tokens by it (RoBERTa also counts its positions from it).
     */
    public static TextTokenizer load(Path tokenizerJson, int maxLength, int padId) {
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new GraftException("no tokenizer at " + tokenizerJson, "a text model folder needs the Hugging Face tokenizer.json");
        }
        try {
            return of(Files.readAllBytes(tokenizerJson), tokenizerJson.toString(), maxLength, padId);
        } catch (IOException e) {
            throw new GraftException("cannot read tokenizer " + tokenizerJson + ": " + e.getMessage(), "check the file", e);
        }
    }

    /**
     * As {@link #load(Path, int, int)}, from the bytes of a {@code tokenizer.json} (one built in memory,
     * such as GPT-2's from {@code vocab.json} + {@code merges.txt}: {@link BpeTokenizer#textTokenizer}).
     */
    static TextTokenizer of(byte[] tokenizerJson, String source, int maxLength, int padId) {
        if (maxLength < 3) {
            throw new GraftException("maximum length " + maxLength + " is too short", "use at least 3 tokens ([CLS] x [SEP])");
        }
        try (java.io.InputStream in = new java.io.ByteArrayInputStream(tokenizerJson)) {
            HuggingFaceTokenizer t = HuggingFaceTokenizer.newInstance(in, Map.of(
                    "addSpecialTokens", "true",
                    "truncation", "true",
                    "padding", "false",
                    "maxLength", Integer.toString(maxLength)));
            return new TextTokenizer(t, maxLength, padId);
        } catch (IOException | RuntimeException e) {
            throw new GraftException("cannot load tokenizer " + source + ": " + e.getMessage(),
                    "check that it is a Hugging Face tokenizer.json", e);
        }
    }

    public int maxLength() {
        return maxLength;
    }

    /**
     * Token ids and attention mask of a batch, B x L row-major (L = the longest text in the batch).
     *
     * @param truncated how many texts were cut to the maximum length
     */
    public record Batch(int size, int length, long[] ids, long[] mask, int truncated) {
        /**
         * The batch padded to {@code newLength} tokens per text with {@code padId} (mask 0), as a
         * tokenizer called with {@code padding="max_length"} pads (CLIP's 77 tokens); longer batches stay as they are.
         */
        public Batch padTo(int newLength, long padId) {
            if (newLength <= length) {
                return this;
            }
            long[] newIds = new long[size * newLength];
            long[] newMask = new long[size * newLength];
            java.util.Arrays.fill(newIds, padId);
            for (int i = 0; i < size; i++) {
                for (int j = 0; j < length; j++) {
                    boolean token = mask[i * length + j] != 0;
                    newIds[i * newLength + j] = token ? ids[i * length + j] : padId;
                    newMask[i * newLength + j] = mask[i * length + j];
                }
            }
            return new Batch(size, newLength, newIds, newMask, truncated);
        }
    }

    /** Encodes a batch; empty or blank texts are an error, over-long ones are truncated with a warning. */
    public Batch encode(List<String> texts) {
        Batch b = encodeQuietly(texts);
        if (b.truncated() > 0) {
            Output.warn(b.truncated() + " of " + texts.size() + " texts were longer than " + maxLength
                    + " tokens and were truncated");
        }
        return b;
    }

    /** As {@link #encode} but leaves warning about truncation to the caller. */
    public Batch encodeQuietly(List<String> texts) {
        for (int i = 0; i < texts.size(); i++) {
            String t = texts.get(i);
            if (t == null || t.isBlank()) {
                throw new GraftException("text " + (i + 1) + " of " + texts.size() + " is empty",
                        "give every text at least one word");
            }
        }
        Encoding[] enc = tokenizer.batchEncode(texts);
        int len = 0;
        int truncated = 0;
        for (Encoding e : enc) {
            len = Math.max(len, e.getIds().length);
            if (e.exceedMaxLength()) {
                truncated++;
            }
        }
        long[] ids = new long[texts.size() * len];
        java.util.Arrays.fill(ids, padId);
        long[] mask = new long[texts.size() * len];
        for (int i = 0; i < enc.length; i++) {
            long[] e = enc[i].getIds();
            System.arraycopy(e, 0, ids, i * len, e.length);
            java.util.Arrays.fill(mask, i * len, i * len + e.length, 1L);
        }
        return new Batch(texts.size(), len, ids, mask, truncated);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
