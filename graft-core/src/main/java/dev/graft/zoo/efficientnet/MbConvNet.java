package dev.graft.zoo.efficientnet;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import dev.graft.zoo.FeatureInfo;
import dev.graft.zoo.ModelBase;
import dev.graft.zoo.ParamGroup;
import dev.graft.zoo.PretrainedCfg;
import dev.graft.zoo.nn.BatchNorm2d;
import dev.graft.zoo.nn.Conv2d;
import dev.graft.zoo.nn.Init;
import dev.graft.zoo.nn.Sequential;
import java.util.ArrayList;
import java.util.List;

/**
 * What timm's EfficientNet and MobileNetV3 share ({@code _efficientnet_builder}): {@code conv_stem}
 * (3x3 stride 2) and {@code bn1}, then {@code blocks.S.B}, stages of {@link MbBlock}s built from
 * {@link BlockArgs}; the subclass adds its head. Feature maps are taken where timm takes them: at
 * the last stage of each resolution.
 *
 * <pre>{@code
 * GraftModel b0 = Zoo.create("efficientnet_b0", CreateOptions.defaults().withNumClasses(10));
 * }</pre>
 */
public abstract class MbConvNet extends ModelBase {
    /**
     * How a model family builds its blocks from {@link BlockArgs}; {@code dropPathRate} is timm's
     * stochastic depth, {@code rate * i / blocks} for block {@code i} (0 = none).
     */
    public record BuildRules(double widthMultiplier, double depthMultiplier, Act act, Act seAct, Act seGate, boolean seFromExp,
            double dropPathRate) {}

    private final Act stemAct;
    private final Conv2d convStem;
    private final BatchNorm2d bn1;
    private final List<Sequential> stages = new ArrayList<>();
    private final List<FeatureInfo> featureInfo = new ArrayList<>();
    private final List<Integer> featureStages = new ArrayList<>();
    /** Channels out of the last stage. */
    protected final int blocksOut;

    protected MbConvNet(PretrainedCfg cfg, int inChans, int stemChs, List<List<BlockArgs>> arch, BuildRules rules) {
        super(cfg);
        this.stemAct = rules.act();
        convStem = module("conv_stem", new Conv2d(inChans, stemChs, 3, 2, 1, false, Init.kaimingNormalFanOut()));
        bn1 = module("bn1", new BatchNorm2d(stemChs));
        Sequential blocks = new Sequential();
        int in = stemChs;
        int reduction = 2;
        int total = arch.stream().mapToInt(st -> java.util.Arrays.stream(scaleDepth(st.stream().mapToInt(BlockArgs::repeats).toArray(),
                rules.depthMultiplier())).sum()).sum();
        int index = 0;
        for (int s = 0; s < arch.size(); s++) {
            List<BlockArgs> stage = arch.get(s);
            int[] repeats = scaleDepth(stage.stream().mapToInt(BlockArgs::repeats).toArray(), rules.depthMultiplier());
            Sequential seq = new Sequential();
            for (int a = 0; a < stage.size(); a++) {
                BlockArgs args = stage.get(a);
                int out = BlockArgs.roundChannels(args.outChs(), rules.widthMultiplier());
                for (int r = 0; r < repeats[a]; r++) {
                    int stride = r == 0 ? args.stride() : 1;
                    BlockArgs block = new BlockArgs(args.type(), 1, args.kernel(), stride, args.expRatio(), out, args.seRatio(),
                            args.act(), args.noskip());
                    int mid = BlockArgs.makeDivisible(in * args.expRatio(), 8);
                    int se = args.seRatio() <= 0 ? 0
                            : rules.seFromExp() ? BlockArgs.makeDivisible((args.type().equals("ir") ? mid : in) * args.seRatio(), 8)
                            : (int) Math.round(in * args.seRatio());
                    seq.add(new MbBlock(block, in, mid, se, rules.act(), rules.seAct(), rules.seGate(), rules.dropPathRate() * index++ / total));
                    in = out;
                }
            }
            stages.add(seq);
            blocks.add(seq);
            reduction *= arch.get(s).get(0).stride();
            boolean resolutionChangesNext = s + 1 == arch.size() || arch.get(s + 1).get(0).stride() > 1;
            if (resolutionChangesNext) {
                featureInfo.add(new FeatureInfo("blocks." + s, in, reduction));
                featureStages.add(s);
            }
        }
        module("blocks", blocks);
        blocksOut = in;
    }

    /**
     * timm's {@code _scale_stage_depth} ('ceil'): the stage's total repeats scaled and rounded up,
     * then shared out over its block strings from the last one back.
     */
    static int[] scaleDepth(int[] repeats, double multiplier) {
        int total = java.util.Arrays.stream(repeats).sum();
        int scaled = (int) Math.ceil(total * multiplier);
        int[] out = new int[repeats.length];
        for (int i = repeats.length - 1; i >= 0; i--) {
            int rs = Math.max(1, (int) Math.round((double) repeats[i] / total * scaled));
            out[i] = rs;
            total -= repeats[i];
            scaled -= rs;
        }
        return out;
    }

    @Override
    public NDArray forwardFeatures(ParameterStore ps, NDArray x, boolean training) {
        NDArray y = stemAct.applyAndClose(convStem.forwardWithBn(ps, bn1, x, training));
        for (Sequential stage : stages) {
            y = Sequential.applyClosing(ps, stage.items(), y, training, true);
        }
        return y;
    }

    @Override
    protected NDArray[] intermediates(ParameterStore ps, NDArray x, boolean training, int last) {
        NDArray[] out = new NDArray[featureInfo.size()];
        NDArray y = stemAct.applyAndClose(convStem.forwardWithBn(ps, bn1, x, training));
        int f = 0;
        for (int s = 0; s < stages.size() && f <= last; s++) {
            y = stages.get(s).forward(ps, y, training);
            if (featureStages.get(f) == s) {
                out[f++] = y;
            }
        }
        return out;
    }

    /** The head's module names, for the {@code head} parameter group. */
    protected abstract List<String> headModules();

    @Override
    public List<ParamGroup> groupMatcher() {
        return ParamGroup.stemStagesHead(new ParamGroup("stem", List.of("conv_stem", "bn1")), stages.size(),
                i -> new ParamGroup("stage" + i, List.of("blocks." + i)), new ParamGroup("head", headModules()));
    }

    @Override
    public List<FeatureInfo> featureInfo() {
        return List.copyOf(featureInfo);
    }
}
