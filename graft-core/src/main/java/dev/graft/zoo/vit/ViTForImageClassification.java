package dev.graft.zoo.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.graft.zoo.ModelArgs;
import dev.graft.zoo.ParamGroup;
import dev.graft.zoo.PretrainedCfg;
import dev.graft.zoo.nn.Classifier;
import dev.graft.zoo.nn.Init;
import dev.graft.zoo.nn.LayerNorm;
import dev.graft.zoo.nn.Linear;
import dev.graft.zoo.nn.Module;
import dev.graft.zoo.nn.Sequential;
import java.util.ArrayList;
import java.util.List;

/**
 * ViT in the transformers layout, as {@code google/vit-base-patch16-224} ships it: the same network
 * as {@link VisionTransformer} under transformers' names: {@code vit.embeddings.cls_token},
 * {@code vit.embeddings.position_embeddings}, {@code vit.embeddings.patch_embeddings.projection},
 * {@code vit.encoder.layer.N.attention.attention.query/key/value} (separate projections),
 * {@code .attention.output.dense}, {@code .intermediate.dense}, {@code .output.dense},
 * {@code .layernorm_before}, {@code .layernorm_after}, {@code vit.layernorm}, {@code classifier}.
 * LayerNorm eps from the config (1e-12 by default), exact GELU, class-token pooling.
 *
 * <pre>{@code
 * GraftModel vit = Zoo.create("local-dir:vit-base-patch16-224");   // config.json with model_type "vit"
 * }</pre>
 */
public final class ViTForImageClassification extends ViTBase {
    private final ViTConfig config;
    private final VitModel vit;
    private final Classifier classifier;

    public ViTForImageClassification(PretrainedCfg cfg, ModelArgs args, ViTConfig config) {
        super(cfg, args, config.patchSize(), config.hiddenSize());
        this.config = config;
        vit = module("vit", new VitModel(args.inChans(), config, gridSize, false));
        classifier = module("classifier", new Classifier(config.hiddenSize(), args.numClasses(), Init.normal(config.initializerRange()), true));
    }

    /** The transformers config this model has (its class names are the current head's). */
    public ViTConfig config() {
        return config;
    }

    /** transformers' config.json and preprocessor_config.json, so {@code from_pretrained} loads the export. */
    @Override
    public void writeConfig(PretrainedCfg cfg, java.nio.file.Path dir) {
        TransformersViT.write(this, cfg, dir);
    }

    @Override
    public String baseModelPrefix() {
        return "vit.";
    }

    @Override
    protected Classifier classifier() {
        return classifier;
    }

    @Override
    protected NDArray embed(ParameterStore ps, NDArray x, boolean training) {
        return vit.embeddings.forward(ps, x, training);
    }

    @Override
    protected List<Layer> blocks() {
        return vit.layers;
    }

    @Override
    protected Module finalNorm() {
        return vit.layernorm;
    }

    @Override
    protected String blockName(int i) {
        return "vit.encoder.layer." + i;
    }

    @Override
    protected String posEmbedKey() {
        return "vit.embeddings.position_embeddings";
    }

    @Override
    public List<ParamGroup> groupMatcher() {
        return ParamGroup.stemStagesHead(new ParamGroup("stem", List.of("vit.embeddings")), vit.layers.size(),
                i -> new ParamGroup("block" + i, List.of(blockName(i))), new ParamGroup("head", List.of("vit.layernorm", "classifier")));
    }

    /**
     * transformers' {@code ViTModel}: {@code embeddings}, {@code encoder}, {@code layernorm}, and with
     * {@code pooler} its {@code pooler.dense} (tanh of a Linear on the class token), which
     * {@code ViTForImageClassification} leaves out and a {@code VisionTextDualEncoderModel}'s tower has.
     */
    public static final class VitModel extends Module {
        final Embeddings embeddings;
        final List<Layer> layers = new ArrayList<>();
        final LayerNorm layernorm;
        private final Dense pooler;

        public VitModel(int inChans, ViTConfig config, int gridSize, boolean pooler) {
            int dim = config.hiddenSize();
            float eps = (float) config.layerNormEps();
            embeddings = module("embeddings", new Embeddings(inChans, dim, config.patchSize(), gridSize, config.initializerRange()));
            Sequential layerList = new Sequential();
            for (int i = 0; i < config.numHiddenLayers(); i++) {
                Layer l = new Layer(dim, config.numAttentionHeads(), config.intermediateSize(), eps, config.qkvBias(), config.initializerRange());
                layers.add(l);
                layerList.add(l);
            }
            module("encoder", new Encoder(layerList));
            layernorm = module("layernorm", new LayerNorm(dim, eps));
            this.pooler = pooler ? module("pooler", new Dense(dim, dim, config.initializerRange())) : null;
        }

