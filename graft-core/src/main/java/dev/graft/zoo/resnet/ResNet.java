package dev.graft.zoo.resnet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import dev.graft.zoo.FeatureInfo;
import dev.graft.zoo.ModelArgs;
import dev.graft.zoo.ParamGroup;
import dev.graft.zoo.PooledConvNet;
import dev.graft.zoo.PretrainedCfg;
import dev.graft.zoo.nn.BatchNorm2d;
import dev.graft.zoo.nn.Classifier;
import dev.graft.zoo.nn.Conv2d;
import dev.graft.zoo.nn.Init;
import dev.graft.zoo.nn.Module;
import dev.graft.zoo.nn.Sequential;
import java.util.ArrayList;
import java.util.List;

/**
 * ResNet v1.5 as torchvision and timm build it (stride in the 3x3 conv of Bottleneck), with their
 * state-dict keys: {@code conv1}, {@code bn1}, {@code layer1.0.conv1}, {@code layer1.0.downsample.0},
 * ..., {@code fc}. The compact variant for 28x28 inputs uses a 3x3 stride-1 stem without max-pool.
 *
 * <pre>{@code
 * GraftModel r18 = Zoo.create("resnet18", CreateOptions.defaults().withNumClasses(10));
 * }</pre>
 */
public final class ResNet extends PooledConvNet {
    /** The residual block type. */
    public enum BlockType {
        BASIC(1),
        BOTTLENECK(4);

        final int expansion;

        BlockType(int expansion) {
            this.expansion = expansion;
        }
    }

    /** The stem: ImageNet (7x7 stride 2 + 3x3 max-pool, reduction 4) or small (3x3 stride 1, no pool). */
    public enum Stem {
        IMAGENET,
        SMALL
    }

    private final Stem stem;
    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final List<Sequential> layers = new ArrayList<>();
    private final Classifier fc;
    private final List<FeatureInfo> featureInfo = new ArrayList<>();

    /**
     * @param widths base width of each stage (64, 128, 256, 512 for ImageNet ResNets)
     * @param depths blocks per stage
     */
    public ResNet(PretrainedCfg cfg, ModelArgs args, BlockType type, Stem stem, int[] widths, int[] depths) {
        super(cfg, args.dropRate());
        this.stem = stem;
        int stemWidth = widths[0];
        boolean imagenet = stem == Stem.IMAGENET;
        conv1 = module("conv1", imagenet
                ? new Conv2d(args.inChans(), stemWidth, 7, 2, 3, false, Init.kaimingNormalFanOut())
                : new Conv2d(args.inChans(), stemWidth, 3, 1, 1, false, Init.kaimingNormalFanOut()));
        bn1 = module("bn1", new BatchNorm2d(stemWidth));
        int reduction = imagenet ? 2 : 1;
        featureInfo.add(new FeatureInfo("act1", stemWidth, reduction));
        if (imagenet) {
            reduction *= 2;
        }
        int inplanes = stemWidth;
        for (int s = 0; s < widths.length; s++) {
            int stride = s == 0 ? 1 : 2;
            reduction *= stride;
            Sequential layer = new Sequential();
            for (int b = 0; b < depths[s]; b++) {
                ResidualBlock block = new ResidualBlock(type, inplanes, widths[s], b == 0 ? stride : 1);
                layer.add(block);
                inplanes = widths[s] * type.expansion;
            }
            layers.add(module("layer" + (s + 1), layer));
            featureInfo.add(new FeatureInfo("layer" + (s + 1), inplanes, reduction));
        }
        fc = module("fc", new Classifier(inplanes, args.numClasses(), Init.defaultWeight(), false));
    }

    @Override
    protected Classifier classifier() {
        return fc;
    }

    private NDArray stem(ParameterStore ps, NDArray x, boolean training) {
        return reluAndClose(conv1.forwardWithBn(ps, bn1, x, training));
    }

    private NDArray pool(NDArray act) {
        return stem == Stem.IMAGENET
                ? Pool.maxPool2d(act, new Shape(3, 3), new Shape(2, 2), new Shape(1, 1), false)
                : act;
    }

