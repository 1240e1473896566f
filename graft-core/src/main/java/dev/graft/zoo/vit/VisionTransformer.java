package dev.graft.zoo.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.graft.engine.Scalars;
import dev.graft.zoo.ModelArgs;
import dev.graft.zoo.ParamGroup;
import dev.graft.zoo.PretrainedCfg;
import dev.graft.zoo.nn.Classifier;
import dev.graft.zoo.nn.Conv2d;
import dev.graft.zoo.nn.DropPath;
import dev.graft.zoo.nn.Init;
import dev.graft.zoo.nn.LayerNorm;
import dev.graft.zoo.nn.Linear;
import dev.graft.zoo.nn.Mlp;
import dev.graft.zoo.nn.Module;
import dev.graft.zoo.nn.Sequential;
import java.util.ArrayList;
import java.util.List;

/**
 * Vision Transformer with timm's module names: {@code patch_embed.proj}, {@code cls_token},
 * {@code pos_embed}, {@code blocks.N.norm1}, {@code blocks.N.attn.qkv} (fused q, k, v),
 * {@code blocks.N.attn.proj}, {@code blocks.N.norm2}, {@code blocks.N.mlp.fc1/fc2}, {@code norm},
 * {@code head}. LayerNorm eps 1e-6, exact (erf) GELU, class-token pooling. Inputs of another size
 * than the position embeddings were made for are handled by resampling the embeddings bilinearly.
 *
 * <pre>{@code
 * GraftModel vit = Zoo.create("vit_tiny_patch16_224", CreateOptions.defaults().withNumClasses(10).withImgSize(32));
 * }</pre>
 */
public final class VisionTransformer extends ViTBase {
    /** DJL passes Image.Interpolation codes to PyTorch interpolate (align_corners=False). */
    private static final int BILINEAR = ai.djl.modality.cv.Image.Interpolation.BILINEAR.ordinal();

    private final Parameter clsToken;
    private final Parameter posEmbed;
    private final PatchEmbed patchEmbed;
    private final List<TransformerBlock> blocks = new ArrayList<>();
    private final LayerNorm norm;
    private final Classifier head;

    public VisionTransformer(PretrainedCfg cfg, ModelArgs args, int patchSize, int embedDim, int depth, int heads) {
        super(cfg, args, patchSize, embedDim);
        // PyTorch lists a module's own parameters before its children's: cls_token, pos_embed, patch_embed...
        clsToken = param("cls_token", Parameter.Type.OTHER, new Shape(1, 1, embedDim), Init.normal(1e-6));
        posEmbed = param("pos_embed", Parameter.Type.OTHER, new Shape(1, 1 + (long) gridSize * gridSize, embedDim), Init.normal(0.02));
        patchEmbed = module("patch_embed", new PatchEmbed(args.inChans(), embedDim, patchSize, "proj"));
        Sequential blockList = new Sequential();
        double[] dropPath = DropPath.rates(args.dropPathRate(), depth);
        for (int i = 0; i < depth; i++) {
            TransformerBlock b = new TransformerBlock(embedDim, heads, 4 * embedDim, dropPath[i]);
            blocks.add(b);
            blockList.add(b);
        }
        module("blocks", blockList);
        norm = module("norm", new LayerNorm(embedDim, 1e-6f));
        head = module("head", new Classifier(embedDim, args.numClasses(), Init.normal(0.02), true));
    }

    @Override
    protected Classifier classifier() {
        return head;
    }

    @Override
    protected NDArray embed(ParameterStore ps, NDArray x, boolean training) {
        return tokens(patchEmbed.forward(ps, x, training), value(ps, clsToken, x, training), value(ps, posEmbed, x, training), gridSize);
    }

    @Override
    protected List<TransformerBlock> blocks() {
        return blocks;
    }

    @Override
    protected Module finalNorm() {
        return norm;
    }

    @Override
    protected String blockName(int i) {
        return "blocks." + i;
    }

    @Override
    protected String posEmbedKey() {
        return "pos_embed";
    }

    @Override
    public List<ParamGroup> groupMatcher() {
        return ParamGroup.stemStagesHead(new ParamGroup("stem", List.of("cls_token", "pos_embed", "patch_embed")), blocks.size(),
                i -> new ParamGroup("block" + i, List.of("blocks." + i)), new ParamGroup("head", List.of("norm", "head")));
    }

