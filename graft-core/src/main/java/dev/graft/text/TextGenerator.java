package dev.graft.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.graft.GraftException;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.NoGrad;
import dev.graft.zoo.Zoo;
import dev.graft.zoo.gpt2.Gpt2Config;
import dev.graft.zoo.gpt2.Gpt2Model;
import dev.graft.zoo.gpt2.KvCache;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Continues a prompt with a GPT-2 language model and its byte-level BPE tokenizer, one position a
 * step: the prompt runs once, then each new token runs alone against the {@link KvCache} of the
 * positions before it. Greedy or sampled as the {@link GenerationConfig} says; the new text can be
 * streamed as it grows (whole UTF-8 characters only, nothing that could still turn into a stop string).
 *
 * <pre>{@code
 * try (TextGenerator gen = TextGenerator.load("local-dir:runs/gpt2")) {
 *     TextGenerator.Result r = gen.generate("The cat", GenerationConfig.defaults().withMaxNewTokens(20), System.out::print);
 *     System.out.println(r.finishReason() + ", " + r.ids().length + " tokens");
 * }
 * }</pre>
 */
public final class TextGenerator implements AutoCloseable {
    private final Gpt2Model model;
    private final BpeTokenizer tokenizer;

    /**
     * What a call generated.
     *
     * @param text the new text (the prompt not included, a stop string cut off)
     * @param promptIds the prompt's token ids
     * @param ids the new token ids (an end-of-text token not included)
     * @param finishReason {@code length} (max_new_tokens reached), {@code eos} or {@code stop} (a stop string)
     */
    public record Result(String text, long[] promptIds, long[] ids, String finishReason) {}

    /**
     * A generator for {@code model} with {@code tokenizer}, whose ids must be the model's: the two
     * vocabularies must have the same size.
     */
    public TextGenerator(Gpt2Model model, BpeTokenizer tokenizer) {
        if (!model.hasLmHead()) {
            throw new GraftException(model.name() + (model.numClasses() > 0 ? " is a classifier (GPT2ForSequenceClassification)"
                    : " is a bare GPT2Model") + " without a language-model head",
                    "generate with a GPT2LMHeadModel (\"architectures\": [\"GPT2LMHeadModel\"] in config.json)");
        }
        int vocab = model.config().vocabSize();
        if (tokenizer.vocabSize() != vocab) {
            throw new GraftException("the tokenizer " + tokenizer.source() + " has " + tokenizer.vocabSize() + " token ids but "
                    + model.name() + " has vocab_size " + vocab, "use the tokenizer the model was trained with (its folder's tokenizer.json)");
        }
        this.model = model;
        this.tokenizer = tokenizer;
    }

    /**
     * A GPT-2 model by zoo name or source with its tokenizer: the {@code tokenizer.json} (or
     * {@code vocab.json} + {@code merges.txt}) of the weights' folder, else GPT-2's own vocabulary
     * ({@link BpeTokenizer#gpt2()}) when the model has GPT-2's 50257 tokens.
     */
    public static TextGenerator load(String name) {
        return load(name, null);
    }

    /** As {@link #load(String)} with the tokenizer in {@code tokenizer} ({@link BpeTokenizer#open}); null for the default. */
    public static TextGenerator load(String name, Path tokenizer) {
        Gpt2Model gpt2 = model(name);
        if (tokenizer != null) {
            return new TextGenerator(gpt2, BpeTokenizer.open(tokenizer));
        }
        return new TextGenerator(gpt2, tokenizerFor(gpt2, name));
    }

