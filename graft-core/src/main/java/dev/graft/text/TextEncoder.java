package dev.graft.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.graft.GraftException;
import dev.graft.engine.Engines;
import dev.graft.progress.Output;
import dev.graft.progress.Progress;
import dev.graft.util.Json;
import dev.graft.zoo.bert.BertConfig;
import dev.graft.zoo.bert.BertModel;
import dev.graft.zoo.bert.BertWeights;
import dev.graft.zoo.bert.MiniLm;
import dev.graft.zoo.gpt2.Gpt2Config;
import dev.graft.zoo.gpt2.Gpt2Model;
import dev.graft.zoo.gpt2.Gpt2Models;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A sentence encoder: a BERT model and its tokenizer, loaded from a Hugging Face style folder,
 * turning texts into L2-normalised sentence vectors pooled as the folder's sentence-transformers
 * modules say ({@code modules.json}, {@code 1_Pooling/config.json}; mean pooling without them).
 *
 * <p>A GPT-2 ({@code model_type: gpt2}: a catalogue name such as
 * {@code gpt2_graft_small.graft_wordnet_glosses}, or a folder) is opened as
 * {@code GPT2ForSequenceClassification} sees it: the vector of a text is the last hidden state at
 * its last non-padding token, not normalised, and the classifier on it is {@code score} (no bias).
 * GPT-2 has no pad token: the config's {@code pad_token_id} is used, else its {@code eos_token_id},
 * as transformers users set {@code model.config.pad_token_id = tokenizer.eos_token_id}.
 *
 * <pre>{@code
 * try (TextEncoder enc = TextEncoder.open("all-MiniLM-L6-v2")) {
 *     float[][] v = enc.embed(List.of("a cat", "a dog"));   // 2 x 384, unit length
 * }
 * }</pre>
 */
public final class TextEncoder implements AutoCloseable {
    /** Names that mean the built-in all-MiniLM-L6-v2. */
    public static final List<String> MINILM_NAMES = List.of("all-MiniLM-L6-v2", MiniLm.ID, "minilm");
    private static final int BATCH = 32;
    private static final String HEAD_BERT = "classifier";
    private static final String HEAD_GPT2 = "score";

    private final String name;
    private final Path dir;
    private final NDManager manager;
    private final BertModel model;
    private final TextTokenizer tokenizer;
    private final SentencePooling pooling;
    private final Gpt2Model gpt2;
    private final BpeTokenizer bpe;
    private final int padTokenId;

    private TextEncoder(String name, Path dir, NDManager manager, BertModel model, TextTokenizer tokenizer, SentencePooling pooling) {
        this(name, dir, manager, model, tokenizer, pooling, null, null, 0);
    }

    private TextEncoder(String name, Path dir, NDManager manager, BertModel model, TextTokenizer tokenizer, SentencePooling pooling,
            Gpt2Model gpt2, BpeTokenizer bpe, int padTokenId) {
        this.name = name;
        this.dir = dir;
        this.manager = manager;
        this.model = model;
        this.tokenizer = tokenizer;
        this.pooling = pooling;
        this.gpt2 = gpt2;
        this.bpe = bpe;
        this.padTokenId = padTokenId;
    }

    /**
     * Opens a text model by name: {@code all-MiniLM-L6-v2} (imported on first use), a folder with
     * {@code config.json}, {@code model.safetensors} and {@code tokenizer.json}, or a weights source
     * such as {@code local-dir:DIR} or {@code hf-hub:org/name} (from the hub, with graft-hub on the
     * class path).
     */
    public static TextEncoder open(String ref) {
        Path adapter = ref == null ? null : dev.graft.peft.LoraModels.adapterFolder(ref);
        if (adapter != null && dev.graft.peft.LoraModels.isPromptTuning(adapter)) {
            // prompt tuning merges into nothing: the base encoder, carrying the adapter's virtual tokens
            dev.graft.peft.LoraAdapter a = dev.graft.peft.LoraAdapter.load(adapter);
            TextEncoder enc = open(a.config().baseModel());
            try (a) {
                a.applyPrompt(enc.promptTunable(), null);
            } catch (RuntimeException e) {
                enc.close();
                throw e;
            }
            return enc;
        }
        Gpt2Model g = gpt2Model(ref);
        return g != null ? gpt2(g, ref) : load(resolve(ref), ref);
    }

