package dev.graft.zoo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.graft.GraftException;
import dev.graft.GraftHome;
import dev.graft.weights.Checkpoint;
import dev.graft.weights.DType;
import dev.graft.weights.LoadReport;
import dev.graft.weights.SafeTensors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Saving and loading models as folders that timm and Hugging Face understand
 * ({@code model.safetensors} + {@code config.json}, timm's {@code save_for_hf} layout), and loading
 * any safetensors state dict into a model with a report of missing and unexpected keys.
 *
 * <pre>{@code
 * Weights.save(model, Path.of("runs/mnist/model"));                      // folder for the hub or Python
 * GraftModel again = Weights.load(Path.of("runs/mnist/model"));          // architecture from config.json
 * LoadReport r = Weights.loadInto(model, Path.of("w.safetensors"), false); // non-strict
 * }</pre>
 */
public final class Weights {
    private static final String NUM_BATCHES_TRACKED = "num_batches_tracked";

    private Weights() {}

    /** The folder of a catalogue tag's weights: {@code GRAFT_HOME/weights/<arch>.<tag>/}. */
    public static Path catalogueDir(String archDotTag) {
        return GraftHome.root().resolve("weights").resolve(archDotTag);
    }

    /**
     * Writes {@code model.safetensors} (every state-dict key in PyTorch's order, float32, plus
     * BatchNorm's {@code num_batches_tracked} so PyTorch's strict loading accepts the file) and
     * {@code config.json} (the model's {@link PretrainedCfg}) into {@code dir}, creating it.
     */
    public static void save(GraftModel model, Path dir) {
        save(model, dir, model.cfg());
    }

    /** As {@link #save(GraftModel, Path)} with another configuration (e.g. new label names or provenance). */
    public static void save(GraftModel model, Path dir, PretrainedCfg cfg) {
        save(model, dir, cfg, DType.F32);
    }

    /**
     * As {@link #save(GraftModel, Path, PretrainedCfg)}, with the weights split as transformers'
     * {@code save_pretrained(max_shard_size=...)} does when they exceed {@code maxShardBytes}:
     * shards {@code model-00001-of-0000N.safetensors} and {@code model.safetensors.index.json}
     * (see {@link Checkpoint#writeSharded}); one {@code model.safetensors} when they fit.
     */
    public static void save(GraftModel model, Path dir, PretrainedCfg cfg, long maxShardBytes) {
        Checkpoint.writeSharded(dir, stateDictTensors(model.stateDict(), DType.F32), PYTORCH_METADATA, maxShardBytes);
        model.writeConfig(cfg, dir);
    }

    /**
     * As {@link #save(GraftModel, Path, PretrainedCfg)}, the floating-point tensors stored as
     * {@code dtype} (F16 or BF16 halve the file, as transformers' {@code torch_dtype=float16} does);
     * loading converts them back to the model's float32.
     */
    public static void save(GraftModel model, Path dir, PretrainedCfg cfg, DType dtype) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new GraftException("cannot create " + dir + ": " + e.getMessage(), "check the path is writable", e);
        }
        // One model.safetensors; a sharded checkpoint saved there before goes, so one checkpoint remains.
        Checkpoint.writeSharded(dir, stateDictTensors(model.stateDict(), dtype), PYTORCH_METADATA, Long.MAX_VALUE);
        model.writeConfig(cfg, dir);
    }

    /** The metadata PyTorch's safetensors writer puts in every file. */
    public static final Map<String, String> PYTORCH_METADATA = Map.of("format", "pt");

    /** Writes only the state dict as one safetensors file (metadata {@code format=pt}, like PyTorch's writer). */
    public static void saveStateDict(GraftModel model, Path file) {
        saveStateDict(model.stateDict(), file, Map.of());
    }

    /**
     * The one safetensors export of a state dict: every key in the order given, as float32, plus
     * BatchNorm's {@code num_batches_tracked} after each {@code running_var} so PyTorch's strict
     * loading accepts the file; metadata {@code format=pt} and {@code extraMetadata}. Written
     * atomically (a temporary file, then a rename).
     */
    public static void saveStateDict(Map<String, Parameter> stateDict, Path file, Map<String, String> extraMetadata) {
        Map<String, String> metadata = new LinkedHashMap<>(PYTORCH_METADATA);
        metadata.putAll(extraMetadata);
        SafeTensors.writeTensors(file, stateDictTensors(stateDict, DType.F32), metadata);
    }

    /** A state dict as {@code dtype} tensors, with {@code num_batches_tracked} after each {@code running_var}. */
    private static List<SafeTensors.Tensor> stateDictTensors(Map<String, Parameter> stateDict, DType dtype) {
        List<SafeTensors.Tensor> tensors = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : stateDict.entrySet()) {
            NDArray a = e.getValue().getArray();
            tensors.add(dtype == DType.F32 ? SafeTensors.Tensor.of(e.getKey(), a.getDataType() == DataType.FLOAT32 ? a : a.toType(DataType.FLOAT32, false))
                    : SafeTensors.Tensor.of(e.getKey(), a, dtype));
            if (e.getKey().endsWith(".running_var")) {
                String key = e.getKey().substring(0, e.getKey().length() - "running_var".length()) + NUM_BATCHES_TRACKED;
                ByteBuffer zero = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 0L);
                tensors.add(new SafeTensors.Tensor(key, DType.I64, new long[0], zero));
            }
        }
        return tensors;
    }

    /** Creates the model a folder describes ({@code config.json} names the architecture) with its weights. */
    public static GraftModel load(Path dir) {
        return load(dir, CreateOptions.defaults());
    }

    /** As {@link #load(Path)} with options (e.g. another class count or input channels). */
    public static GraftModel load(Path dir, CreateOptions options) {
        return Zoo.create(WeightsSources.LOCAL_DIR + dir, options);
    }

    /** Loads a safetensors state dict into a model, strictly or not (see {@link #loadInto(GraftModel, Path, LoadOptions)}). */
    public static LoadReport loadInto(GraftModel model, Path file, boolean strict) {
        return loadInto(model, file, new LoadOptions(strict, false));
    }

    /**
     * How to load: {@code strict} fails on missing or unexpected keys; {@code dropClassifier} skips
     * the checkpoint's classifier (the model has a new head).
     */
    public record LoadOptions(boolean strict, boolean dropClassifier) {}

    /**
     * Loads a checkpoint into a model: one safetensors file or the index of a sharded checkpoint
     * ({@code model.safetensors.index.json}, see {@link Checkpoint}). Keys are PyTorch state-dict
     * keys; shape mismatches are always errors (after the model's own adaptations, e.g. first conv
     * channels). Buffers PyTorch files carry that are no parameters of the model are accepted and
     * reported as ignored: {@code num_batches_tracked}, transformers' {@code position_ids} and GPT-2's
     * attention masks {@code attn.bias} / {@code attn.masked_bias}. A prefix that every key carries
     * ({@code module.} of DataParallel, {@code model.}, {@code bert.}, {@code transformer.}) is
     * stripped when the keys then match the model's, and reported. A checkpoint of the bare base
     * model of a model with a head ({@link GraftModel#baseModelPrefix}: {@code ViTModel} into
     * {@code ViTForImageClassification}) loads under that prefix, as transformers does: its pooler,
     * which the model with a head does not use, is ignored, and the head starts fresh (reported
     * missing). Nothing is copied unless the whole check passes.
     */
    public static LoadReport loadInto(GraftModel model, Path file, LoadOptions options) {
        Map<String, Parameter> state = model.stateDict();
        String classifierPrefix = model.cfg().classifier() == null ? null : model.cfg().classifier() + ".";
        List<String> unexpected = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        List<String> adapted = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        Map<String, NDArray> toCopy = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        try (Checkpoint ck = Checkpoint.open(file);
                NDManager nd = NDManager.newBaseManager();
                NoGrad ignoredGrad = NoGrad.enter()) {
            String prefix = strippablePrefix(ck.names(), state.keySet());
            String base = prefix.isEmpty() ? bareBasePrefix(ck.names(), model) : null;
            for (String fileKey : ck.names()) {
                String key = base != null ? base + fileKey : fileKey.startsWith(prefix) ? fileKey.substring(prefix.length()) : fileKey;
                String mapped = model instanceof ModelBase mb ? mb.checkpointKey(key) : key;
                if (mapped == null) {
                    ignored.add(key);
                    continue;
                }
                key = mapped;
                Parameter p = state.get(key);
                if (isNumBatchesTracked(key) || p == null && (isBufferKey(key) || base != null && key.startsWith(base + "pooler."))) {
                    ignored.add(key);
                    continue;
                }
                if (options.dropClassifier() && classifierPrefix != null && key.startsWith(classifierPrefix)) {
                    skipped.add(key);
                    seen.add(key);
                    continue;
                }
                if (p == null) {
                    unexpected.add(key);
                    continue;
                }
                seen.add(key);
                Shape target = p.getArray().getShape();
                NDArray src = ck.toNDArray(nd, fileKey);
                if (!src.getShape().equals(target)) {
                    NDArray a = model instanceof ModelBase mb ? mb.adaptCheckpointTensor(key, src, target) : null;
                    if (a == null || !a.getShape().equals(target)) {
                        mismatched.add(key + " (checkpoint " + src.getShape() + ", model " + target + ")");
                        continue;
                    }
                    adapted.add(key);
                    src = a;
                }
                toCopy.put(key, src);
            }
            List<String> missing = new ArrayList<>();
            for (String k : state.keySet()) {
                if (!seen.contains(k)) {
                    if (options.dropClassifier() && classifierPrefix != null && k.startsWith(classifierPrefix)) {
                        continue;
                    }
                    missing.add(k);
                }
            }
            // From a bare base model, the head is new: only the base's own keys must all be there.
            List<String> required = base == null ? missing : missing.stream().filter(k -> k.startsWith(base)).toList();
            if (!mismatched.isEmpty() || options.strict() && (!required.isEmpty() || !unexpected.isEmpty())) {
                List<String> parts = new ArrayList<>();
                if (!mismatched.isEmpty()) {
                    parts.add(mismatched.size() + " with another shape " + LoadReport.head(mismatched));
                }
                if (options.strict() && !required.isEmpty()) {
                    parts.add(required.size() + " missing " + LoadReport.head(required));
                }
                if (options.strict() && !unexpected.isEmpty()) {
                    parts.add(unexpected.size() + " unexpected " + LoadReport.head(unexpected));
                }
                throw ZooException.weightsMismatch(model.name(), file, String.join(", ", parts), !mismatched.isEmpty());
            }
            for (Map.Entry<String, NDArray> e : toCopy.entrySet()) {
                Parameter p = state.get(e.getKey());
                NDArray dst = p.getArray();
                // A copy in the engine's own memory (the source's buffer belongs to the loader) takes
                // over the parameter's array object, so trainers and optimisers holding it see the values.
                NDArray src = e.getValue().getDataType() == dst.getDataType() ? e.getValue()
                        : e.getValue().toType(dst.getDataType(), false);
                NDArray owned = src.duplicate();
                dst.intern(owned);
                if (p.requiresGradient()) {
                    dst.setRequiresGradient(true);
                }
            }
            return new LoadReport(new ArrayList<>(toCopy.keySet()), missing, unexpected, adapted, skipped, ignored, prefix);
        }
    }

    /**
     * The model's base prefix when the checkpoint holds its bare base model: no checkpoint key is a
     * model key, and with the prefix some are; else null.
     */
    private static String bareBasePrefix(List<String> fileKeys, GraftModel model) {
        String base = model.baseModelPrefix();
        Set<String> modelKeys = model.stateDict().keySet();
        if (base == null || fileKeys.stream().anyMatch(modelKeys::contains)) {
            return null;
        }
        return fileKeys.stream().anyMatch(k -> !isBufferKey(k) && modelKeys.contains(base + k)) ? base : null;
    }

    private static boolean isNumBatchesTracked(String key) {
        return key.equals(NUM_BATCHES_TRACKED) || key.endsWith("." + NUM_BATCHES_TRACKED);
    }

    /**
     * Buffers PyTorch state dicts carry that a model may have no parameter for: BatchNorm's counter,
     * transformers' {@code position_ids} and GPT-2's causal masks ({@code attn.bias}, {@code attn.masked_bias}).
     */
    public static boolean isBufferKey(String key) {
        for (String b : BUFFER_KEYS) {
            if (key.equals(b) || key.endsWith("." + b)) {
                return true;
            }
        }
        return false;
    }

    private static final List<String> BUFFER_KEYS = List.of(NUM_BATCHES_TRACKED, "position_ids", "attn.bias", "attn.masked_bias");

    /** How deep prefixes are looked for, e.g. {@code module.model.} (DataParallel around a wrapper). */
    private static final int MAX_PREFIX_SEGMENTS = 3;

    /**
     * The prefix to strip from a checkpoint's keys: "" when some key already is a model key;
     * otherwise the leading dotted segments that every key (buffers aside) carries, when removing
     * them makes some key a model key; otherwise "" (the keys are then reported as unexpected).
     */
    public static String strippablePrefix(List<String> fileKeys, Set<String> modelKeys) {
        List<String> keys = fileKeys.stream().filter(k -> !isBufferKey(k)).toList();
        if (keys.isEmpty() || keys.stream().anyMatch(modelKeys::contains)) {
            return "";
        }
        String prefix = "";
        for (int depth = 0; depth < MAX_PREFIX_SEGMENTS; depth++) {
            String first = keys.get(0).substring(prefix.length());
            int dot = first.indexOf('.');
            if (dot <= 0) {
                return "";
            }
            String candidate = prefix + first.substring(0, dot + 1);
            if (!keys.stream().allMatch(k -> k.startsWith(candidate) && k.length() > candidate.length())) {
                return "";
            }
            prefix = candidate;
            String p = prefix;
            if (keys.stream().anyMatch(k -> modelKeys.contains(k.substring(p.length())))) {
                return prefix;
            }
        }
        return "";
    }

    /**
     * The name under which a checkpoint holds a model key: the key itself, or the key behind a
     * prefix that every key (buffers aside) carries, as {@link #loadInto} would strip it; null when absent.
     */
    static String keyInCheckpoint(List<String> fileKeys, String modelKey) {
        if (fileKeys.contains(modelKey)) {
            return modelKey;
        }
        String prefix = strippablePrefix(fileKeys, Set.of(modelKey));
        return prefix.isEmpty() || !fileKeys.contains(prefix + modelKey) ? null : prefix + modelKey;
    }
}