    @Override
    public NDArray forwardFeatures(ParameterStore ps, NDArray x, boolean training) {
        NDArray act = stem(ps, x, training);
        NDArray y = pool(act);
        if (y != act) {
            act.close();
        }
        for (Sequential layer : layers) {
            y = Sequential.applyClosing(ps, layer.items(), y, training, y != x);
        }
        return y;
    }

    @Override
    protected NDArray[] intermediates(ParameterStore ps, NDArray x, boolean training, int last) {
        NDArray[] out = new NDArray[featureInfo.size()];
        NDArray y = stem(ps, x, training);
        out[0] = y;
        y = pool(y);
        for (int i = 0; i < layers.size() && i < last; i++) {
            y = layers.get(i).forward(ps, y, training);
            out[i + 1] = y;
        }
        return out;
    }

    @Override
    public List<ParamGroup> groupMatcher() {
        return ParamGroup.stemStagesHead(new ParamGroup("stem", List.of("conv1", "bn1")), layers.size(),
                i -> new ParamGroup("stage" + (i + 1), List.of("layer" + (i + 1))), new ParamGroup("head", List.of("fc")));
    }

    @Override
    public List<FeatureInfo> featureInfo() {
        return List.copyOf(featureInfo);
    }

    /** torchvision's BasicBlock / Bottleneck with an optional {@code downsample} (1x1 conv + BN). */
    static final class ResidualBlock extends Module {
        private final BlockType type;
        private final Conv2d conv1;
        private final BatchNorm2d bn1;
        private final Conv2d conv2;
        private final BatchNorm2d bn2;
        private final Conv2d conv3;
        private final BatchNorm2d bn3;
        private final Sequential downsample;

        ResidualBlock(BlockType type, int inplanes, int planes, int stride) {
            this.type = type;
            int out = planes * type.expansion;
            if (type == BlockType.BASIC) {
                conv1 = module("conv1", new Conv2d(inplanes, planes, 3, stride, 1, false, Init.kaimingNormalFanOut()));
                bn1 = module("bn1", new BatchNorm2d(planes));
                conv2 = module("conv2", new Conv2d(planes, planes, 3, 1, 1, false, Init.kaimingNormalFanOut()));
                bn2 = module("bn2", new BatchNorm2d(planes));
                conv3 = null;
                bn3 = null;
            } else {
                conv1 = module("conv1", new Conv2d(inplanes, planes, 1, 1, 0, false, Init.kaimingNormalFanOut()));
                bn1 = module("bn1", new BatchNorm2d(planes));
                conv2 = module("conv2", new Conv2d(planes, planes, 3, stride, 1, false, Init.kaimingNormalFanOut()));
                bn2 = module("bn2", new BatchNorm2d(planes));
                conv3 = module("conv3", new Conv2d(planes, out, 1, 1, 0, false, Init.kaimingNormalFanOut()));
                bn3 = module("bn3", new BatchNorm2d(out));
            }
            if (stride != 1 || inplanes != out) {
                downsample = module("downsample", new Sequential()
                        .add(new Conv2d(inplanes, out, 1, stride, 0, false, Init.kaimingNormalFanOut()))
                        .add(new BatchNorm2d(out)));
            } else {
                downsample = null;
            }
        }

        @Override
        public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
            NDArray a = reluAndClose(conv1.forwardWithBn(ps, bn1, x, training));
            NDArray y = conv2.forwardWithBn(ps, bn2, a, training);
            a.close();
            if (type == BlockType.BOTTLENECK) {
                NDArray b = reluAndClose(y);
                y = conv3.forwardWithBn(ps, bn3, b, training);
                b.close();
            }
            if (downsample == null) {
                y.addi(x);
            } else {
                NDArray shortcut = ((Conv2d) downsample.get(0)).forwardWithBn(ps, (BatchNorm2d) downsample.get(1), x, training);
                y.addi(shortcut);
                shortcut.close();
            }
            return reluAndClose(y);
        }
    }
}