    /** The GPT-2 {@code ref} names (a folder or source with {@code model_type: gpt2}, a gpt2 catalogue name), else null. */
    private static Gpt2Model gpt2Model(String ref) {
        if (ref == null || ref.isBlank() || MINILM_NAMES.stream().anyMatch(n -> n.equalsIgnoreCase(ref))) {
            return null;
        }
        if (dev.graft.zoo.WeightsSources.hasPrefix(ref)) {
            Path dir = dev.graft.zoo.WeightsSources.folderWith(ref, "config.json");
            return dir != null && isGpt2(dir) ? TextGenerator.model(ref) : null;
        }
        if (Files.isDirectory(Path.of(ref))) {
            return isGpt2(Path.of(ref)) ? TextGenerator.model(dev.graft.zoo.WeightsSources.LOCAL_DIR + ref) : null;
        }
        try {
            return Gpt2Models.FAMILY.equals(dev.graft.zoo.Zoo.architecture(ref).family()) ? TextGenerator.model(ref) : null;
        } catch (GraftException notAModelName) {
            return null;  // not a zoo name either: resolve() says what a text model can be
        }
    }

    /** Whether {@code dir}'s config.json is a GPT-2's ({@code model_type: gpt2}). */
    private static boolean isGpt2(Path dir) {
        Path config = dir.resolve("config.json");
        if (!Files.isRegularFile(config)) {
            return false;
        }
        try {
            return Gpt2Config.MODEL_TYPE.equals(Json.MAPPER.readTree(config.toFile()).path("model_type").asText());
        } catch (IOException e) {
            throw new GraftException("cannot read " + config + ": " + e.getMessage(), "fix or replace the file", e);
        }
    }

    /** A GPT-2 as a text encoder (see the class comment), with its folder's tokenizer or GPT-2's own. */
    private static TextEncoder gpt2(Gpt2Model g, String name) {
        Gpt2Config c = g.config();
        Integer pad = c.padTokenId();
        if (pad == null) {
            if (c.eosTokenId() == null) {
                throw new GraftException(g.name() + " has no pad_token_id and no eos_token_id in its config.json, and GPT-2 has no pad token",
                        "set \"pad_token_id\" in config.json, e.g. to the end-of-text id " + Gpt2Config.ENDOFTEXT
                                + " (as transformers users set model.config.pad_token_id = tokenizer.eos_token_id)");
            }
            pad = c.eosTokenId();
            Output.note(g.name() + " has no pad_token_id: padding with eos_token_id " + pad
                    + ", as transformers users set model.config.pad_token_id = tokenizer.eos_token_id");
        }
        BpeTokenizer bpe = TextGenerator.tokenizerFor(g, name);
        if (bpe.vocabSize() != c.vocabSize()) {
            bpe.close();
            throw new GraftException("the tokenizer " + bpe.source() + " has " + bpe.vocabSize() + " token ids but " + g.name()
                    + " has vocab_size " + c.vocabSize(), "use the tokenizer the model was trained with (its folder's tokenizer.json)");
        }
        TextTokenizer tok = bpe.textTokenizer(c.nPositions(), pad);
        return new TextEncoder(name == null ? g.name() : name, g.weightsDir(), g.manager(), null, tok, null, g, bpe, pad);
    }

    /**
     * The folder a model name refers to, importing the built-in model if needed; for a PEFT adapter
     * (a folder, {@code local-dir:} or {@code hf-hub:} repository with {@code adapter_config.json}) the merged
     * model's folder ({@link dev.graft.peft.LoraModels#mergedFolder}); {@link #open} applies a prompt-tuning adapter to its base instead.
     */
    public static Path resolve(String ref) {
        if (ref == null || ref.isBlank() || MINILM_NAMES.stream().anyMatch(n -> n.equalsIgnoreCase(ref))) {
            return MiniLm.ensureImported();
        }
        Path adapter = dev.graft.peft.LoraModels.adapterFolder(ref);
        if (adapter != null) {
            return dev.graft.peft.LoraModels.mergedFolder(adapter);   // a PEFT adapter: its base with the adapter merged in
        }
        if (dev.graft.zoo.WeightsSources.hasPrefix(ref)) {
            Path dir = dev.graft.zoo.WeightsSources.resolve(ref).weightsFile().getParent();
            if (!Files.isRegularFile(dir.resolve("tokenizer.json"))) {
                throw new GraftException(ref + " has no tokenizer.json", "a text model needs its Hugging Face tokenizer.json next to the weights");
            }
            return dir;
        }
        Path p = Path.of(ref);
        if (Files.isDirectory(p)) {
            return p;
        }
        throw new GraftException("unknown text model '" + ref + "'",
                "use all-MiniLM-L6-v2, a folder with config.json, model.safetensors and tokenizer.json, or hf-hub:org/name");
    }

