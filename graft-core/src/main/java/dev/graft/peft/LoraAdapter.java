package dev.graft.peft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.graft.GraftException;
import dev.graft.train.ModelParts;
import dev.graft.train.TrainableParam;
import dev.graft.weights.Checkpoint;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.Weights;
import dev.graft.zoo.nn.AdaptableLinear;
import dev.graft.zoo.nn.LinearLayers;
import dev.graft.zoo.nn.PromptTunable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A LoRA or (IA)³ adapter (Hugging Face PEFT's format, {@link LoraConfig} or {@link Ia3Config}) on a
 * model's linear layers. LoRA: the layers that
 * {@link LoraConfig#targets} names get {@code y = W x + b + scale * B(A(dropout(x)))}, A initialised
 * Kaiming-uniform (a = sqrt(5)) and B zero, so a fresh adapter changes nothing. The base weights are
 * never touched unless {@link #merge()} folds the update into them (W + scale·B·A), which
 * {@link #unmerge()} undoes. Modules in {@code modules_to_save} (a new classifier) and, with
 * {@code bias} {@code lora_only} or {@code all}, biases are trained fully and stored whole. IA3: each
 * target layer learns a vector {@code ia3_l} (ones at first) that scales its input (feed-forward
 * layers) or its output; merging multiplies it into the weights. Prompt tuning
 * ({@link PromptTuningConfig}, {@link #createPrompt}): one matrix {@code prompt_embeddings} of virtual
 * tokens in front of every input ({@link PromptTunable}); it adapts no layer and cannot be merged, so a
 * model with it carries the active adapter.
 *
 * <p>On disk ({@link #save}) it is PEFT's folder: {@code adapter_config.json} and
 * {@code adapter_model.safetensors} with keys {@code base_model.model.<module path>.lora_A.weight} /
 * {@code .lora_B.weight} (IA3: {@code base_model.model.<module path>.ia3_l}) and
 * {@code base_model.model.<path>.<param>} for saved modules, so
 * {@code PeftModel.from_pretrained} loads it on the same transformers model.
 *
 * <!-- example: LoraText#adapter -->
 * <pre>{@code
 * try (TextEncoder enc = TextEncoder.open("all-MiniLM-L6-v2")) {
 *     TextFineTuner.Result r = TextFineTuner.fit(enc, train, null, TextFineTuner.Options.defaults(Strategy.LORA), null, "lora",
 *             TextFineTuner.defaultLora(enc).withR(4));
 *     LoraAdapter adapter = r.adapter();            // on the encoder, unmerged: W x + b + scale B(A x)
 *     adapter.save(out.resolve("adapter"));         // adapter_config.json + adapter_model.safetensors, PEFT's
 *     adapter.merge();                              // W + scale B A: a plain encoder, no extra parameters
 * }
 * GraftModel merged = Zoo.create("local-dir:" + out.resolve("adapter"), CreateOptions.defaults());  // base + adapter
 * }</pre>
 */
public final class LoraAdapter implements AutoCloseable {
    /** The weights file PEFT writes. */
    public static final String WEIGHTS_FILE = "adapter_model.safetensors";
    /** The files of an adapter folder, as published. */
    public static final List<String> FILES = List.of(PeftConfig.FILE, WEIGHTS_FILE, "README.md");
    /** PEFT's prefix of every key (the adapted model inside the PeftModel). */
    public static final String PREFIX = "base_model.model.";
    /** The end of an IA3 vector's key (PEFT's {@code ia3_l} parameter, adapter name dropped). */
    static final String IA3_KEY = ".ia3_l";

    private final String name;
    private final PeftConfig config;
    private final NDManager manager;
    /** The tensors read from a file, before {@link #apply}: lora keys and saved modules, without {@link #PREFIX}. */
    private final Map<String, NDArray> loaded;
    private final Map<String, AdapterLayer> layers = new LinkedHashMap<>();
    /** Model parameters the adapter trains and stores whole (modules_to_save, biases), by their key in the adapter file. */
    private final Map<String, Parameter> saved = new LinkedHashMap<>();
    /** The base's values of {@link #saved}, kept while the adapter is active so {@link #deactivate} restores them. */
    private final Map<String, float[]> original = new LinkedHashMap<>();
    private boolean merged;
    private boolean active;
    /** Prompt tuning: the virtual tokens and the model they go in front of; else null. */
    private Parameter prompt;
    private PromptTunable promptModel;

    private LoraAdapter(String name, PeftConfig config, NDManager manager, Map<String, NDArray> loaded) {
        this.name = name;
        this.config = config;
        this.manager = manager;
        this.loaded = loaded;
    }

    /** A fresh adapter named {@code default} on a zoo model (see {@link #create(String, Map, Map, LoraConfig)}). */
    public static LoraAdapter create(GraftModel model, PeftConfig config) {
        return create("default", LinearLayers.of(model), model.stateDict(), config);
    }

    /**
     * A fresh adapter on a model given by its linear layers and state dict (PyTorch keys): every
     * parameter is frozen except what the adapter trains. LoRA's A is Kaiming-uniform (the engine's
     * seed) and B zero; IA3's vectors are ones. Fails before any training when the targets match no linear layer.
     */
    public static LoraAdapter create(String name, Map<String, AdaptableLinear> linears, Map<String, Parameter> stateDict, PeftConfig given) {
        PeftConfig config = given.withTargetsFor(linears.keySet());
        List<String> paths = targetPaths(linears, config);
        NDManager nd = NDManager.newBaseManager();
        LoraAdapter ad = new LoraAdapter(name, config, nd, Map.of());
        for (String path : paths) {
            AdaptableLinear l = linears.get(path);
            long out = l.outFeatures();
            long in = l.inFeatures();
            if (config instanceof LoraConfig lc) {
                double bound = 1 / Math.sqrt(in);   // kaiming_uniform_(a=sqrt(5)) on (r, in): gain sqrt(1/3), bound gain*sqrt(3/in)
                NDArray a = nd.randomUniform((float) -bound, (float) bound, new Shape(lc.r(), in));
                NDArray b = nd.zeros(new Shape(out, lc.r()));
                ad.layers.put(path, ad.layer(path, l, a, b));
            } else {
                ad.layers.put(path, ad.ia3Layer(path, l, nd.ones(ia3Shape((Ia3Config) config, path, l))));
            }
        }
        ad.bindSaved(linears, stateDict);
        for (Map.Entry<String, Parameter> e : stateDict.entrySet()) {
            e.getValue().freeze(!ad.saved.containsValue(e.getValue()));
        }
        ad.activate();
        return ad;
    }

    /**
     * A fresh prompt-tuning adapter on {@code model} ({@link PromptTunable}), with {@code stateDict} the
     * parameters of the whole model (a new head among them, named by {@code modules_to_save}): everything
     * is frozen except the virtual tokens and the saved modules. RANDOM initialisation draws the rows from
     * N(0, 1) (the engine's seed), as PEFT's {@code nn.Embedding}; TEXT copies the word embeddings of
     * {@code initTextIds} (the init text's token ids as the base's tokenizer gives them), repeated to
     * num_virtual_tokens ({@link PromptTuningConfig#initTokenIds}).
     */
    public static LoraAdapter createPrompt(String name, PromptTunable model, Map<String, Parameter> stateDict, PromptTuningConfig given,
            long[] initTextIds) {
        PromptTuningConfig config = given.forModel(model);
        NDManager nd = NDManager.newBaseManager();
        LoraAdapter ad = new LoraAdapter(name, config, nd, Map.of());
        NDArray rows;
        if (config.init().equals(PromptTuningConfig.TEXT)) {
            if (initTextIds == null) {
                nd.close();
                throw new GraftException("a TEXT prompt-tuning init needs the init text's token ids", "tokenise prompt_tuning_init_text with the base's tokenizer");
            }
            NDArray ids = nd.create(config.initTokenIds(initTextIds));
            rows = model.wordEmbeddings().getArray().get(ids).duplicate();
        } else {
            rows = nd.randomNormal(new Shape(config.rows(), config.tokenDim()));
        }
        rows.attach(model.wordEmbeddings().getArray().getManager());   // the tokens live as long as the model, which carries them
        ad.promptModel = model;
        ad.prompt = ad.promptParameter(rows);
        ad.bindSaved(Map.of(), stateDict);
        for (Parameter p : stateDict.values()) {
            p.freeze(!ad.saved.containsValue(p));
        }
        ad.activate();
        return ad;
    }

    private Parameter promptParameter(NDArray rows) {
        rows.setRequiresGradient(true);
        return Parameter.builder().setName(PromptTuningConfig.KEY).setType(Parameter.Type.WEIGHT).optArray(rows).build();
    }

    private boolean isPrompt() {
        return config instanceof PromptTuningConfig;
    }

    /** The prefix of a saved module's key in the file: PEFT's {@code base_model.model.} (LoRA, IA3) or {@code base_model.} (prompt tuning). */
    private String modulePrefix() {
        return isPrompt() ? PromptTuningConfig.MODULE_PREFIX : PREFIX;
    }

    private LoraLayer layer(String path, AdaptableLinear target, NDArray a, NDArray b) {
        a.setRequiresGradient(true);
        b.setRequiresGradient(true);
        Parameter pa = Parameter.builder().setName(path + ".lora_A.weight").setType(Parameter.Type.WEIGHT).optArray(a).build();
        Parameter pb = Parameter.builder().setName(path + ".lora_B.weight").setType(Parameter.Type.WEIGHT).optArray(b).build();
        LoraConfig lc = (LoraConfig) config;
        return new LoraLayer(path, target, pa, pb, lc.scale(), lc.dropout());
    }

    private Ia3Layer ia3Layer(String path, AdaptableLinear target, NDArray l) {
        l.setRequiresGradient(true);
        Parameter p = Parameter.builder().setName(path + IA3_KEY).setType(Parameter.Type.WEIGHT).optArray(l).build();
        return new Ia3Layer(path, target, p, ((Ia3Config) config).feedforward(path));
    }

    /** PEFT's shape of a layer's {@code ia3_l}: (1, in) for a feed-forward layer, else (out, 1). */
    private static Shape ia3Shape(Ia3Config c, String path, AdaptableLinear l) {
        return c.feedforward(path) ? new Shape(1, l.inFeatures()) : new Shape(l.outFeatures(), 1);
    }

    /**
     * The module paths {@code config} adapts among {@code linears}; targets that match none fail here
     * with one line naming the model's layer names, so a run can check before it trains anything.
     */
    public static List<String> checkTargets(Map<String, AdaptableLinear> linears, PeftConfig config) {
        return targetPaths(linears, config.withTargetsFor(linears.keySet()));
    }

    /** The layers the config's targets match; none is an error that lists what there is. */
    static List<String> targetPaths(Map<String, AdaptableLinear> linears, PeftConfig config) {
        List<String> paths = new ArrayList<>();
        for (String p : linears.keySet()) {
            if (config.targets(p) && !config.saves(p)) {
                paths.add(p);
            }
        }
        if (paths.isEmpty()) {
            TreeSet<String> names = new TreeSet<>();
            linears.keySet().forEach(p -> names.add(p.substring(p.lastIndexOf('.') + 1)));
            throw new GraftException("target modules " + config.targetsText() + " match no linear layer of the model",
                    "use names of its linear layers, e.g. --target-modules " + String.join(",", names));
        }
        return paths;
    }

    /** Finds the parameters stored whole: modules_to_save, and biases per {@code bias}. */
    private void bindSaved(Map<String, AdaptableLinear> linears, Map<String, Parameter> stateDict) {
        for (Map.Entry<String, Parameter> e : stateDict.entrySet()) {
            String key = e.getKey();
            if (ModelParts.isBuffer(key)) {
                continue;
            }
            int dot = key.lastIndexOf('.');
            String module = dot < 0 ? "" : key.substring(0, dot);
            boolean keep = saves(module);
            if (!keep && key.endsWith(".bias")) {
                keep = config.bias().equals("all") || config.bias().equals("lora_only") && layers.containsKey(module);
            }
            if (keep) {
                // an adapted layer's own parameters sit under base_layer in PEFT's wrapper
                String fileKey = layers.containsKey(module) ? module + ".base_layer" + key.substring(dot) : key;
                saved.put(fileKey, e.getValue());
            }
        }
        if (!config.modulesToSave().isEmpty() && saved.keySet().stream().noneMatch(k -> saves(k.substring(0, Math.max(0, k.lastIndexOf('.')))))) {
            throw new GraftException("modules_to_save " + config.modulesToSave() + " match no module of the model",
                    "name modules of the model, e.g. classifier");
        }
    }

    private boolean saves(String module) {
        for (String m : config.modulesToSave()) {
            if (module.equals(m) || module.endsWith("." + m) || module.startsWith(m + ".") || module.contains("." + m + ".")) {
                return true;
            }
        }
        return false;
    }

    /** Reads a PEFT LoRA, IA3 or prompt-tuning folder ({@code adapter_config.json}, {@code adapter_model.safetensors}); {@link #apply} puts it on a model. */
    public static LoraAdapter load(Path dir) {
        return load(dir, "default");
    }

    /**
     * An adapter by source, under {@code name}: {@code hf-hub:owner/adapter[@revision]} (fetched into the hub
     * cache), {@code local-dir:FOLDER} or a plain folder. The hub's adapters go on one base like local ones:
     * {@code on.add(LoraAdapter.load("hf-hub:alice/topics-lora", "topics").apply(model))}.
     */
    public static LoraAdapter load(String source, String name) {
        if (!dev.graft.zoo.WeightsSources.hasPrefix(source)) {
            return load(Path.of(source), name);
        }
        Path dir = dev.graft.zoo.WeightsSources.folderWith(source, PeftConfig.FILE);
        if (dir == null) {
            throw new GraftException(source + " holds no " + PeftConfig.FILE + ", so it is no PEFT adapter",
                    "give an adapter's repository or folder (adapter_config.json, adapter_model.safetensors)");
        }
        return load(dir, name);
    }

    /** As {@link #load(Path)}, under {@code name} (several adapters on one base are told apart by name). */
    public static LoraAdapter load(Path dir, String name) {
        PeftConfig cfg = PeftConfig.read(dir.resolve(PeftConfig.FILE));
        Path file = dir.resolve(WEIGHTS_FILE);
        if (!Files.isRegularFile(file)) {
            throw new GraftException("no " + WEIGHTS_FILE + " in " + dir, "a PEFT adapter folder holds adapter_config.json and adapter_model.safetensors"
                    + " (convert an adapter_model.bin with PEFT first)");
        }
        NDManager nd = NDManager.newBaseManager();
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        try (Checkpoint st = Checkpoint.open(file)) {
            String prefix = cfg instanceof PromptTuningConfig ? PromptTuningConfig.MODULE_PREFIX : PREFIX;
            st.toNDArrays(nd).forEach((k, v) -> tensors.put(stripPrefix(k, prefix), v.toType(DataType.FLOAT32, false)));
        } catch (RuntimeException e) {
            nd.close();
            throw e;
        }
        return new LoraAdapter(name, cfg, nd, tensors);
    }

    private static String stripPrefix(String key, String prefix) {
        String k = key.startsWith(prefix) ? key.substring(prefix.length()) : key;
        k = k.replace(".lora_A.default.", ".lora_A.").replace(".lora_B.default.", ".lora_B.");
        return k.endsWith(IA3_KEY + ".default") ? k.substring(0, k.length() - ".default".length()) : k;
    }

    /** Puts a loaded adapter on a zoo model (unmerged, active); see {@link #apply(Map, Map)} and, for prompt tuning, {@link #applyPrompt}. */
    public LoraAdapter apply(GraftModel model) {
        if (isPrompt()) {
            PromptTunable p = PromptTunable.of(model);
            if (p == null) {
                throw new GraftException(model.name() + " takes no virtual tokens", "load a prompt-tuning adapter on a text transformer (BERT, GPT-2)");
            }
            return applyPrompt(p, model.stateDict());
        }
        return apply(LinearLayers.of(model), model.stateDict());
    }

    /**
     * Puts a loaded prompt-tuning adapter on {@code model} (with {@code stateDict}, the parameters its saved
     * modules replace; null puts the virtual tokens alone, for an encoder without the adapter's head):
     * {@code prompt_embeddings} must be num_virtual_tokens x the model's token_dim, each saved tensor one of
     * the parameters with the same shape; else one clear error before anything changes.
     */
    public LoraAdapter applyPrompt(PromptTunable model, Map<String, Parameter> stateDict) {
        if (!isPrompt()) {
            throw new GraftException("adapter '" + name + "' is a " + config.peftType() + " adapter, not prompt tuning", "apply it with apply(model)");
        }
        if (promptModel != null) {
            throw new GraftException("adapter '" + name + "' is already on a model", "load it again to put it on another model");
        }
        PromptTuningConfig c = (PromptTuningConfig) config;
        NDArray rows = loaded.get(PromptTuningConfig.KEY);
        if (rows == null) {
            throw new GraftException("the adapter '" + name + "' has no " + PromptTuningConfig.KEY,
                    "give the folder of a prompt-tuning adapter whose adapter_model.safetensors PEFT wrote");
        }
        Shape want = new Shape(c.rows(), model.tokenDim());
        if (!rows.getShape().equals(want)) {
            throw new GraftException("the adapter's " + PromptTuningConfig.KEY + " " + rows.getShape() + " does not fit the model, which needs " + want
                    + " (num_virtual_tokens x its token_dim)", "the base model has other dimensions; load the adapter on "
                    + (config.baseModel() == null ? "its base model" : config.baseModel()));
        }
        Map<String, NDArray> whole = new LinkedHashMap<>(stateDict == null ? Map.of() : loaded);
        whole.remove(PromptTuningConfig.KEY);
        checkWhole(whole, stateDict);
        NDArray copy = rows.duplicate();
        copy.attach(model.wordEmbeddings().getArray().getManager());   // the tokens live as long as the model, which carries them
        prompt = promptParameter(copy);
        promptModel = model;
        whole.keySet().forEach(k -> saved.put(k, stateDict.get(k)));
        if (model.prompt() == null) {
            activate();  // else another adapter's tokens are in place; Adapters.use switches
        }
        return this;
    }

    /** Every tensor the adapter stores whole must name a parameter of the model, of the same shape. */
    private void checkWhole(Map<String, NDArray> whole, Map<String, Parameter> stateDict) {
        for (Map.Entry<String, NDArray> e : whole.entrySet()) {
            Parameter p = stateDict.get(e.getKey().replace(".base_layer.", "."));
            if (p == null) {
                throw new GraftException("the adapter stores '" + e.getKey() + "', which the model has no parameter for",
                        "load the adapter on its base model" + (config.baseModel() == null ? "" : " (" + config.baseModel() + ")"));
            }
            if (!p.getArray().getShape().equals(e.getValue().getShape())) {
                throw new GraftException("the adapter's '" + e.getKey() + "' has shape " + e.getValue().getShape() + " but the model's has "
                        + p.getArray().getShape(), "the base model has other dimensions (a classifier of another class count?)");
            }
        }
    }

    /**
     * Puts a loaded adapter on the model given by its linear layers and state dict: each
     * {@code lora_A}/{@code lora_B} pair must name one of its linear layers with the same in and out
     * features, each saved tensor one of its parameters with the same shape; else one clear error
     * before anything changes. The adapter is unmerged afterwards, and active unless another adapter
     * is active on the same layers (then {@link Adapters#use} switches).
     */
    public LoraAdapter apply(Map<String, AdaptableLinear> linears, Map<String, Parameter> stateDict) {
        if (isPrompt()) {
            throw new GraftException("adapter '" + name + "' is prompt tuning, which adapts no linear layer", "apply it with apply(model) or applyPrompt");
        }
        if (!layers.isEmpty() || !saved.isEmpty()) {
            throw new GraftException("adapter '" + name + "' is already on a model", "load it again to put it on another model");
        }
        Map<String, NDArray[]> pairs = new LinkedHashMap<>();
        Map<String, NDArray> whole = new LinkedHashMap<>();
        boolean lora = config instanceof LoraConfig;
        for (Map.Entry<String, NDArray> e : loaded.entrySet()) {
            String k = e.getKey();
            if (lora) {
                for (String part : new String[] {".lora_A.weight", ".lora_B.weight"}) {
                    if (k.endsWith(part)) {
                        pairs.computeIfAbsent(k.substring(0, k.length() - part.length()), x -> new NDArray[2])[part.contains("_A") ? 0 : 1] = e.getValue();
                    }
                }
            } else if (k.endsWith(IA3_KEY)) {
                pairs.put(k.substring(0, k.length() - IA3_KEY.length()), new NDArray[] {e.getValue()});
            }
            if (!k.contains(".lora_") && !k.endsWith(IA3_KEY)) {
                whole.put(k, e.getValue());
            }
        }
        if (pairs.isEmpty()) {
            throw new GraftException("the adapter '" + name + "' has no " + (lora ? "lora_A / lora_B" : "ia3_l") + " weights",
                    "give the folder of a " + (lora ? "LoRA" : "IA3") + " adapter whose adapter_model.safetensors PEFT wrote");
        }
        for (Map.Entry<String, NDArray[]> e : pairs.entrySet()) {
            String path = e.getKey();
            AdaptableLinear l = linears.get(path);
            if (l == null) {
                throw new GraftException("the adapter adapts '" + path + "', which the model has no linear layer at",
                        "load the adapter on its base model " + (config.baseModel() == null ? "" : "(" + config.baseModel() + ")"));
            }
            String w = "[" + l.outFeatures() + " out, " + l.inFeatures() + " in]";
            String fits = null;
            if (lora) {
                NDArray a = e.getValue()[0];
                NDArray b = e.getValue()[1];
                if (a == null || b == null || a.getShape().dimension() != 2 || b.getShape().dimension() != 2 || a.getShape().get(1) != l.inFeatures()
                        || b.getShape().get(0) != l.outFeatures() || a.getShape().get(0) != b.getShape().get(1)) {
                    fits = "(lora_A " + (a == null ? "missing" : a.getShape()) + ", lora_B " + (b == null ? "missing" : b.getShape()) + ")";
                }
            } else {
                Shape want = ia3Shape((Ia3Config) config, path, l);
                if (!e.getValue()[0].getShape().equals(want)) {
                    fits = "(ia3_l " + e.getValue()[0].getShape() + ", the layer needs " + want + ")";
                }
            }
            if (fits != null) {
                throw new GraftException("the adapter's '" + path + "' " + fits + " does not fit the model's layer of weight " + w,
                        "the base model has other dimensions; load the adapter on " + (config.baseModel() == null ? "its base model" : config.baseModel()));
            }
        }
        checkWhole(whole, stateDict);
        for (Map.Entry<String, NDArray[]> e : pairs.entrySet()) {
            NDArray a = e.getValue()[0].duplicate();
            a.attach(manager);
            if (lora) {
                NDArray b = e.getValue()[1].duplicate();
                b.attach(manager);
                layers.put(e.getKey(), layer(e.getKey(), linears.get(e.getKey()), a, b));
            } else {
                layers.put(e.getKey(), ia3Layer(e.getKey(), linears.get(e.getKey()), a));
            }
        }
        for (Map.Entry<String, NDArray> e : whole.entrySet()) {
            saved.put(e.getKey(), stateDict.get(e.getKey().replace(".base_layer.", ".")));
        }
        if (layers.values().stream().allMatch(l -> l.target().delta() == null)) {
            activate();  // else another adapter is active on these layers; Adapters.use switches
        }
        return this;
    }

    /** Rows of the first 2-D weight a loaded adapter stores for its modules_to_save (a classifier's class count), or null. */
    Integer savedRows() {
        for (String m : config.modulesToSave()) {
            for (Map.Entry<String, NDArray> e : loaded.entrySet()) {
                String k = e.getKey();
                if ((k.equals(m + ".weight") || k.endsWith("." + m + ".weight")) && e.getValue().getShape().dimension() == 2) {
                    return (int) e.getValue().getShape().get(0);
                }
            }
        }
        return null;
    }

    /** The adapter's name ({@code default} unless given). */
    public String name() {
        return name;
    }

    /** Its settings: a {@link LoraConfig}, an {@link Ia3Config} or a {@link PromptTuningConfig}. */
    public PeftConfig config() {
        return config;
    }

    /** Whether the update is folded into the base weights. */
    public boolean merged() {
        return merged;
    }

    /** Whether the adapter changes the model now. */
    public boolean active() {
        return active;
    }

    /** Module paths of the adapted layers. */
    public List<String> targets() {
        return List.copyOf(layers.keySet());
    }

    /** Elements the adapter trains: A and B (IA3: the vector) of every layer (prompt tuning: the virtual tokens) plus the saved modules and biases. */
    public long numTrainable() {
        long n = prompt == null ? 0 : prompt.getArray().size();
        for (AdapterLayer l : layers.values()) {
            for (Parameter p : l.parameters()) {
                n += p.getArray().size();
            }
        }
        for (Parameter p : saved.values()) {
            n += p.getArray().size();
        }
        return n;
    }

    /**
     * What the optimizer updates: every A and B (weight decay {@code weightDecay}), the saved modules
     * and biases (no decay on biases and norms), all at the full learning rate.
     */
    public List<TrainableParam> trainable(double weightDecay) {
        requireUnmerged("train");
        List<TrainableParam> out = new ArrayList<>();
        for (AdapterLayer l : layers.values()) {
            for (Parameter p : l.parameters()) {
                out.add(new TrainableParam(PREFIX + p.getName(), p, 1.0, config instanceof LoraConfig ? weightDecay : 0, "lora"));
            }
        }
        if (prompt != null) {
            out.add(new TrainableParam(PromptTuningConfig.KEY, prompt, 1.0, 0, "prompt"));   // embeddings: no decay
        }
        saved.forEach((k, p) -> out.add(new TrainableParam(k, p, 1.0, ModelParts.isNoDecay(k, p) ? 0 : weightDecay, "head")));
        return out;
    }

    /** The adapter's own tensors under their file keys (what a checkpoint of a LoRA run must hold besides the model). */
    public Map<String, Parameter> stateDict() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        for (AdapterLayer l : layers.values()) {
            l.parameters().forEach(p -> out.put(PREFIX + p.getName(), p));
        }
        if (prompt != null) {
            out.put(PromptTuningConfig.KEY, prompt);   // PEFT saves the virtual tokens without a prefix
        }
        return out;
    }

    /** Writes PEFT's folder: {@code adapter_config.json} and {@code adapter_model.safetensors} (A, B, saved modules). */
    public void save(Path dir) {
        config.write(dir.resolve(PeftConfig.FILE), !layers.isEmpty() && layers.values().stream().allMatch(l -> l.target().fanInFanOut()));
        Map<String, Parameter> all = new LinkedHashMap<>(stateDict());
        saved.forEach((k, p) -> all.put(modulePrefix() + k, p));
        Weights.saveStateDict(all, dir.resolve(WEIGHTS_FILE), Map.of());
    }

    /**
     * {@link #save} plus a model card {@code README.md} whose front matter has {@code library_name: peft}
     * and {@code base_model} (the Hub's adapter convention, so the Hub links the adapter to its base).
     */
    public void save(Path dir, String pipelineTag, String cardBody) {
        save(dir);
        Map<String, Object> fm = new dev.graft.train.CardFrontMatter("apache-2.0", pipelineTag).withBaseModel(config.baseModel())
                .withTags("graft", config.peftType().toLowerCase(java.util.Locale.ROOT), "peft").toMap();
        fm.put("library_name", "peft");
        try {
            dev.graft.train.RunDirectory.writeCard(dir.resolve("README.md"), fm, cardBody);
        } catch (java.io.IOException e) {
            throw new GraftException("cannot write the adapter card into " + dir + ": " + e.getMessage(), "check the folder is writable", e);
        }
    }

    /** A model card body for an adapter: what it adapts and how to load it. */
    public String cardBody(String title, String trainedOn) {
        return "# " + title + "\n\n"
                + config.describe() + " of `" + config.baseModel() + "` on " + config.targetsText()
                + (config.modulesToSave().isEmpty() ? "" : ", with " + String.join(", ", config.modulesToSave()) + " trained fully")
                + (trainedOn == null ? "" : ", trained on " + trainedOn) + ": " + (isPrompt() ? "" : layers.size() + " adapted layers, ") + numTrainable()
                + " trained parameters.\n\n"
                + "In Python: `PeftModel.from_pretrained(base, \"<this folder>\")`. In Graft: `--model local-dir:<this folder>` (the base is"
                + (isPrompt() ? " loaded with the virtual tokens in front of every input).\n"
                        : " loaded and the adapter merged), or `graft peft merge <this folder> --out DIR`.\n");
    }

    /** Folds the update into the base weights, W + scale·B·A, and takes the extra term off the layers. */
    public void merge() {
        if (isPrompt()) {
            throw new GraftException("a prompt-tuning adapter cannot be merged into the weights: its virtual tokens are extra inputs, not a change of a layer",
                    "load the base with the adapter instead (--model local-dir:ADAPTER), or train --strategy lora or ia3 for a mergeable adapter");
        }
        requireActive("merge");
        requireUnmerged("merge");
        for (AdapterLayer l : layers.values()) {
            l.fold(1);
            l.target().setDelta(null);
        }
        merged = true;
    }

    /** Undoes {@link #merge()}: W - scale·B·A, the adapter again a separate term. */
    public void unmerge() {
        requireMergeable();
        requireActive("unmerge");
        if (!merged) {
            throw new GraftException("adapter '" + name + "' is not merged", "merge it first, or load the merged model with markMerged()");
        }
        for (AdapterLayer l : layers.values()) {
            l.fold(-1);
            l.target().setDelta(l);
        }
        merged = false;
    }

    /**
     * Declares that the model this adapter was applied to already holds the merged weights (a model
     * written by {@link #merge()}), so {@link #unmerge()} recovers the base.
     */
    public LoraAdapter markMerged() {
        requireMergeable();
        requireUnmerged("mark as merged");
        for (AdapterLayer l : layers.values()) {
            l.target().setDelta(null);
        }
        merged = true;
        return this;
    }

    /** Makes the adapter change the model: the extra term on its layers, its saved modules' values in place. */
    public void activate() {
        if (active) {
            return;
        }
        for (AdapterLayer l : layers.values()) {
            if (l.target().delta() != null && l.target().delta() != l) {
                throw new GraftException("layer '" + l.path() + "' already carries another adapter", "deactivate the other adapter first (Adapters.use)");
            }
            l.target().setDelta(l);
        }
        if (promptModel != null) {
            if (promptModel.prompt() != null && promptModel.prompt() != prompt) {
                throw new GraftException("the model already carries another adapter's virtual tokens", "deactivate the other adapter first (Adapters.use)");
            }
            promptModel.setPrompt(prompt);
        }
        original.clear();
        for (Map.Entry<String, Parameter> e : saved.entrySet()) {
            NDArray v = e.getValue().getArray();
            original.put(e.getKey(), v.toFloatArray());
            NDArray file = loaded.get(e.getKey());
            if (file != null) {
                v.set(file.toFloatArray());
            }
        }
        active = true;
    }

    /** Takes the adapter off: the layers compute W x + b again and the saved modules get the base's values back. */
    public void deactivate() {
        requireUnmerged("deactivate");
        if (!active) {
            return;
        }
        for (AdapterLayer l : layers.values()) {
            l.target().setDelta(null);
        }
        if (promptModel != null) {
            promptModel.setPrompt(null);
        }
        for (Map.Entry<String, Parameter> e : saved.entrySet()) {
            float[] v = original.get(e.getKey());
            if (v != null) {
                if (!loaded.containsKey(e.getKey())) {
                    continue;  // a fresh adapter's saved modules are the trained ones; nothing to restore them from
                }
                e.getValue().getArray().set(v);
            }
        }
        active = false;
    }

    private void requireMergeable() {
        if (isPrompt()) {
            throw new GraftException("a prompt-tuning adapter is never merged, so it cannot be unmerged", "deactivate() takes its virtual tokens off the model");
        }
    }

    private void requireActive(String what) {
        if (layers.isEmpty()) {
            throw new GraftException("adapter '" + name + "' is not on a model, so there is nothing to " + what, "apply it to its base model first");
        }
        if (!active) {
            throw new GraftException("adapter '" + name + "' is not active", "activate it (Adapters.use(\"" + name + "\")) first");
        }
    }

    private void requireUnmerged(String what) {
        if (merged) {
            throw new GraftException("adapter '" + name + "' is merged into the weights; cannot " + what, "unmerge() it first");
        }
    }

    /** Frees the adapter's tensors (not the model's). */
    @Override
    public void close() {
        manager.close();
    }
}
