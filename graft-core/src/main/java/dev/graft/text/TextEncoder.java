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

    private final String name;
    private final Path dir;
    private final NDManager manager;
    private final BertModel model;
    private final TextTokenizer tokenizer;
    private final SentencePooling pooling;

    private TextEncoder(String name, Path dir, NDManager manager, BertModel model, TextTokenizer tokenizer, SentencePooling pooling) {
        this.name = name;
        this.dir = dir;
        this.manager = manager;
        this.model = model;
        this.tokenizer = tokenizer;
        this.pooling = pooling;
    }

    /**
     * Opens a text model by name: {@code all-MiniLM-L6-v2} (imported on first use), a folder with
     * {@code config.json}, {@code model.safetensors} and {@code tokenizer.json}, or a weights source
     * such as {@code local-dir:DIR} or {@code hf-hub:org/name} (from the hub, with graft-hub on the
     * class path).
     */
    public static TextEncoder open(String ref) {
        return load(resolve(ref), ref);
    }

    /**
     * The folder a model name refers to, importing the built-in model if needed; for a PEFT adapter
     * (a folder, {@code local-dir:} or {@code hf-hub:} repository with {@code adapter_config.json}) the merged
     * model's folder ({@link dev.graft.peft.LoraModels#mergedFolder}).
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

    public BertModel model() {
        return model;
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
        return pooling.width(model.config().hiddenSize());
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
        NDArray mask = nd.create(b.mask(), new Shape(b.size(), b.length()));
        NDArray hidden = model.forward(ps, new NDList(ids, mask), training).get(0);
        // Unit length even where the folder has no Normalize module: cosine similarities are sentence-transformers' either way.
        return BertModel.normalize(pooling.pool(hidden, mask));
    }

    @Override
    public void close() {
        tokenizer.close();
        manager.close();
    }
}
