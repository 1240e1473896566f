package dev.graft.zoo.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.graft.GraftException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A BERT encoder (Hugging Face {@code BertModel}, or {@code RobertaModel} for a {@code roberta} config) as a trainable DJL block. Parameters carry HF's
 * state-dict keys, so {@code model.safetensors} files of BERT checkpoints load without renaming.
 *
 * <p>Forward input: {@code input_ids} (B x L, int64), {@code attention_mask} (B x L, 1 = token,
 * 0 = padding) and optionally {@code token_type_ids}; output: {@code last_hidden_state} (B x L x H)
 * and, when the config has a pooler, {@code pooler_output} (B x H).
 *
 * <pre>{@code
 * BertModel bert = new BertModel(BertConfig.read(dir.resolve("config.json")));
 * bert.initialize(manager);
 * bert.loadStateDict(BertWeights.read(manager, dir.resolve("model.safetensors")), true);
 * NDArray hidden = bert.forward(ps, new NDList(ids, mask), false).get(0);
 * NDArray sentence = BertModel.normalize(BertModel.meanPool(hidden, mask));
 * }</pre>
 */
public final class BertModel extends AbstractBlock implements dev.graft.zoo.nn.LinearLayers {
    private final BertConfig cfg;
    private final Map<String, Parameter> stateDict = new LinkedHashMap<>();
    private final BertEmbeddings embeddings;
    private final List<BertLayer> layers = new ArrayList<>();
    private final BertPooler pooler;

    public BertModel(BertConfig cfg) {
        this.cfg = cfg;
        embeddings = addChildBlock("embeddings", new BertEmbeddings(cfg, stateDict));
        for (int i = 0; i < cfg.numHiddenLayers(); i++) {
            layers.add(addChildBlock("layer" + i, new BertLayer(cfg, i, stateDict)));
        }
        pooler = cfg.addPoolingLayer() ? addChildBlock("pooler", new BertPooler(cfg, stateDict)) : null;
    }

    public BertConfig config() {
        return cfg;
    }