    /** Loads the model in {@code dir}. */
    public static TextEncoder load(Path dir, String name) {
        Engines.pytorch();
        if (isGpt2(dir)) {
            return gpt2(TextGenerator.model(dev.graft.zoo.WeightsSources.LOCAL_DIR + dir), name == null ? dir.getFileName().toString() : name);
        }
        BertConfig read = BertConfig.read(dir.resolve("config.json"));
        // transformers' RoBERTa and DistilBERT classifiers keep no pooler; the sentence vector needs none.
        BertConfig cfg = read.isSequenceClassifier() ? read.withArchitecture(read.architectures().get(0), read.isBert()) : read;
        NDManager nd = NDManager.newBaseManager();
        try {
            BertModel bert = new BertModel(cfg);
            bert.initialize(nd);
            List<String> missing = loadWeights(bert, dir);
            if (!missing.isEmpty()) {
                throw new GraftException("weights in " + dir + " lack " + missing.size() + " tensors, e.g. '" + missing.get(0) + "'",
                        "check that config.json and model.safetensors belong to the same model");
            }
            TextTokenizer tok = TextTokenizer.load(dir.resolve("tokenizer.json"), maxSeqLength(dir, cfg), cfg.padTokenId());
            return new TextEncoder(name == null ? dir.getFileName().toString() : name, dir, nd, bert, tok, SentencePooling.read(dir));
        } catch (RuntimeException e) {
            nd.close();
            throw e;
        }
    }

    /**
     * Loads the weights of the text model folder {@code dir} (one file or a sharded checkpoint) into
     * {@code bert}: keys behind a prefix every key carries ({@code bert.}, {@code module.}) or behind
     * the base-model prefix of a model with a head are found; extra keys are ignored. Returns the keys
     * of {@code bert} the folder lacks.
     */
    public static List<String> loadWeights(BertModel bert, Path dir) {
        BertConfig cfg = bert.config();
        try (NDManager tmp = NDManager.newBaseManager()) {
            Map<String, NDArray> sd = BertWeights.read(tmp, dev.graft.weights.Checkpoint.locate(dir));
            String found = dev.graft.zoo.Weights.strippablePrefix(new ArrayList<>(sd.keySet()), bert.stateDict().keySet());
            // A model with a head (BertForSequenceClassification): its encoder is behind transformers' base_model_prefix.
            String prefix = found.isEmpty() && sd.keySet().stream().anyMatch(k -> k.startsWith(cfg.baseModelPrefix() + "embeddings."))
                    ? cfg.baseModelPrefix() : found;
            if (!prefix.isEmpty()) {
                Map<String, NDArray> stripped = new LinkedHashMap<>();
                sd.forEach((k, v) -> stripped.put(k.startsWith(prefix) ? k.substring(prefix.length()) : k, v));
                sd = stripped;
            }
            return bert.loadStateDict(sd, false);
        }
    }

    /** sentence-transformers' max_seq_length if the folder has one, else the longest sequence the model takes (RoBERTa: 2 fewer than its positions). */
    static int maxSeqLength(Path dir, BertConfig cfg) {
        Path st = dir.resolve("sentence_bert_config.json");
        if (Files.isRegularFile(st)) {
            try {
                Map<?, ?> m = Json.MAPPER.readValue(st.toFile(), Map.class);
                Object v = m.get("max_seq_length");
                if (v instanceof Number n) {
                    return Math.min(n.intValue(), cfg.maxSequenceLength());
                }
            } catch (IOException e) {
                throw new GraftException("cannot read " + st + ": " + e.getMessage(), "fix or delete the file", e);
            }
        }
        return cfg.maxSequenceLength();
    }

    public String name() {
        return name;
    }

    public Path dir() {
        return dir;
    }

    /** The BERT-family encoder; an error for a GPT-2 ({@link #gpt2()}). */
    public BertModel model() {
        if (model == null) {
            throw new GraftException(name + " is a GPT-2, not a BERT-family encoder",
                    "use all-MiniLM-L6-v2 or a BERT, RoBERTa or DistilBERT folder here; GPT-2 models work with text-finetune, embed and generate");
        }
        return model;
    }

    /** The model prompt-tuning adapters put their virtual tokens in front of: the GPT-2 or the BERT-family encoder. */
    public dev.graft.zoo.nn.PromptTunable promptTunable() {
        return gpt2 != null ? gpt2 : model;
    }

    /** The GPT-2 behind this encoder, or null for a BERT-family one. */
    public Gpt2Model gpt2() {
        return gpt2;
    }

    /** The encoder's parameters by PyTorch key (for a GPT-2, {@code transformer.*}; its {@code score} is the head, not here). */
    public Map<String, ai.djl.nn.Parameter> parameters() {
        if (gpt2 == null) {
            return model.stateDict();
        }
        Map<String, ai.djl.nn.Parameter> out = new LinkedHashMap<>(gpt2.stateDict());
        out.keySet().removeIf(k -> k.startsWith(HEAD_GPT2 + "."));
        return out;
    }