    /**
     * The tokenizer of a GPT-2 created from {@code name}: the {@code tokenizer.json} (or {@code vocab.json}
     * + {@code merges.txt}) of its weights' folder, else GPT-2's own when it has GPT-2's 50257 tokens.
     */
    public static BpeTokenizer tokenizerFor(Gpt2Model gpt2, String name) {
        Path dir = gpt2.weightsDir();
        BpeTokenizer tok = dir == null ? null : BpeTokenizer.forFolder(dir);
        if (tok == null) {
            if (gpt2.config().vocabSize() != Gpt2Config.ENDOFTEXT + 1) {
                throw new GraftException((dir == null ? name : dir) + " has no tokenizer.json (or vocab.json + merges.txt) and its vocab_size "
                        + gpt2.config().vocabSize() + " is not GPT-2's " + (Gpt2Config.ENDOFTEXT + 1),
                        "put the model's tokenizer.json next to its config.json");
            }
            tok = BpeTokenizer.gpt2();
        }
        return tok;
    }

    /**
     * The GPT-2 a name stands for: a source ({@code local-dir:}, {@code hf-hub:}) with its weights, a
     * catalogue tag ({@code gpt2_graft_small.graft_wordnet_glosses}) with the tag's weights, or an
     * architecture with random ones.
     */
    public static Gpt2Model model(String name) {
        boolean tag = !dev.graft.zoo.WeightsSources.hasPrefix(name) && name.contains(".");
        GraftModel m = Zoo.create(name, dev.graft.zoo.CreateOptions.defaults().withPretrained(tag));
        if (!(m instanceof Gpt2Model gpt2)) {
            throw new GraftException(m.name() + " is not a language model", "give a GPT-2 model (graft models list 'gpt2*', or a folder with model_type gpt2)");
        }
        return gpt2;
    }

    public Gpt2Model model() {
        return model;
    }

    public BpeTokenizer tokenizer() {
        return tokenizer;
    }

    /** Generates without streaming. */
    public Result generate(String prompt, GenerationConfig config) {
        return generate(prompt, config, null);
    }

    /**
     * Continues {@code prompt}. The prompt plus {@code max_new_tokens} must fit in the model's
     * {@code n_positions}; an empty prompt is refused (GPT-2 continues a text).
     *
     * @param onText receives each piece of new text as soon as it is final, or null
     */
    public Result generate(String prompt, GenerationConfig config, Consumer<String> onText) {
        return run(List.of(check(prompt, config)), config, onText).get(0);
    }

    /**
     * Continues several prompts in one batch, as transformers' {@code generate} does for GPT-2: the
     * prompts are padded on the left (with {@code pad_token_id}, else the end-of-text id) under an
     * attention mask, each row's positions count from its first token, and the batch shares one
     * {@link KvCache}. A row that has finished (end of text, a stop string) waits for the others.
     * Each row draws from its own generator seeded with {@code seed}, so a row's result is the one
     * {@link #generate(String, GenerationConfig)} gives for its prompt alone (greedy: the same tokens).
     *
     * @return one result per prompt, in order
     */
    public List<Result> generate(List<String> prompts, GenerationConfig config) {
        if (prompts == null || prompts.isEmpty()) {
            throw new GraftException("no prompts", "give at least one prompt");
        }
        List<long[]> ids = new ArrayList<>();
        for (String p : prompts) {
            ids.add(check(p, config));
        }
        return run(ids, config, null);
    }

    /** One prompt's state while the batch runs. */
    private static final class Row {
        final long[] promptIds;
        final Random random;
        final List<Long> out = new ArrayList<>();
        final Set<Long> seen = new LinkedHashSet<>();
        final Stream stream;
        String finish = "length";
        boolean done;

        Row(long[] promptIds, GenerationConfig config, Consumer<String> onText) {
            this.promptIds = promptIds;
            this.random = new Random(config.seed() != null ? config.seed() : new Random().nextLong());
            this.stream = new Stream(config.stopStrings(), onText);
            for (long id : promptIds) {
                seen.add(id);
            }
        }
    }

