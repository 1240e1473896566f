package dev.graft.zoo.convnext;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import dev.graft.zoo.FeatureInfo;
import dev.graft.zoo.ModelArgs;
import dev.graft.zoo.ModelBase;
import dev.graft.zoo.ParamGroup;
import dev.graft.zoo.PretrainedCfg;
import dev.graft.zoo.nn.Classifier;
import dev.graft.zoo.nn.Conv2d;
import dev.graft.zoo.nn.DropPath;
import dev.graft.zoo.nn.Init;
import dev.graft.zoo.nn.LayerNorm;
import dev.graft.zoo.nn.Mlp;
import dev.graft.zoo.nn.Module;
import dev.graft.zoo.nn.Sequential;
import java.util.ArrayList;
import java.util.List;

/**
 * ConvNeXt (Liu et al. 2022) with timm's module names: {@code stem.0} (4x4 stride-4 conv),
 * {@code stem.1} (LayerNorm2d), {@code stages.N.downsample.0/1} (LayerNorm2d, 2x2 stride-2 conv;
 * none in stage 0), {@code stages.N.blocks.M.gamma} (layer scale), {@code .conv_dw} (7x7 depthwise),
 * {@code .norm}, {@code .mlp.fc1/fc2}, then {@code head.norm} and {@code head.fc} after average
 * pooling. LayerNorm eps 1e-6, exact GELU, layer scale initialised to 1e-6. Stochastic depth is not
 * applied (timm's default {@code drop_path_rate=0}).
 *
 * <pre>{@code
 * GraftModel convnext = Zoo.create("convnext_tiny", CreateOptions.defaults().withNumClasses(10));
 * }</pre>
 */
public final class ConvNeXt extends ModelBase {
    private static final float EPS = 1e-6f;

    private final double dropRate;
    private final Sequential stem;
    private final List<Stage> stages = new ArrayList<>();
    private final Head head;
    private final List<FeatureInfo> featureInfo = new ArrayList<>();

    /**
     * @param depths blocks per stage
     * @param dims channels of each stage
     */
    public ConvNeXt(PretrainedCfg cfg, ModelArgs args, int[] depths, int[] dims) {
        super(cfg);
        this.dropRate = args.dropRate();
        stem = module("stem", new Sequential()
                .add(new Conv2d(args.inChans(), dims[0], 4, 4, 0, true, Init.normal(0.02)))
                .add(LayerNorm.channelsFirst(dims[0], EPS)));
        Sequential stageList = new Sequential();
        int reduction = 4;
        double[] dropPath = DropPath.rates(args.dropPathRate(), java.util.Arrays.stream(depths).sum());
        int first = 0;
        for (int s = 0; s < depths.length; s++) {
            if (s > 0) {
                reduction *= 2;
            }
            Stage stage = new Stage(s == 0 ? dims[0] : dims[s - 1], dims[s], java.util.Arrays.copyOfRange(dropPath, first, first + depths[s]));
            first += depths[s];
            stages.add(stage);
            stageList.add(stage);
            featureInfo.add(new FeatureInfo("stages." + s, dims[s], reduction));
        }
        module("stages", stageList);
        head = module("head", new Head(dims[dims.length - 1], args.numClasses()));
    }

    @Override
    protected Classifier classifier() {
        return head.fc;
    }

    @Override
    public NDArray forwardFeatures(ParameterStore ps, NDArray x, boolean training) {
        return Sequential.applyClosing(ps, stages, stem.forward(ps, x, training), training, true);
    }

    /** timm's {@code NormMlpClassifierHead}: average pool, LayerNorm, dropout, {@code fc}; pre-logits are the normed features. */
    @Override
    public NDArray forwardHead(ParameterStore ps, NDArray features, boolean training, boolean preLogits) {
        NDArray pooled = Pool.globalAvgPool2d(features);
        NDArray normed = head.norm.forward(ps, pooled, training);
        pooled.close();
        return classify(ps, normed, dropRate, training, preLogits);
    }

