package dev.graft.zoo.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.training.ParameterStore;
import dev.graft.zoo.nn.Attention;
import dev.graft.zoo.nn.Conv2d;
import dev.graft.zoo.nn.Init;
import dev.graft.zoo.nn.LayerNorm;
import dev.graft.zoo.nn.Linear;
import dev.graft.zoo.nn.Mlp;
import dev.graft.zoo.nn.Module;
import dev.graft.zoo.nn.Sequential;
import dev.graft.zoo.vit.VisionTransformer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * transformers' CLIP modules under their names: {@code CLIPTextTransformer} ({@code text_model}) and
 * {@code CLIPVisionTransformer} ({@code vision_model}), with the encoder layers both share.
 */
final class ClipTowers {
    private ClipTowers() {}

    static UnaryOperator<NDArray> activation(String name) {
        return "gelu".equals(name) ? Activation::gelu : Mlp::quickGelu;
    }

    /** {@code nn.Embedding}: a {@code weight} table (rows, dim) indexed by ids. */
    static final class EmbeddingTable extends Module {
        private final Parameter weight;

        EmbeddingTable(int rows, int dim) {
            weight = param("weight", Parameter.Type.WEIGHT, new Shape(rows, dim), Init.normal(0.02));
        }

        NDArray table(ParameterStore ps, NDArray like, boolean training) {
            return value(ps, weight, like, training);
        }

        @Override
        public NDArray forward(ParameterStore ps, NDArray ids, boolean training) {
            return Embedding.embedding(ids, value(ps, weight, ids, training), SparseFormat.DENSE).singletonOrThrow();
        }
    }

    /** {@code CLIPAttention}: {@code k_proj}, {@code v_proj}, {@code q_proj}, {@code out_proj}, all with bias. */
    static final class SelfAttention extends Module {
        private final int heads;
        private final Linear kProj;
        private final Linear vProj;
        private final Linear qProj;
        private final Linear outProj;

        SelfAttention(int dim, int heads) {
            this.heads = heads;
            // transformers' CLIPAttention registers them in this order.
            kProj = module("k_proj", new Linear(dim, dim, Init.normal(0.02), Init.ZEROS));
            vProj = module("v_proj", new Linear(dim, dim, Init.normal(0.02), Init.ZEROS));
            qProj = module("q_proj", new Linear(dim, dim, Init.normal(0.02), Init.ZEROS));
            outProj = module("out_proj", new Linear(dim, dim, Init.normal(0.02), Init.ZEROS));
        }

        NDArray forward(ParameterStore ps, NDArray x, NDArray mask, boolean training) {
            NDArray y = Attention.scaledDotProduct(qProj.forward(ps, x, training), kProj.forward(ps, x, training),
                    vProj.forward(ps, x, training), heads, mask);
            return outProj.forward(ps, y, training);
        }

