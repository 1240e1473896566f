package dev.graft.zoo.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Map;

/**
 * {@code encoder.layer.N} (DistilBERT: {@code transformer.layer.N}): multi-head self-attention and
 * feed-forward, each followed by a residual and a LayerNorm (BERT's post-norm). In: hidden (B x L x H), additive mask (B x 1 x 1 x L).
 */
final class BertLayer extends BertModule {
    private final BertConfig cfg;
    private final Parameter[] query;
    private final Parameter[] key;
    private final Parameter[] value;
    private final Parameter[] attnOut;
    private final Parameter[] attnNorm;
    private final Parameter[] intermediate;
    private final Parameter[] output;
    private final Parameter[] outputNorm;

    BertLayer(BertConfig cfg, int index, Map<String, Parameter> stateDict) {
        super(stateDict);
        this.cfg = cfg;
        int h = cfg.hiddenSize();
        if (cfg.isDistilBert()) {
            // DistilBERT's names for the same post-norm layer (transformers' TransformerBlock).
            String p = cfg.layerPrefix() + index;
            query = linear(p + ".attention.q_lin", h, h);
            key = linear(p + ".attention.k_lin", h, h);
            value = linear(p + ".attention.v_lin", h, h);
            attnOut = linear(p + ".attention.out_lin", h, h);
            attnNorm = layerNorm(p + ".sa_layer_norm", h);
            intermediate = linear(p + ".ffn.lin1", h, cfg.intermediateSize());
            output = linear(p + ".ffn.lin2", cfg.intermediateSize(), h);
            outputNorm = layerNorm(p + ".output_layer_norm", h);
            return;
        }
        String p = cfg.layerPrefix() + index;
        query = linear(p + ".attention.self.query", h, h);
        key = linear(p + ".attention.self.key", h, h);
        value = linear(p + ".attention.self.value", h, h);
        attnOut = linear(p + ".attention.output.dense", h, h);
        attnNorm = layerNorm(p + ".attention.output.LayerNorm", h);
        intermediate = linear(p + ".intermediate.dense", h, cfg.intermediateSize());
        output = linear(p + ".output.dense", cfg.intermediateSize(), h);
        outputNorm = layerNorm(p + ".output.LayerNorm", h);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.get(0);
        NDArray mask = inputs.get(1);
        long b = x.getShape().get(0);
        long len = x.getShape().get(1);
        int heads = cfg.numAttentionHeads();
        int hd = cfg.headSize();
        NDArray q = heads(dense(ps, x, query, training), b, len, heads, hd);
        NDArray k = heads(dense(ps, x, key, training), b, len, heads, hd);
        NDArray v = heads(dense(ps, x, value, training), b, len, heads, hd);
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).div((float) Math.sqrt(hd)).add(mask);
        NDArray probs = Dropout.dropout(scores.softmax(-1), (float) cfg.attentionProbsDropoutProb(), training).singletonOrThrow();
        NDArray context = probs.matMul(v).transpose(0, 2, 1, 3).reshape(b, len, cfg.hiddenSize());
        NDArray attended = norm(ps, dropout(dense(ps, context, attnOut, training), training).add(x), attnNorm, training);
        NDArray ff = Activation.gelu(dense(ps, attended, intermediate, training));
        NDArray out = norm(ps, dropout(dense(ps, ff, output, training), training).add(attended), outputNorm, training);
        return new NDList(out);
    }

    private static NDArray heads(NDArray x, long b, long len, int heads, int hd) {
        return x.reshape(b, len, heads, hd).transpose(0, 2, 1, 3);
    }

    private static NDArray dense(ParameterStore ps, NDArray x, Parameter[] wb, boolean training) {
        return Linear.linear(x, value(ps, wb[0], x, training), value(ps, wb[1], x, training)).singletonOrThrow();
    }

    private NDArray norm(ParameterStore ps, NDArray x, Parameter[] wb, boolean training) {
        return LayerNorm.layerNorm(x, new Shape(cfg.hiddenSize()), value(ps, wb[0], x, training),
                value(ps, wb[1], x, training), (float) cfg.layerNormEps()).singletonOrThrow();
    }

    private NDArray dropout(NDArray x, boolean training) {
        return Dropout.dropout(x, (float) cfg.hiddenDropoutProb(), training).singletonOrThrow();
    }
}