    /**
     * timm's {@code resample_abs_pos_embed}: the class-token embedding is kept, the grid part is
     * resized from (oh, ow) to (nh, nw) with bilinear interpolation (align_corners=False).
     */
    public static NDArray resamplePosEmbed(NDArray pos, int oh, int ow, int nh, int nw) {
        long d = pos.getShape().get(2);
        NDArray prefix = pos.get(":, 0:1, :");
        NDArray grid = pos.get(":, 1:, :").reshape(1, oh, ow, d).transpose(0, 3, 1, 2);
        NDArray resized = grid.getNDArrayInternal().interpolation(new long[] {nh, nw}, BILINEAR, false);
        NDArray back = resized.transpose(0, 2, 3, 1).reshape(1, (long) nh * nw, d);
        return NDArrays.concat(new NDList(prefix, back), 1);
    }

    /**
     * The token sequence of a ViT: patch embeddings (N, D, gh, gw) flattened to (N, gh*gw, D), the
     * class token in front, position embeddings made for a {@code grid} x {@code grid} grid added
     * (resampled when the patches form another grid).
     */
    public static NDArray tokens(NDArray patches, NDArray clsToken, NDArray posEmbed, int grid) {
        long n = patches.getShape().get(0);
        long d = patches.getShape().get(1);
        long gh = patches.getShape().get(2);
        long gw = patches.getShape().get(3);
        NDArray tokens = patches.reshape(n, d, gh * gw).transpose(0, 2, 1);
        NDArray cls = clsToken.broadcast(n, 1, d);
        NDArray pos = gh != grid || gw != grid ? resamplePosEmbed(posEmbed, grid, grid, (int) gh, (int) gw) : posEmbed;
        return NDArrays.concat(new NDList(cls, tokens), 1).add(pos);
    }

    /**
     * The patch embedding: a patch-size conv with stride = patch size, named {@code proj} (timm's
     * {@code patch_embed.proj}) or {@code projection} (transformers' {@code patch_embeddings.projection}).
     */
    static final class PatchEmbed extends Module {
        private final Conv2d proj;

        PatchEmbed(int in, int dim, int patch, String convName) {
            proj = module(convName, new Conv2d(in, dim, patch, patch, 0, true, Init.defaultWeight()));
        }

        @Override
        public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
            return proj.forward(ps, x, training);
        }
    }

    /** timm's {@code Attention}: fused {@code qkv} and {@code proj}. */
    static final class Attention extends Module {
        private final int heads;
        private final int headDim;
        private final float scale;
        private final Linear qkv;
        private final Linear proj;

        Attention(int dim, int heads) {
            this.heads = heads;
            this.headDim = dim / heads;
            this.scale = (float) (1.0 / Math.sqrt(headDim));
            qkv = module("qkv", new Linear(dim, 3 * dim, Init.normal(0.02), Init.ZEROS));
            proj = module("proj", new Linear(dim, dim, Init.normal(0.02), Init.ZEROS));
        }

        @Override
        public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
            long b = x.getShape().get(0);
            long n = x.getShape().get(1);
            long c = x.getShape().get(2);
            NDArray qkvOut = qkv.forward(ps, x, training).reshape(b, n, 3, heads, headDim).transpose(2, 0, 3, 1, 4);
            NDArray q = Scalars.mul(qkvOut.get(0), scale);
            NDArray k = qkvOut.get(1);
            NDArray v = qkvOut.get(2);
            NDArray attn = q.matMul(k.transpose(0, 1, 3, 2)).softmax(-1);
            NDArray y = attn.matMul(v).transpose(0, 2, 1, 3).reshape(b, n, c);
            return proj.forward(ps, y, training);
        }
    }

    /** Pre-norm transformer block: x + attn(norm1(x)), then x + mlp(norm2(x)). */
    static final class TransformerBlock extends Module {
        private final LayerNorm norm1;
        private final Attention attn;
        private final LayerNorm norm2;
        private final Mlp mlp;
        private final double dropPath;

        TransformerBlock(int dim, int heads, int hidden, double dropPath) {
            this.dropPath = dropPath;
            norm1 = module("norm1", new LayerNorm(dim, 1e-6f));
            attn = module("attn", new Attention(dim, heads));
            norm2 = module("norm2", new LayerNorm(dim, 1e-6f));
            mlp = module("mlp", new Mlp(dim, hidden));
        }

        @Override
        public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
            NDArray y = x.add(DropPath.apply(attn.forward(ps, norm1.forward(ps, x, training), training), dropPath, training));
            return y.add(DropPath.apply(mlp.forward(ps, norm2.forward(ps, y, training), training), dropPath, training));
        }
    }
}