    @Override
    protected NDArray[] intermediates(ParameterStore ps, NDArray x, boolean training, int last) {
        NDArray[] out = new NDArray[featureInfo.size()];
        NDArray y = stem.forward(ps, x, training);
        for (int i = 0; i < stages.size() && i <= last; i++) {
            y = stages.get(i).forward(ps, y, training);
            out[i] = y;
        }
        return out;
    }

    @Override
    public List<ParamGroup> groupMatcher() {
        return ParamGroup.stemStagesHead(new ParamGroup("stem", List.of("stem")), stages.size(),
                i -> new ParamGroup("stage" + i, List.of("stages." + i)), new ParamGroup("head", List.of("head")));
    }

    @Override
    public List<FeatureInfo> featureInfo() {
        return List.copyOf(featureInfo);
    }

    /** {@code downsample} (LayerNorm2d + 2x2 stride-2 conv, when the width changes) and {@code blocks}. */
    static final class Stage extends Module {
        private final Sequential downsample;
        private final Sequential blocks;

        /** @param dropPath each block's stochastic-depth rate (one per block) */
        Stage(int in, int out, double[] dropPath) {
            downsample = in == out ? null : module("downsample", new Sequential()
                    .add(LayerNorm.channelsFirst(in, EPS))
                    .add(new Conv2d(in, out, 2, 2, 0, true, Init.normal(0.02))));
            blocks = new Sequential();
            for (double rate : dropPath) {
                blocks.add(new Block(out, rate));
            }
            module("blocks", blocks);
        }

        @Override
        public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
            NDArray y = x;
            if (downsample != null) {
                NDArray normed = downsample.get(0).forward(ps, x, training);
                y = downsample.get(1).forward(ps, normed, training);
                normed.close();
            }
            return Sequential.applyClosing(ps, blocks.items(), y, training, y != x);
        }
    }

    /** x + gamma * mlp(norm(conv_dw(x))), the norm and MLP on channels-last activations. */
    static final class Block extends Module {
        private final Parameter gamma;
        private final Conv2d convDw;
        private final LayerNorm norm;
        private final Mlp mlp;
        private final double dropPath;

        Block(int dim, double dropPath) {
            this.dropPath = dropPath;
            // PyTorch lists a module's own parameters before its children's: gamma, then conv_dw, ...
            gamma = param("gamma", Parameter.Type.GAMMA, new Shape(dim), (m, s, t) -> m.full(s, 1e-6f, t));
            convDw = module("conv_dw", new Conv2d(dim, dim, 7, 1, 3, dim, true, Init.normal(0.02)));
            norm = module("norm", new LayerNorm(dim, EPS));
            mlp = module("mlp", new Mlp(dim, 4 * dim));
        }

        @Override
        public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
            NDArray dw = convDw.forward(ps, x, training);
            NDArray last = dw.transpose(0, 2, 3, 1);
            dw.close();
            NDArray normed = norm.forward(ps, last, training);
            last.close();
            NDArray h = mlp.forward(ps, normed, training);
            normed.close();
            NDArray scaled = h.mul(value(ps, gamma, x, training));
            h.close();
            NDArray y = DropPath.apply(scaled.transpose(0, 3, 1, 2), dropPath, training).add(x);
            scaled.close();
            return y;
        }
    }

    /** {@code head.norm} (LayerNorm over the pooled features) and the classifier {@code head.fc}. */
    static final class Head extends Module {
        final LayerNorm norm;
        final Classifier fc;

        Head(int dim, int numClasses) {
            norm = module("norm", new LayerNorm(dim, EPS));
            fc = module("fc", new Classifier(dim, numClasses, Init.normal(0.02), true));
        }

        @Override
        public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
            NDArray normed = norm.forward(ps, x, training);
            NDArray y = fc.forward(ps, normed, training);
            normed.close();
            return y;
        }
    }
}
