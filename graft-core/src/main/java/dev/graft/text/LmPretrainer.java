package dev.graft.text;

import dev.graft.GraftException;
import dev.graft.util.Json;
import dev.graft.weights.DType;
import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.Weights;
import dev.graft.zoo.Zoo;
import dev.graft.zoo.gpt2.Gpt2Model;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Pretrains a GPT-2 architecture from random weights with GPT-2's vocabulary: {@link LmFineTuner}'s
 * next-token training on a text, from a model created with the seed, then the folder a catalogue
 * tag ships: transformers' {@code config.json}, {@code model.safetensors} (float16, so the 50257-row
 * embedding of a small model stays small; read back as float32) and a model card {@code README.md}
 * with the data, the recipe, the held-out perplexity and greedy samples.
 *
 * <pre>{@code
 * LmPretrainer.Result r = LmPretrainer.pretrain("gpt2_graft_small", WordNetGlosses.text(600_000), "wordnet-glosses",
 *         LmPretrainer.defaults(), Path.of("runs/gpt"));
 * System.out.println(r.training().perplexityAfter());
 * }</pre>
 */
public final class LmPretrainer {
    /** Prompts of the samples in the model card. */
    public static final List<String> SAMPLE_PROMPTS = List.of("dog:", "guitar:", "happy:", "to run:");
    /** New tokens per sample. */
    static final int SAMPLE_TOKENS = 24;
    /** The card's file name. */
    public static final String CARD = "README.md";

    private LmPretrainer() {}

    /**
     * Pretraining's defaults: one epoch, 8 blocks of 128 tokens a step, AdamW at 2e-3 (a rate for
     * a small model trained from scratch, not 5e-5 for fine-tuning), no weight decay, seed 42.
     */
    public static LmFineTuner.Options defaults() {
        return new LmFineTuner.Options(1, 8, 128, 2e-3, 0.0, 0.1, 42);
    }

    /**
     * What a pretraining did.
     *
     * @param training the training and the held-out perplexity (before: the random model)
     * @param samples greedy continuations of {@link #SAMPLE_PROMPTS}, in order
     * @param dir the folder written
     */
    public record Result(LmFineTuner.Result training, List<String> samples, Path dir) {}

    /**
     * Creates {@code architecture} (a GPT-2 with 50257 tokens) with random weights from the seed,
     * trains it on {@code text} and writes the folder {@code dir}.
     *
     * @param dataName how the card names the text, e.g. {@code wordnet-glosses}
     * @param recipe the command that remade this, for the card (null: none)
     */
    public static Result pretrain(String architecture, String text, String dataName, LmFineTuner.Options o, Path dir, String recipe) {
        return pretrain(architecture, BpeTokenizer.gpt2(), text, dataName, o, dir, recipe);
    }

    /** As {@link #pretrain(String, String, String, LmFineTuner.Options, Path, String)} with another tokenizer (its vocabulary the architecture's). */
    public static Result pretrain(String architecture, BpeTokenizer tokenizer, String text, String dataName, LmFineTuner.Options o, Path dir,
            String recipe) {
        GraftModel created = Zoo.create(architecture, CreateOptions.defaults().withPretrained(false).withSeed(o.seed()));
        if (!(created instanceof Gpt2Model model)) {
            throw new GraftException(architecture + " is not a GPT-2 architecture", "pretrain a gpt2 one (graft models list 'gpt2*')");
        }
        LmFineTuner.Result r = LmFineTuner.fit(model, tokenizer, text, o);
        TextGenerator gen = new TextGenerator(model, tokenizer);
        List<String> samples = new ArrayList<>();
        for (String prompt : SAMPLE_PROMPTS) {
            samples.add(gen.generate(prompt, GenerationConfig.defaults().withMaxNewTokens(SAMPLE_TOKENS).withSeed(o.seed())).text());
        }
        Weights.save(model, dir, model.cfg(), DType.F16);
        writeCard(dir.resolve(CARD), architecture, dataName, text.length(), o, r, samples, recipe);
        return new Result(r, samples, dir);
    }

    private static void writeCard(Path file, String architecture, String dataName, int chars, LmFineTuner.Options o, LmFineTuner.Result r,
            List<String> samples, String recipe) {
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("validation_perplexity", round(r.perplexityAfter()));
        results.put("validation_perplexity_random_init", round(r.perplexityBefore()));
        results.put("train_blocks", r.trainBlocks());
        results.put("validation_blocks", r.validationBlocks());
        results.put("steps", r.steps());
        StringBuilder sb = new StringBuilder();
        sb.append("---\nlicense: apache-2.0\nlibrary_name: graft\npipeline_tag: text-generation\ndatasets:\n- ").append(dataName)
                .append("\nmodel-index:\n- name: ").append(architecture).append("\n  results: ").append(json(results)).append("\n---\n\n");
        sb.append("# ").append(architecture).append(" pretrained by Graft on ").append(dataName).append("\n\n");
        sb.append("A GPT-2-architecture language model (transformers' `GPT2LMHeadModel` layout, GPT-2's own 50257-token vocabulary), ")
                .append("trained from random weights by Graft on ").append(String.format(Locale.ROOT, "%,d", chars))
                .append(" characters of ").append(dataName).append(". The weights are stored as float16.\n\n");
        sb.append("## Training\n\n");
        sb.append(String.format(Locale.ROOT, "- %d epoch(s) over %d blocks of %d tokens (%d more held out), %d AdamW steps, batch %d, peak learning rate %s, "
                + "weight decay %s, warm-up then cosine, gradient norm clipped at 1, seed %d.%n",
                o.epochs(), r.trainBlocks(), o.blockSize(), r.validationBlocks(), r.steps(), o.batchSize(), o.learningRate(), o.weightDecay(),
                o.seed()));
        if (recipe != null) {
            sb.append("- Remade by `").append(recipe).append("`.\n");
        }
        sb.append(String.format(Locale.ROOT, "%n## Held-out perplexity%n%n%.2f on the held-out blocks (%.0f for the random initial weights).%n",
                r.perplexityAfter(), r.perplexityBefore()));
        sb.append("\n## Greedy samples\n\n");
        for (int i = 0; i < samples.size(); i++) {
            sb.append("- `").append(SAMPLE_PROMPTS.get(i)).append("` ").append(samples.get(i).replace('\n', ' ').replace("`", "'")).append('\n');
        }
        try {
            Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new GraftException("cannot write " + file + ": " + e.getMessage(), "check the folder is writable", e);
        }
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static String json(Object o) {
        try {
            return Json.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT).writeValueAsString(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
