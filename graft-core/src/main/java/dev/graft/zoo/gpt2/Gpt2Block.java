package dev.graft.zoo.gpt2;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import dev.graft.engine.Scalars;
import dev.graft.zoo.nn.Conv1D;
import dev.graft.zoo.nn.Init;
import dev.graft.zoo.nn.LayerNorm;
import dev.graft.zoo.nn.Module;

/**
 * {@code h.N}: GPT-2's pre-norm block, x + attn(ln_1(x)), then x + mlp(ln_2(x)), with transformers'
 * names ({@code ln_1}, {@code attn.c_attn}, {@code attn.c_proj}, {@code ln_2}, {@code mlp.c_fc},
 * {@code mlp.c_proj}; projections are {@link Conv1D}, weights [in, out]). Initialised as transformers
 * does: N(0, 0.02) weights, the residual projections' {@code c_proj} scaled by 1/sqrt(2 x n_layer).
 */
final class Gpt2Block extends Module {
    private final LayerNorm ln1;
    private final Attention attn;
    private final LayerNorm ln2;
    private final Mlp mlp;

    Gpt2Block(Gpt2Config c) {
        float eps = (float) c.layerNormEpsilon();
        double projStd = c.initializerRange() / Math.sqrt(2.0 * c.nLayer());
        ln1 = module("ln_1", new LayerNorm(c.nEmbd(), eps));
        attn = module("attn", new Attention(c, projStd));
        ln2 = module("ln_2", new LayerNorm(c.nEmbd(), eps));
        mlp = module("mlp", new Mlp(c, projStd));
    }

    /**
     * One block over {@code x} (B x L x H).
     *
     * @param mask additive attention mask broadcastable to B x heads x L x T, or null when every key may be seen
     * @param cache the keys and values of earlier positions (extended here), or null
     */
    NDArray forward(ParameterStore ps, NDArray x, NDArray mask, KvCache cache, int layer, boolean training) {
        NDArray y = x.add(attn.forward(ps, ln1.forward(ps, x, training), mask, cache, layer, training));
        return y.add(mlp.forward(ps, ln2.forward(ps, y, training), training));
    }

    @Override
    public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
        return forward(ps, x, Gpt2Transformer.causalMask(x.getManager(), x.getShape().get(1), 0, null), null, 0, training);
    }

    /** {@code attn}: causal multi-head self-attention over one fused {@code c_attn} projection, then {@code c_proj}. */
    static final class Attention extends Module {
        private final int heads;
        private final int headSize;
        private final float scale;
        private final float attnDrop;
        private final float residDrop;
        private final Conv1D cAttn;
        private final Conv1D cProj;

        Attention(Gpt2Config c, double projStd) {
            heads = c.nHead();
            headSize = c.headSize();
            scale = c.scaleAttnWeights() ? (float) (1.0 / Math.sqrt(headSize)) : 1f;
            attnDrop = (float) c.attnPdrop();
            residDrop = (float) c.residPdrop();
            cAttn = module("c_attn", new Conv1D(c.nEmbd(), 3 * c.nEmbd(), Init.normal(c.initializerRange())));
            cProj = module("c_proj", new Conv1D(c.nEmbd(), c.nEmbd(), Init.normal(projStd)));
        }

        NDArray forward(ParameterStore ps, NDArray x, NDArray mask, KvCache cache, int layer, boolean training) {
            long b = x.getShape().get(0);
            long len = x.getShape().get(1);
            long width = x.getShape().get(2);
            NDList qkv = cAttn.forward(ps, x, training).split(3, 2);
            NDArray q = split(qkv.get(0), b, len);
            NDArray k = split(qkv.get(1), b, len);
            NDArray v = split(qkv.get(2), b, len);
            if (cache != null) {
                NDArray[] kv = cache.append(layer, k, v);
                k = kv[0];
                v = kv[1];
            }
            NDArray scores = q.matMul(k.transpose(0, 1, 3, 2));
            if (scale != 1f) {
                scores = Scalars.mul(scores, scale);
            }
            if (mask != null) {
                scores = scores.add(mask);
            }
            NDArray probs = scores.softmax(-1);
            if (training && attnDrop > 0) {
                probs = Dropout.dropout(probs, attnDrop, true).singletonOrThrow();
            }
            NDArray context = probs.matMul(v).transpose(0, 2, 1, 3).reshape(b, len, width);
            return dropout(cProj.forward(ps, context, training), residDrop, training);
        }

        private NDArray split(NDArray t, long b, long len) {
            return t.reshape(b, len, heads, headSize).transpose(0, 2, 1, 3);
        }

        @Override
        public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
            return forward(ps, x, Gpt2Transformer.causalMask(x.getManager(), x.getShape().get(1), 0, null), null, 0, training);
        }
    }

    /** {@code mlp}: {@code c_fc}, GPT-2's activation, {@code c_proj}. */
    static final class Mlp extends Module {
        private final Conv1D cFc;
        private final Conv1D cProj;
        private final boolean exactGelu;
        private final float residDrop;

        Mlp(Gpt2Config c, double projStd) {
            cFc = module("c_fc", new Conv1D(c.nEmbd(), c.innerSize(), Init.normal(c.initializerRange())));
            cProj = module("c_proj", new Conv1D(c.innerSize(), c.nEmbd(), Init.normal(projStd)));
            exactGelu = "gelu".equals(c.activationFunction());
            residDrop = (float) c.residPdrop();
        }

        @Override
        public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
            NDArray h = cFc.forward(ps, x, training);
            NDArray a = exactGelu ? Activation.gelu(h) : geluNew(h);
            return dropout(cProj.forward(ps, a, training), residDrop, training);
        }
    }

    /** transformers' {@code gelu_new} (GPT-2's): 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
    static NDArray geluNew(NDArray x) {
        float c = (float) Math.sqrt(2.0 / Math.PI);
        NDArray inner = Scalars.mul(Scalars.mul(Scalars.pow(x, 3), 0.044715f).add(x), c).tanh().add(1f);
        return Scalars.mul(inner.mul(x), 0.5);
    }

    static NDArray dropout(NDArray x, float p, boolean training) {
        return training && p > 0 ? Dropout.dropout(x, p, true).singletonOrThrow() : x;
    }
}
