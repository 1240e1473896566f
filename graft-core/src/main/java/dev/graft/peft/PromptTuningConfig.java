package dev.graft.peft;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.GraftException;
import dev.graft.util.Json;
import dev.graft.util.Records;
import dev.graft.zoo.nn.PromptTunable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A prompt-tuning adapter's settings as Hugging Face PEFT's {@code PromptTuningConfig}
 * ({@code peft_type: "PROMPT_TUNING"}), read from and written to PEFT's {@code adapter_config.json}.
 * The adapter is one trained matrix, {@code prompt_embeddings} (num_virtual_tokens x token_dim), whose
 * rows stand in front of the word embeddings of every input ({@link PromptTunable}); no layer of the
 * base changes, and nothing can be merged into it.
 *
 * <p>{@code prompt_tuning_init} {@code RANDOM} starts the rows as PEFT's {@code nn.Embedding} does, from
 * N(0, 1); {@code TEXT} copies the word embeddings of {@code prompt_tuning_init_text}'s token ids (as the
 * tokenizer gives them, special tokens included), repeated or cut to num_virtual_tokens ({@link #initTokenIds}).
 *
 * <pre>{@code
 * PromptTuningConfig c = PromptTuningConfig.defaults().withNumVirtualTokens(8).withInitText("classify the topic");
 * c = c.forModel(PromptTunable.of(model));   // token_dim, num_layers, num_attention_heads from the model
 * }</pre>
 *
 * @param numVirtualTokens virtual tokens in front of every input (at least 1)
 * @param tokenDim width of a word embedding (0 until {@link #forModel})
 * @param numTransformerSubmodules 1 for encoders and decoders (PEFT's 2 is for encoder-decoder models, which Graft has none of)
 * @param numAttentionHeads the base's heads per layer (informative, as in PEFT)
 * @param numLayers the base's layers (informative, as in PEFT)
 * @param init {@code RANDOM} or {@code TEXT}
 * @param initText the text of a {@code TEXT} initialisation, or null
 * @param tokenizer {@code tokenizer_name_or_path} of a {@code TEXT} initialisation, or null
 * @param modulesToSave modules trained fully and stored whole (a classifier)
 * @param baseModel {@code base_model_name_or_path}
 * @param revision the base model's revision, or null
 * @param taskType PEFT's task type ({@code SEQ_CLS}, {@code CAUSAL_LM}, ...), or null
 */
public record PromptTuningConfig(int numVirtualTokens, long tokenDim, int numTransformerSubmodules, int numAttentionHeads, int numLayers,
        String init, String initText, String tokenizer, List<String> modulesToSave, String baseModel, String revision, String taskType)
        implements PeftConfig {
    /** Virtual tokens unless told otherwise (PEFT's examples use 20; PEFT itself has no default). */
    public static final int DEFAULT_VIRTUAL_TOKENS = 20;
    /** PEFT's {@code prompt_tuning_init} values. */
    public static final String RANDOM = "RANDOM";
    public static final String TEXT = "TEXT";
    /** The key of the virtual tokens in {@code adapter_model.safetensors}, as PEFT saves it (no prefix). */
    public static final String KEY = "prompt_embeddings";
    /** PEFT's prefix of a prompt-learning model's saved modules ({@code base_model.classifier.weight}): the PeftModel's base_model is the model itself. */
    public static final String MODULE_PREFIX = "base_model.";

    public PromptTuningConfig {
        modulesToSave = modulesToSave == null ? List.of() : List.copyOf(modulesToSave);
        init = init == null ? RANDOM : init;
        if (numVirtualTokens < 1) {
            throw new GraftException("num_virtual_tokens is " + numVirtualTokens + "; prompt tuning needs at least one virtual token",
                    "use --num-virtual-tokens 1 or more (default " + DEFAULT_VIRTUAL_TOKENS + ")");
        }
        if (numTransformerSubmodules != 1) {
            throw new GraftException("num_transformer_submodules is " + numTransformerSubmodules + " (an encoder-decoder adapter)",
                    "Graft applies prompt tuning to encoders and decoders (BERT, GPT-2): num_transformer_submodules 1");
        }
        if (!init.equals(RANDOM) && !init.equals(TEXT)) {
            throw new GraftException("prompt_tuning_init '" + init + "' is not one Graft applies", "use RANDOM or TEXT");
        }
        if (init.equals(TEXT) && (initText == null || initText.isBlank())) {
            throw new GraftException("prompt_tuning_init TEXT without prompt_tuning_init_text", "give the text to start the virtual tokens from, or use RANDOM");
        }
    }

    /** {@value #DEFAULT_VIRTUAL_TOKENS} virtual tokens, RANDOM initialisation; the model's sizes come with {@link #forModel}. */
    public static PromptTuningConfig defaults() {
        return new PromptTuningConfig(DEFAULT_VIRTUAL_TOKENS, 0, 1, 0, 0, RANDOM, null, null, List.of(), null, null, null);
    }

    /** This config with the sizes of {@code model} ({@code token_dim}, {@code num_layers}, {@code num_attention_heads}). */
    public PromptTuningConfig forModel(PromptTunable model) {
        return Records.with(this, "tokenDim", model.tokenDim(), "numAttentionHeads", model.numAttentionHeads(), "numLayers", model.numLayers());
    }

    /** Rows of {@code prompt_embeddings}: num_virtual_tokens x num_transformer_submodules, as PEFT's {@code PromptEmbedding}. */
    public int rows() {
        return numVirtualTokens * numTransformerSubmodules;
    }

    /**
     * PEFT's TEXT initialisation's token ids: the init text's ids repeated until there are {@link #rows()}, then cut to that many.
     */
    public long[] initTokenIds(long[] textIds) {
        if (textIds.length == 0) {
            throw new GraftException("prompt_tuning_init_text '" + initText + "' has no tokens", "give a text with at least one word");
        }
        long[] out = new long[rows()];
        for (int i = 0; i < out.length; i++) {
            out[i] = textIds[i % textIds.length];
        }
        return out;
    }

    @Override
    public String peftType() {
        return "PROMPT_TUNING";
    }

    /** Prompt tuning adapts no linear layer. */
    @Override
    public boolean targets(String path) {
        return false;
    }

    @Override
    public PromptTuningConfig withTargetsFor(Collection<String> linearPaths) {
        return this;
    }

    @Override
    public String targetsText() {
        return numVirtualTokens + " virtual tokens";
    }

    @Override
    public String describe() {
        return "A prompt-tuning adapter (" + numVirtualTokens + " virtual tokens, " + init.toLowerCase(java.util.Locale.ROOT) + " init)";
    }

    public PromptTuningConfig withNumVirtualTokens(int v) {
        return Records.with(this, "numVirtualTokens", v);
    }

    /** TEXT initialisation from {@code text} (null: RANDOM); {@code tokenizer_name_or_path} is the base's. */
    public PromptTuningConfig withInitText(String text) {
        return Records.with(this, "init", text == null ? RANDOM : TEXT, "initText", text, "tokenizer", text == null ? null : baseModel);
    }

    public PromptTuningConfig withModulesToSave(List<String> v) {
        return Records.with(this, "modulesToSave", v);
    }

    @Override
    public PromptTuningConfig withBaseModel(String v) {
        return Records.with(this, "baseModel", v, "tokenizer", init.equals(TEXT) && tokenizer == null ? v : tokenizer);
    }

    public PromptTuningConfig withTaskType(String v) {
        return Records.with(this, "taskType", v);
    }

    /** Writes PEFT's {@code adapter_config.json} of a prompt-tuning adapter (the fields PEFT writes; {@code fanInFanOut} does not apply). */
    @Override
    public void write(Path file, boolean fanInFanOut) {
        if (tokenDim <= 0) {
            throw new GraftException("the prompt-tuning config has no token_dim", "create the adapter on its model (PromptTuningConfig.forModel)");
        }
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.putNull("auto_mapping");
        PeftConfig.putText(o, "base_model_name_or_path", baseModel);
        o.put("inference_mode", true);
        if (modulesToSave.isEmpty()) {
            o.putNull("modules_to_save");
        } else {
            modulesToSave.forEach(o.putArray("modules_to_save")::add);
        }
        o.put("num_attention_heads", numAttentionHeads);
        o.put("num_layers", numLayers);
        o.put("num_transformer_submodules", numTransformerSubmodules);
        o.put("num_virtual_tokens", numVirtualTokens);
        o.put("peft_type", peftType());
        o.put("prompt_tuning_init", init);
        PeftConfig.putText(o, "prompt_tuning_init_text", initText);
        PeftConfig.putText(o, "revision", revision);
        PeftConfig.putText(o, "task_type", taskType);
        o.put("token_dim", tokenDim);
        o.putNull("tokenizer_kwargs");
        PeftConfig.putText(o, "tokenizer_name_or_path", tokenizer);
        PeftConfig.writeJson(o, file);
    }

    /** The prompt-tuning config in {@code n}, read from {@code file}; a missing {@code num_virtual_tokens} or {@code token_dim} is one clear error. */
    static PromptTuningConfig of(Path file, JsonNode n) {
        for (String f : new String[] {"num_virtual_tokens", "token_dim"}) {
            if (!n.path(f).canConvertToInt()) {
                throw new GraftException(file + " has no " + f, "a PEFT PROMPT_TUNING config names num_virtual_tokens and token_dim");
            }
        }
        List<String> save = new ArrayList<>();
        n.path("modules_to_save").forEach(x -> save.add(x.asText()));
        return new PromptTuningConfig(n.get("num_virtual_tokens").asInt(), n.get("token_dim").asLong(), n.path("num_transformer_submodules").asInt(1),
                n.path("num_attention_heads").asInt(0), n.path("num_layers").asInt(0), PeftConfig.text(n, "prompt_tuning_init"),
                PeftConfig.text(n, "prompt_tuning_init_text"), PeftConfig.text(n, "tokenizer_name_or_path"), save,
                PeftConfig.text(n, "base_model_name_or_path"), PeftConfig.text(n, "revision"), PeftConfig.text(n, "task_type"));
    }
}