    /** Generates for checked prompts, left-padded into one batch; {@code onText} streams the first row. */
    private List<Result> run(List<long[]> prompts, GenerationConfig config, Consumer<String> onText) {
        Integer eos = config.stopAtEos() ? model.config().eosTokenId() : null;
        Integer padId = model.config().padTokenId() != null ? model.config().padTokenId() : model.config().eosTokenId();
        long pad = padId == null ? 0 : padId;
        int b = prompts.size();
        int len = prompts.stream().mapToInt(p -> p.length).max().orElse(0);
        boolean padded = prompts.stream().anyMatch(p -> p.length != len);
        List<Row> rows = new ArrayList<>();
        long[] ids = new long[b * len];
        long[] mask = new long[b * len];
        long[] positions = new long[b * len];
        long[] next = new long[b];
        for (int r = 0; r < b; r++) {
            long[] p = prompts.get(r);
            rows.add(new Row(p, config, r == 0 ? onText : null));
            int offset = len - p.length;
            for (int j = 0; j < len; j++) {
                boolean token = j >= offset;
                ids[r * len + j] = token ? p[j - offset] : pad;
                mask[r * len + j] = token ? 1 : 0;
                positions[r * len + j] = token ? j - offset : 1;   // transformers: cumsum(mask) - 1, padding at 1
            }
            next[r] = p.length;
        }
        KvCache cache = new KvCache(model.config().nLayer());
        try (NDManager nd = model.manager().newSubManager(); NoGrad ignored = NoGrad.enter()) {
            NDArray input = nd.create(ids).reshape(b, len);
            // One prompt, or prompts of one length: no padding, so neither mask nor positions are needed.
            NDArray attention = padded ? nd.create(mask).reshape(b, len) : null;
            NDArray pos = padded ? nd.create(positions).reshape(b, len) : null;
            for (int step = 0; step < config.maxNewTokens(); step++) {
                float[] logits = nextLogits(input, attention, pos, cache);
                int vocab = logits.length / b;
                long[] fed = new long[b];
                boolean all = true;
                for (int r = 0; r < b; r++) {
                    Row row = rows.get(r);
                    fed[r] = pad;
                    if (row.done) {
                        continue;
                    }
                    long token = choose(Arrays.copyOfRange(logits, r * vocab, (r + 1) * vocab), row.seen, config, row.random);
                    if (eos != null && token == eos) {
                        row.finish = "eos";
                        row.done = true;
                        continue;
                    }
                    row.out.add(token);
                    row.seen.add(token);
                    fed[r] = token;
                    if (row.stream.update(tokenizer.decode(toArray(row.out)), false)) {
                        row.finish = "stop";
                        row.done = true;
                        continue;
                    }
                    all = false;
                }
                if (all) {
                    break;
                }
                input = nd.create(fed).reshape(b, 1);
                if (padded) {
                    attention = ai.djl.ndarray.NDArrays.concat(new ai.djl.ndarray.NDList(attention, nd.ones(new ai.djl.ndarray.types.Shape(b, 1),
                            ai.djl.ndarray.types.DataType.INT64)), 1);
                    pos = nd.create(next.clone()).reshape(b, 1);
                }
                for (int r = 0; r < b; r++) {
                    next[r]++;
                }
            }
        }
        List<Result> results = new ArrayList<>();
        for (Row row : rows) {
            long[] out = toArray(row.out);
            results.add(new Result(row.stream.finish(tokenizer.decode(out)), row.promptIds, out, row.finish));
        }
        return results;
    }

    /**
     * The prompt's token ids, once it is known that generation can start: the prompt is not empty and
     * it fits with {@code max_new_tokens} in the model's {@code n_positions}.
     */
    public long[] check(String prompt, GenerationConfig config) {
        if (prompt == null || prompt.isEmpty()) {
            throw new GraftException("the prompt is empty", "give a text for the model to continue");
        }
        long[] promptIds = tokenizer.encode(prompt);
        int positions = model.config().nPositions();
        if (promptIds.length + config.maxNewTokens() > positions) {
            String fix = promptIds.length >= positions ? "shorten the prompt to fewer than " + positions + " tokens"
                    : "ask for at most " + (positions - promptIds.length) + " new tokens (--max-new-tokens)";
            throw new GraftException("the prompt's " + promptIds.length + " tokens and " + config.maxNewTokens() + " new ones are more than "
                    + model.name() + "'s " + positions + " positions (n_positions)", fix);
        }
        return promptIds;
    }

