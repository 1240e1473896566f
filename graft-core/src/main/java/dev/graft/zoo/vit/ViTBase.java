package dev.graft.zoo.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.graft.GraftException;
import dev.graft.zoo.FeatureInfo;
import dev.graft.zoo.ModelArgs;
import dev.graft.zoo.ModelBase;
import dev.graft.zoo.PretrainedCfg;
import dev.graft.zoo.nn.Module;
import java.util.ArrayList;
import java.util.List;

/**
 * What both ViT layouts compute, whatever their module names: a token sequence (class token
 * first, position embeddings added), pre-norm blocks, a final norm, class-token pooling, timm's
 * spatial feature maps, and position embeddings resampled for another grid. The subclass names the
 * modules: {@link VisionTransformer} (timm) and {@link ViTForImageClassification} (transformers).
 */
abstract class ViTBase extends ModelBase {
    protected final int patchSize;
    protected final int width;
    protected final int gridSize;
    private final double dropRate;

    ViTBase(PretrainedCfg cfg, ModelArgs args, int patchSize, int width) {
        super(cfg);
        if (args.imgSize() % patchSize != 0) {
            throw new GraftException("image size " + args.imgSize() + " is not a multiple of the patch size " + patchSize,
                    "use an image size divisible by " + patchSize);
        }
        this.patchSize = patchSize;
        this.width = width;
        this.gridSize = args.imgSize() / patchSize;
        this.dropRate = args.dropRate();
    }

    /** The token sequence of an image batch (see {@link VisionTransformer#tokens}). */
    protected abstract NDArray embed(ParameterStore ps, NDArray x, boolean training);

    /** The transformer blocks, in order. */
    protected abstract List<? extends Module> blocks();

    /** The LayerNorm after the last block. */
    protected abstract Module finalNorm();

    /** The state-dict name of block {@code i}'s module. */
    protected abstract String blockName(int i);

    /** The state-dict key of the position embeddings. */
    protected abstract String posEmbedKey();

    @Override
    public NDArray forwardFeatures(ParameterStore ps, NDArray x, boolean training) {
        NDArray y = embed(ps, x, training);
        for (Module b : blocks()) {
            y = b.forward(ps, y, training);
        }
        return finalNorm().forward(ps, y, training);
    }

    @Override
    public NDArray forwardHead(ParameterStore ps, NDArray features, boolean training, boolean preLogits) {
        return classify(ps, features.get(":, 0, :"), dropRate, training, preLogits);
    }

    @Override
    protected NDArray[] intermediates(ParameterStore ps, NDArray x, boolean training, int last) {
        List<? extends Module> blocks = blocks();
        NDArray[] out = new NDArray[blocks.size()];
        NDArray y = embed(ps, x, training);
        long gh = x.getShape().get(2) / patchSize;
        long gw = x.getShape().get(3) / patchSize;
        for (int i = 0; i < blocks.size() && i <= last; i++) {
            y = blocks.get(i).forward(ps, y, training);
            // timm returns spatial maps (N, D, gh, gw) without the class token.
            out[i] = y.get(":, 1:, :").transpose(0, 2, 1).reshape(x.getShape().get(0), width, gh, gw);
        }
        return out;
    }

    @Override
    public List<FeatureInfo> featureInfo() {
        List<FeatureInfo> info = new ArrayList<>();
        for (int i = 0; i < blocks().size(); i++) {
            info.add(new FeatureInfo(blockName(i), width, patchSize));
        }
        return info;
    }

    /** Position embeddings of a checkpoint made for another square grid are resampled to this one. */
    @Override
    public NDArray adaptCheckpointTensor(String key, NDArray tensor, Shape target) {
        if (key.equals(posEmbedKey()) && tensor.getShape().dimension() == 3 && tensor.getShape().get(2) == target.get(2)) {
            int oldGrid = (int) Math.round(Math.sqrt(tensor.getShape().get(1) - 1));
            if ((long) oldGrid * oldGrid + 1 != tensor.getShape().get(1)) {
                return null;
            }
            return VisionTransformer.resamplePosEmbed(tensor.toType(DataType.FLOAT32, false), oldGrid, oldGrid, gridSize, gridSize);
        }
        return super.adaptCheckpointTensor(key, tensor, target);
    }
}