        @Override
        public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
            return forward(ps, x, null, training);
        }
    }

    /** {@code CLIPEncoderLayer}: x + self_attn(layer_norm1(x)), then x + mlp(layer_norm2(x)). */
    static final class EncoderLayer extends Module {
        private final SelfAttention selfAttn;
        private final LayerNorm layerNorm1;
        private final Mlp mlp;
        private final LayerNorm layerNorm2;

        EncoderLayer(int dim, int heads, int hidden, float eps, String act) {
            selfAttn = module("self_attn", new SelfAttention(dim, heads));
            layerNorm1 = module("layer_norm1", new LayerNorm(dim, eps));
            mlp = module("mlp", new Mlp(dim, hidden, activation(act)));
            layerNorm2 = module("layer_norm2", new LayerNorm(dim, eps));
        }

        NDArray forward(ParameterStore ps, NDArray x, NDArray mask, boolean training) {
            NDArray y = x.add(selfAttn.forward(ps, layerNorm1.forward(ps, x, training), mask, training));
            return y.add(mlp.forward(ps, layerNorm2.forward(ps, y, training), training));
        }

        @Override
        public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
            return forward(ps, x, null, training);
        }
    }

    /** {@code CLIPEncoder}: {@code layers.N}. */
    static final class Encoder extends Module {
        final List<EncoderLayer> layers = new ArrayList<>();

        Encoder(int n, int dim, int heads, int hidden, float eps, String act) {
            Sequential list = new Sequential();
            for (int i = 0; i < n; i++) {
                EncoderLayer l = new EncoderLayer(dim, heads, hidden, eps, act);
                layers.add(l);
                list.add(l);
            }
            module("layers", list);
        }

        NDArray forward(ParameterStore ps, NDArray x, NDArray mask, boolean training) {
            NDArray y = x;
            for (EncoderLayer l : layers) {
                y = l.forward(ps, y, mask, training);
            }
            return y;
        }

        @Override
        public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
            return forward(ps, x, null, training);
        }
    }

    /** {@code CLIPTextEmbeddings}: {@code token_embedding} and {@code position_embedding}. */
    static final class TextEmbeddings extends Module {
        final EmbeddingTable tokenEmbedding;
        final EmbeddingTable positionEmbedding;

        TextEmbeddings(ClipTextConfig c) {
            tokenEmbedding = module("token_embedding", new EmbeddingTable(c.vocabSize(), c.hiddenSize()));
            positionEmbedding = module("position_embedding", new EmbeddingTable(c.maxPositionEmbeddings(), c.hiddenSize()));
        }

        @Override
        public NDArray forward(ParameterStore ps, NDArray ids, boolean training) {
            long length = ids.getShape().get(1);
            NDArray positions = ids.getManager().arange(0, (int) length, 1, DataType.INT64);
            return tokenEmbedding.forward(ps, ids, training).add(positionEmbedding.forward(ps, positions, training));
        }
    }

    /**
     * {@code CLIPTextTransformer}: embeddings, causal encoder (padding masked out too), {@code final_layer_norm};
     * pooled at the end-of-text token.
     */
    static final class TextTransformer extends Module {
        private final ClipTextConfig config;
        final TextEmbeddings embeddings;
        final Encoder encoder;
        final LayerNorm finalLayerNorm;

        TextTransformer(ClipTextConfig c) {
            this.config = c;
            embeddings = module("embeddings", new TextEmbeddings(c));
            encoder = module("encoder", new Encoder(c.numHiddenLayers(), c.hiddenSize(), c.numAttentionHeads(), c.intermediateSize(),
                    (float) c.layerNormEps(), c.hiddenAct()));
            finalLayerNorm = module("final_layer_norm", new LayerNorm(c.hiddenSize(), (float) c.layerNormEps()));
        }

        /** last_hidden_state (B, L, D) of int64 ids (B, L) and a 1/0 attention mask (null: every token). */
        NDArray lastHiddenState(ParameterStore ps, NDArray ids, NDArray attentionMask, boolean training) {
            long length = ids.getShape().get(1);
            NDArray mask = Attention.causalMask(ids.getManager(), length);
            if (attentionMask != null) {
                mask = mask.add(Attention.paddingMask(attentionMask));
            }
            NDArray x = embeddings.forward(ps, ids, training);
            return finalLayerNorm.forward(ps, encoder.forward(ps, x, mask, training), training);
        }

        /**
         * The hidden state at each sequence's end-of-text token (B, D), as transformers picks it: the
         * largest id for the legacy {@code eos_token_id} 2, else the first position holding {@code eos_token_id}.
         */
        NDArray pooled(NDArray hidden, NDArray ids) {
            NDArray positions = config.legacyEos() ? ids.argMax(1)
                    : ids.eq(config.eosTokenId()).toType(DataType.INT32, false).argMax(1);
            long b = ids.getShape().get(0);
            NDList rows = new NDList();
            long[] at = positions.toType(DataType.INT64, false).toLongArray();
            for (int i = 0; i < b; i++) {
                rows.add(hidden.get(i).get(at[i]).expandDims(0));
            }
            return NDArrays.concat(rows, 0);
        }

        @Override
        public NDArray forward(ParameterStore ps, NDArray ids, boolean training) {
            return pooled(lastHiddenState(ps, ids, null, training), ids);
        }
    }

    /** {@code CLIPVisionEmbeddings}: {@code class_embedding}, {@code patch_embedding} (no bias), {@code position_embedding}. */
    static final class VisionEmbeddings extends Module {
        private final int dim;
        private final int grid;
        private final Parameter classEmbedding;
        private final Conv2d patchEmbedding;
        private final EmbeddingTable positionEmbedding;

        VisionEmbeddings(ClipVisionConfig c, int inChans) {
            dim = c.hiddenSize();
            grid = c.gridSize();
            classEmbedding = param("class_embedding", Parameter.Type.OTHER, new Shape(dim), Init.normal(0.02));
            patchEmbedding = module("patch_embedding", new Conv2d(inChans, dim, c.patchSize(), c.patchSize(), 0, false, Init.normal(0.02)));
            positionEmbedding = module("position_embedding", new EmbeddingTable(grid * grid + 1, dim));
        }

        @Override
        public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
            NDArray cls = value(ps, classEmbedding, x, training).reshape(1, 1, dim);
            NDArray pos = positionEmbedding.table(ps, x, training).expandDims(0);
            // Another image size: the position grid resampled as timm does for its ViT.
            return VisionTransformer.tokens(patchEmbedding.forward(ps, x, training), cls, pos, grid);
        }
    }

    /** {@code CLIPVisionTransformer}: embeddings, {@code pre_layrnorm} (transformers' spelling), encoder, {@code post_layernorm}. */
    static final class VisionTower extends Module {
        final VisionEmbeddings embeddings;
        final LayerNorm preLayrnorm;
        final Encoder encoder;
        final LayerNorm postLayernorm;

        VisionTower(ClipVisionConfig c, int inChans) {
            float eps = (float) c.layerNormEps();
            embeddings = module("embeddings", new VisionEmbeddings(c, inChans));
            preLayrnorm = module("pre_layrnorm", new LayerNorm(c.hiddenSize(), eps));
            encoder = module("encoder", new Encoder(c.numHiddenLayers(), c.hiddenSize(), c.numAttentionHeads(), c.intermediateSize(), eps,
                    c.hiddenAct()));
            postLayernorm = module("post_layernorm", new LayerNorm(c.hiddenSize(), eps));
        }

        /** The tokens entering the first layer: embeddings, then pre_layrnorm. */
        NDArray embed(ParameterStore ps, NDArray x, boolean training) {
            return preLayrnorm.forward(ps, embeddings.forward(ps, x, training), training);
        }

        /** last_hidden_state: the encoder's output, without post_layernorm (B, 1 + grid^2, D). */
        @Override
        public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
            return encoder.forward(ps, embed(ps, x, training), null, training);
        }

        /** pooler_output: post_layernorm of the class token (B, D). */
        NDArray pooled(ParameterStore ps, NDArray lastHiddenState, boolean training) {
            return postLayernorm.forward(ps, lastHiddenState.get(":, 0, :"), training);
        }
    }
}
