package dev.graft.zoo.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.graft.engine.Scalars;
import java.util.Map;

/**
 * {@code encoder.layer.N} (DistilBERT: {@code transformer.layer.N}): multi-head self-attention and
 * feed-forward, each followed by a residual and a LayerNorm (BERT's post-norm). In: hidden (B x L x H), additive mask (B x 1 x 1 x L).
 */
final class BertLayer extends BertModule {
    private final BertConfig cfg;
    private final dev.graft.zoo.nn.Linear query;
    private final dev.graft.zoo.nn.Linear key;
    private final dev.graft.zoo.nn.Linear value;
    private final dev.graft.zoo.nn.Linear attnOut;
    private final Parameter[] attnNorm;
    private final dev.graft.zoo.nn.Linear intermediate;
    private final dev.graft.zoo.nn.Linear output;
    private final Parameter[] outputNorm;

    BertLayer(BertConfig cfg, int index, Map<String, Parameter> stateDict) {
        super(stateDict);
        this.cfg = cfg;
        int h = cfg.hiddenSize();
        Names n = cfg.isDistilBert() ? Names.DISTILBERT : Names.BERT;
        String p = cfg.layerPrefix() + index + ".";
        query = linear(p + n.query, h, h);
        key = linear(p + n.key, h, h);
        value = linear(p + n.value, h, h);
        attnOut = linear(p + n.attnOut, h, h);
        attnNorm = layerNorm(p + n.attnNorm, h);
        intermediate = linear(p + n.intermediate, h, cfg.intermediateSize());
        output = linear(p + n.output, cfg.intermediateSize(), h);
        outputNorm = layerNorm(p + n.outputNorm, h);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.get(0);
        NDArray mask = inputs.get(1);
        long b = x.getShape().get(0);
        long len = x.getShape().get(1);
        int heads = cfg.numAttentionHeads();
        int hd = cfg.headSize();
        NDArray q = heads(query.forward(ps, x, training), b, len, heads, hd);
        NDArray k = heads(key.forward(ps, x, training), b, len, heads, hd);
        NDArray v = heads(value.forward(ps, x, training), b, len, heads, hd);
        NDArray scores = Scalars.div(q.matMul(k.transpose(0, 1, 3, 2)), (float) Math.sqrt(hd)).add(mask);
        NDArray probs = Dropout.dropout(scores.softmax(-1), (float) cfg.attentionProbsDropoutProb(), training).singletonOrThrow();
        NDArray context = probs.matMul(v).transpose(0, 2, 1, 3).reshape(b, len, cfg.hiddenSize());
        NDArray attended = norm(ps, dropout(attnOut.forward(ps, context, training), training).add(x), attnNorm, training);
        NDArray ff = Activation.gelu(intermediate.forward(ps, attended, training));
        NDArray out = norm(ps, dropout(output.forward(ps, ff, training), training).add(attended), outputNorm, training);
        return new NDList(out);
    }

    /** The layer's module names in transformers: BERT/RoBERTa's, and DistilBERT's for the same layer. */
    private record Names(String query, String key, String value, String attnOut, String attnNorm, String intermediate, String output,
            String outputNorm) {
        static final Names BERT = new Names("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
                "attention.output.LayerNorm", "intermediate.dense", "output.dense", "output.LayerNorm");
        static final Names DISTILBERT = new Names("attention.q_lin", "attention.k_lin", "attention.v_lin", "attention.out_lin",
                "sa_layer_norm", "ffn.lin1", "ffn.lin2", "output_layer_norm");
    }

    private static NDArray heads(NDArray x, long b, long len, int heads, int hd) {
        return x.reshape(b, len, heads, hd).transpose(0, 2, 1, 3);
    }

    private NDArray norm(ParameterStore ps, NDArray x, Parameter[] wb, boolean training) {
        return LayerNorm.layerNorm(x, new Shape(cfg.hiddenSize()), value(ps, wb[0], x, training),
                value(ps, wb[1], x, training), (float) cfg.layerNormEps()).singletonOrThrow();
    }

    private NDArray dropout(NDArray x, boolean training) {
        return Dropout.dropout(x, (float) cfg.hiddenDropoutProb(), training).singletonOrThrow();
    }
}