    /** The encoder's linear layers by module path, the layers adapters attach to (a GPT-2's {@code score} left out). */
    public Map<String, dev.graft.zoo.nn.AdaptableLinear> linearLayers() {
        if (gpt2 == null) {
            return dev.graft.zoo.nn.LinearLayers.of(model);
        }
        Map<String, dev.graft.zoo.nn.AdaptableLinear> out = new LinkedHashMap<>(dev.graft.zoo.nn.LinearLayers.of(gpt2));
        out.keySet().removeIf(k -> k.equals(HEAD_GPT2));
        return out;
    }

    /** Transformer layers (blocks). */
    public int numLayers() {
        return gpt2 == null ? model.numLayers() : gpt2.config().nLayer();
    }

    /**
     * The classifier's module name in transformers' layout: {@code classifier} (weight and bias) for
     * the BERT family, {@code score} (weight only) for GPT-2.
     */
    public String headName() {
        return gpt2 == null ? HEAD_BERT : HEAD_GPT2;
    }

    /** Whether the classifier has a bias (GPT-2's {@code score} has none: its bias stays zero). */
    public boolean headHasBias() {
        return gpt2 == null;
    }

    /** The id batches are padded with (a GPT-2's pad, usually its end-of-text token); see the class comment. */
    public int padTokenId() {
        return gpt2 == null ? model.config().padTokenId() : padTokenId;
    }

    /** A GPT-2's byte-level BPE tokenizer (for saving it with the model), or null. */
    public BpeTokenizer bpeTokenizer() {
        return bpe;
    }

    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    /** The manager owning the model's parameters. */
    public NDManager manager() {
        return manager;
    }

    /** Width of the sentence vectors. */
    public int dimension() {
        return gpt2 != null ? gpt2.config().nEmbd() : pooling.width(model.config().hiddenSize());
    }

    /** How token vectors become the sentence vector (the folder's sentence-transformers modules). */
    public SentencePooling pooling() {
        return pooling;
    }

    /** Sentence vectors (unit length), one row per text, in the input order. */
    public float[][] embed(List<String> texts) {
        return embed(texts, null);
    }

    /** As {@link #embed(List)}, with a progress line labelled {@code progressLabel} (null: none). */
    public float[][] embed(List<String> texts, String progressLabel) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            order.add(i);
        }
        // Batches of similar lengths waste little on padding.
        order.sort(Comparator.comparingInt(i -> texts.get(i).length()));
        float[][] out = new float[texts.size()][];
        int truncated = 0;
        Progress progress = progressLabel == null ? null : Progress.start(progressLabel, texts.size(), "texts");
        try {
            for (int start = 0; start < order.size(); start += BATCH) {
                List<Integer> idx = order.subList(start, Math.min(order.size(), start + BATCH));
                List<String> batch = new ArrayList<>();
                for (int i : idx) {
                    batch.add(texts.get(i));
                }
                TextTokenizer.Batch b = tokenizer.encodeQuietly(batch);
                truncated += b.truncated();
                try (NDManager sub = manager.newSubManager()) {
                    NDArray v = encode(sub, b, false);
                    float[] flat = v.toFloatArray();
                    int d = dimension();
                    for (int k = 0; k < idx.size(); k++) {
                        float[] row = new float[d];
                        System.arraycopy(flat, k * d, row, 0, d);
                        out[idx.get(k)] = row;
                    }
                }
                if (progress != null) {
                    progress.step(idx.size());
                }
            }
        } finally {
            if (progress != null) {
                progress.close();
            }
        }
        if (truncated > 0) {
            Output.warn(truncated + " of " + texts.size() + " texts were longer than " + tokenizer.maxLength()
                    + " tokens and were truncated");
        }
        return out;
    }

    /** Sentence vectors of a tokenised batch as a B x H array in {@code nd} (gradients flow when training). */
    public NDArray encode(NDManager nd, TextTokenizer.Batch b, boolean training) {
        return encode(nd, new ParameterStore(nd, false), b, training);
    }

    /** As {@link #encode(NDManager, TextTokenizer.Batch, boolean)} with a given parameter store. */
    public NDArray encode(NDManager nd, ParameterStore ps, TextTokenizer.Batch b, boolean training) {
        NDArray ids = nd.create(b.ids(), new Shape(b.size(), b.length()));
        if (gpt2 != null) {
            // Right padding under causal attention: no token sees the padding after it, so no mask is needed.
            return Gpt2Model.lastNonPadding(gpt2.hidden(ps, ids, null, null, training), ids, padTokenId);
        }
        NDArray mask = nd.create(b.mask(), new Shape(b.size(), b.length()));
        NDArray hidden = model.forward(ps, new NDList(ids, mask), training).get(0);
        // Unit length even where the folder has no Normalize module: cosine similarities are sentence-transformers' either way.
        return BertModel.normalize(pooling.pool(hidden, model.extendMask(mask)));   // a prompt's virtual tokens are pooled with the text
    }

    @Override
    public void close() {
        tokenizer.close();
        if (bpe != null) {
            bpe.close();
        }
        manager.close();
    }
}