    /** Initialises every parameter (HF's init) as float32 in {@code manager}. */
    public void initialize(NDManager manager) {
        initialize(manager, DataType.FLOAT32, new Shape(1, 8), new Shape(1, 8));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        // Every parameter's shape is fixed by the config, so children need no shape inference.
        for (ai.djl.nn.Block child : getChildren().values()) {
            child.initialize(manager, dataType, inputShapes);
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray ids = inputs.get(0);
        NDArray mask = inputs.size() > 1 ? inputs.get(1) : ids.onesLike();
        NDArray types = inputs.size() > 2 ? inputs.get(2) : ids.zerosLike();
        List<NDArray> states = hiddenStates(ps, ids, mask, types, training, layers.size() - 1);
        NDArray hidden = states.get(states.size() - 1);
        if (pooler == null) {
            return new NDList(hidden);
        }
        return new NDList(hidden, pooler.forward(ps, new NDList(hidden), training).singletonOrThrow());
    }

    /**
     * The output of each transformer layer {@code 0..last} (B x L x H each), as Hugging Face's
     * {@code hidden_states[1..]}; the last one is {@code last_hidden_state} when {@code last} is the
     * final layer.
     */
    public List<NDArray> hiddenStates(ParameterStore ps, NDArray ids, NDArray mask, NDArray types, boolean training, int last) {
        long length = ids.getShape().get(1);
        if (length > cfg.maxSequenceLength()) {
            throw new GraftException("a sequence of " + length + " tokens is longer than the model's "
                    + cfg.maxSequenceLength() + " positions", "truncate texts to at most " + cfg.maxSequenceLength() + " tokens");
        }
        NDArray hidden = embeddings.forward(ps, new NDList(ids, types), training).singletonOrThrow();
        NDArray additive = dev.graft.zoo.nn.Attention.paddingMask(mask);
        List<NDArray> out = new ArrayList<>();
        for (int i = 0; i <= last && i < layers.size(); i++) {
            hidden = layers.get(i).forward(ps, new NDList(hidden, additive), training).singletonOrThrow();
            out.add(hidden);
        }
        return out;
    }

    /** {@code pooler_output} of a last hidden state: tanh(dense(first token)), as HF's BertPooler. */
    public NDArray pool(ParameterStore ps, NDArray hidden, boolean training) {
        if (pooler == null) {
            throw new GraftException("this " + cfg.modelType() + " model has no pooler", "take the first token's vector instead");
        }
        return pooler.forward(ps, new NDList(hidden), training).singletonOrThrow();
    }

    /** Mean of the token vectors where {@code mask} is 1 (sentence-transformers' mean pooling): B x H. */
    public static NDArray meanPool(NDArray hidden, NDArray mask) {
        NDArray m = mask.toType(DataType.FLOAT32, false).expandDims(-1);
        NDArray summed = hidden.mul(m).sum(new int[] {1});
        NDArray counts = m.sum(new int[] {1}).maximum(1e-9f);
        return summed.div(counts);
    }

    /** Each row divided by its L2 norm (at least 1e-12), as torch's F.normalize. */
    public static NDArray normalize(NDArray x) {
        return x.div(dev.graft.engine.Scalars.maximum(x.norm(new int[] {-1}, true), 1e-12));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        Shape hidden = new Shape(s.get(0), s.get(1), cfg.hiddenSize());
        return pooler == null ? new Shape[] {hidden} : new Shape[] {hidden, new Shape(s.get(0), cfg.hiddenSize())};
    }

    /** Every parameter under its Hugging Face key, in PyTorch's order. */
    public Map<String, Parameter> stateDict() {
        return Collections.unmodifiableMap(stateDict);
    }

    /** The encoder's linear layers by Hugging Face module path ({@code encoder.layer.0.attention.self.query}, ...). */
    @Override
    public Map<String, dev.graft.zoo.nn.AdaptableLinear> linearLayers() {
        Map<String, dev.graft.zoo.nn.AdaptableLinear> out = new LinkedHashMap<>();
        for (BertLayer l : layers) {
            out.putAll(l.linears);
        }
        if (pooler != null) {
            out.putAll(pooler.linears);
        }
        return out;
    }

    /** Number of transformer layers. */
    public int numLayers() {
        return layers.size();
    }

    /**
     * Copies tensors into the parameters by key. With {@code strict}, a missing or unexpected key is an
     * error; shapes must always match. Keys the model does not use ({@code embeddings.position_ids},
     * a pooler the config leaves out) are ignored.
     *
     * @return keys of the model that were not in {@code tensors}
     */
    public List<String> loadStateDict(Map<String, NDArray> tensors, boolean strict) {
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : stateDict.entrySet()) {
            NDArray t = tensors.get(e.getKey());
            if (t == null) {
                missing.add(e.getKey());
                continue;
            }
            Parameter p = e.getValue();
            if (!t.getShape().equals(p.getArray().getShape())) {
                throw new GraftException("weight '" + e.getKey() + "' has shape " + t.getShape() + " but the model expects "
                        + p.getArray().getShape(), "check that config.json matches model.safetensors");
            }
            p.getArray().set(t.toType(DataType.FLOAT32, false).toFloatArray());
        }
        List<String> unexpected = new ArrayList<>();
        for (String k : tensors.keySet()) {
            if (!stateDict.containsKey(k) && !k.equals("embeddings.position_ids") && !k.startsWith("pooler.")) {
                unexpected.add(k);
            }
        }
        if (strict && (!missing.isEmpty() || !unexpected.isEmpty())) {
            throw new GraftException("the weights do not match the BERT config: missing " + missing + ", unexpected " + unexpected,
                    "check that config.json and model.safetensors belong to the same model");
        }
        return missing;
    }
}
