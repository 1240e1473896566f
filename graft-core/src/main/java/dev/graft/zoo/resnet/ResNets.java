package dev.graft.zoo.resnet;

import dev.graft.zoo.ModelFamily;
import dev.graft.zoo.PretrainedCfg;
import dev.graft.zoo.Zoo;
import dev.graft.zoo.resnet.ResNet.BlockType;
import dev.graft.zoo.resnet.ResNet.Stem;
import java.util.List;

/**
 * The ResNet family's catalogue: one line per variant. No ImageNet weights can be fetched here, so
 * the family registers no tags of its own; weights come from a source (a torchvision or timm
 * state dict as safetensors, a local folder, the hub) or from {@code GRAFT_HOME/weights/<arch>.<tag>/}.
 */
public final class ResNets implements ModelFamily {
    /** Created by the zoo through {@link java.util.ServiceLoader}. */
    public ResNets() {}

    /** ImageNet defaults (timm's resnet cfg): 3x224x224, bilinear, crop 0.875, ImageNet mean/std. */
    static PretrainedCfg imagenet(String arch, int numFeatures) {
        return new PretrainedCfg(arch, null, 1000, numFeatures, null, List.of(3, 224, 224), "bilinear", 0.875,
                List.of(0.485, 0.456, 0.406), List.of(0.229, 0.224, 0.225), "conv1", "fc", null, null, null).withGlobalPool("avg");
    }

    /** Registers the family's architectures and tags (called by the zoo once). */
    @Override
    public void register() {
        Zoo.register("resnet18", "resnet", imagenet("resnet18", 512),
                (c, a) -> new ResNet(c, a, BlockType.BASIC, Stem.IMAGENET, new int[] {64, 128, 256, 512}, new int[] {2, 2, 2, 2}));
        Zoo.register("resnet34", "resnet", imagenet("resnet34", 512),
                (c, a) -> new ResNet(c, a, BlockType.BASIC, Stem.IMAGENET, new int[] {64, 128, 256, 512}, new int[] {3, 4, 6, 3}));
        Zoo.register("resnet50", "resnet", imagenet("resnet50", 2048),
                (c, a) -> new ResNet(c, a, BlockType.BOTTLENECK, Stem.IMAGENET, new int[] {64, 128, 256, 512}, new int[] {3, 4, 6, 3}));
        Zoo.register("resnet101", "resnet", imagenet("resnet101", 2048),
                (c, a) -> new ResNet(c, a, BlockType.BOTTLENECK, Stem.IMAGENET, new int[] {64, 128, 256, 512}, new int[] {3, 4, 23, 3}));
    }
}