    /** The logits of the position after each row of {@code input} (B x L), B x vocab flat, the cache extended with it. */
    private float[] nextLogits(NDArray input, NDArray mask, NDArray positions, KvCache cache) {
        NDArray hidden = model.hidden(null, input, mask, positions, cache, false);
        NDArray last = hidden.get(":, -1:, :");
        return model.lmHead(null, last, false).toFloatArray();
    }

    /** The next token: arg-max, or a sample from the processed distribution (repetition penalty, temperature, top-k, top-p). */
    static long choose(float[] logits, Set<Long> seen, GenerationConfig c, Random random) {
        float[] s = logits.clone();
        if (c.repetitionPenalty() != 1.0) {
            float p = (float) c.repetitionPenalty();
            for (long id : seen) {
                int i = (int) id;
                s[i] = s[i] < 0 ? s[i] * p : s[i] / p;
            }
        }
        if (!c.doSample()) {
            return argMax(s);
        }
        int n = s.length;
        double[] scores = new double[n];
        for (int i = 0; i < n; i++) {
            scores[i] = s[i] / c.temperature();
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]) != 0 ? Double.compare(scores[b], scores[a]) : Integer.compare(a, b));
        int keep = c.topK() > 0 ? Math.min(c.topK(), n) : n;
        double max = scores[order[0]];
        double[] p = new double[keep];
        double total = 0;
        for (int r = 0; r < keep; r++) {
            p[r] = Math.exp(scores[order[r]] - max);
            total += p[r];
        }
        if (c.topP() < 1) {
            // The smallest prefix of the sorted tokens whose probability reaches top_p (at least one token).
            double cumulative = 0;
            int cut = keep;
            for (int r = 0; r < keep; r++) {
                cumulative += p[r] / total;
                if (cumulative >= c.topP()) {
                    cut = r + 1;
                    break;
                }
            }
            keep = cut;
            total = 0;
            for (int r = 0; r < keep; r++) {
                total += p[r];
            }
        }
        double u = random.nextDouble() * total;
        double acc = 0;
        for (int r = 0; r < keep; r++) {
            acc += p[r];
            if (u < acc) {
                return order[r];
            }
        }
        return order[keep - 1];
    }

    static long argMax(float[] s) {
        int best = 0;
        for (int i = 1; i < s.length; i++) {
            if (s[i] > s[best]) {
                best = i;
            }
        }
        return best;
    }

    private static long[] toArray(List<Long> ids) {
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    /** The new text as it grows: handed on once it is whole characters and past every possible stop string. */
    private static final class Stream {
        private final List<String> stops;
        private final Consumer<String> onText;
        private final int holdBack;
        private int emitted;
        private String stopped;

        Stream(List<String> stops, Consumer<String> onText) {
            this.stops = stops;
            this.onText = onText;
            this.holdBack = stops.stream().mapToInt(String::length).max().orElse(1) - 1;
        }

        /** Takes the whole new text so far; true when a stop string has appeared. */
        boolean update(String text, boolean last) {
            int cut = -1;
            for (String stop : stops) {
                int at = text.indexOf(stop);
                if (at >= 0 && (cut < 0 || at < cut)) {
                    cut = at;
                }
            }
            if (cut >= 0) {
                stopped = text.substring(0, cut);
                emit(stopped, stopped.length());
                return true;
            }
            // A byte sequence cut inside a character decodes to U+FFFD until the rest arrives.
            int end = text.length();
            while (!last && end > 0 && text.charAt(end - 1) == '\uFFFD') {
                end--;
            }
            emit(text, last ? end : Math.max(emitted, end - holdBack));
            return false;
        }

        private void emit(String text, int upTo) {
            if (onText != null && upTo > emitted) {
                onText.accept(text.substring(emitted, upTo));
            }
            emitted = Math.max(emitted, upTo);
        }

        String finish(String text) {
            if (stopped != null) {
                return stopped;
            }
            update(text, true);
            return text;
        }
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