        /** {@code last_hidden_state}: embeddings, every layer, layernorm (N, 1 + patches, D). */
        @Override
        public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
            NDArray y = embeddings.forward(ps, x, training);
            for (Layer l : layers) {
                y = l.forward(ps, y, training);
            }
            return layernorm.forward(ps, y, training);
        }

        /** {@code pooler_output}: tanh(pooler.dense(class token of last_hidden_state)) (N, D); only made with a pooler. */
        public NDArray pooled(ParameterStore ps, NDArray lastHiddenState, boolean training) {
            return pooler.forward(ps, lastHiddenState.get(":, 0, :"), training).tanh();
        }
    }

    /** {@code encoder.layer}: the list of layers. */
    static final class Encoder extends Module {
        private final Sequential layer;

        Encoder(Sequential layer) {
            this.layer = module("layer", layer);
        }

        @Override
        public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
            return layer.forward(ps, x, training);
        }
    }

    /** {@code cls_token}, {@code position_embeddings} and {@code patch_embeddings.projection}; other grids resampled as timm does. */
    static final class Embeddings extends Module {
        private final int gridSize;
        private final Parameter clsToken;
        private final Parameter positionEmbeddings;
        private final VisionTransformer.PatchEmbed patchEmbeddings;

        Embeddings(int inChans, int dim, int patch, int gridSize, double initRange) {
            this.gridSize = gridSize;
            clsToken = param("cls_token", Parameter.Type.OTHER, new Shape(1, 1, dim), Init.normal(initRange));
            positionEmbeddings = param("position_embeddings", Parameter.Type.OTHER, new Shape(1, 1 + (long) gridSize * gridSize, dim),
                    Init.normal(initRange));
            patchEmbeddings = module("patch_embeddings", new VisionTransformer.PatchEmbed(inChans, dim, patch, "projection"));
        }

        @Override
        public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
            return VisionTransformer.tokens(patchEmbeddings.forward(ps, x, training), value(ps, clsToken, x, training),
                    value(ps, positionEmbeddings, x, training), gridSize);
        }
    }

    /** A module holding one {@code dense} Linear, as transformers nests them ({@code attention.output.dense}, ...). */
    static final class Dense extends Module {
        final Linear dense;

        Dense(int in, int out, double initRange) {
            dense = module("dense", new Linear(in, out, Init.normal(initRange), Init.ZEROS));
        }

        @Override
        public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
            return dense.forward(ps, x, training);
        }
    }

    /** {@code attention.attention.query/key/value} and {@code attention.output.dense}. */
    static final class Attention extends Module {
        private final SelfAttention attention;
        private final Dense output;

        Attention(int dim, int heads, boolean qkvBias, double initRange) {
            attention = module("attention", new SelfAttention(dim, heads, qkvBias, initRange));
            output = module("output", new Dense(dim, dim, initRange));
        }

        @Override
        public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
            return output.forward(ps, attention.forward(ps, x, training), training);
        }
    }

    /** Scaled dot-product attention over separate {@code query}, {@code key} and {@code value} projections. */
    static final class SelfAttention extends Module {
        private final int heads;
        private final Linear query;
        private final Linear key;
        private final Linear value;

        SelfAttention(int dim, int heads, boolean bias, double initRange) {
            this.heads = heads;
            query = module("query", new Linear(dim, dim, Init.normal(initRange), bias ? Init.ZEROS : null));
            key = module("key", new Linear(dim, dim, Init.normal(initRange), bias ? Init.ZEROS : null));
            value = module("value", new Linear(dim, dim, Init.normal(initRange), bias ? Init.ZEROS : null));
        }

        @Override
        public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
            return dev.graft.zoo.nn.Attention.scaledDotProduct(query.forward(ps, x, training), key.forward(ps, x, training),
                    value.forward(ps, x, training), heads, null);
        }
    }

    /** Pre-norm layer: x + attention(layernorm_before(x)), then x + output(gelu(intermediate(layernorm_after(x)))). */
    static final class Layer extends Module {
        private final Attention attention;
        private final Dense intermediate;
        private final Dense output;
        private final LayerNorm layernormBefore;
        private final LayerNorm layernormAfter;

        Layer(int dim, int heads, int hidden, float eps, boolean qkvBias, double initRange) {
            // transformers' ViTLayer registers these in this order, so its state dict lists them so.
            attention = module("attention", new Attention(dim, heads, qkvBias, initRange));
            intermediate = module("intermediate", new Dense(dim, hidden, initRange));
            output = module("output", new Dense(hidden, dim, initRange));
            layernormBefore = module("layernorm_before", new LayerNorm(dim, eps));
            layernormAfter = module("layernorm_after", new LayerNorm(dim, eps));
        }

        @Override
        public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
            NDArray y = x.add(attention.forward(ps, layernormBefore.forward(ps, x, training), training));
            NDArray h = Activation.gelu(intermediate.forward(ps, layernormAfter.forward(ps, y, training), training));
            return y.add(output.forward(ps, h, training));
        }
    }
}
