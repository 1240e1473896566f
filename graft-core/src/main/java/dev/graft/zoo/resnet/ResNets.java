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

    /** Registers the family's architectures and tags (called by the zoo once). */
    @Override
    public void register() {
        register("resnet18", BlockType.BASIC, 2, 2, 2, 2);
        register("resnet34", BlockType.BASIC, 3, 4, 6, 3);
        register("resnet50", BlockType.BOTTLENECK, 3, 4, 6, 3);
        register("resnet101", BlockType.BOTTLENECK, 3, 4, 23, 3);
        // timm's weights on the Hub, in timm's order: the RSB recipe (bicubic, crop 0.95) first, then torchvision's.
        List<PretrainedCfg> tags = new java.util.ArrayList<>();
        for (String arch : List.of("resnet18", "resnet34", "resnet50", "resnet101")) {
            PretrainedCfg d = Zoo.architecture(arch).defaultCfg();
            if (arch.equals("resnet101")) {
                tags.add(d.timmHubTag("a1h_in1k", "apache-2.0", 224, "bicubic", 0.95));
            }
            tags.add(d.timmHubTag("a1_in1k", "apache-2.0", 224, "bicubic", 0.95));
            tags.add(d.timmHubTag("tv_in1k", "bsd-3-clause", 224, "bilinear", 0.875));
        }
        Zoo.registerTimmHubTags(tags);
    }

    /**
     * An ImageNet ResNet with {@code depths} blocks in its four stages of 64, 128, 256 and 512 base
     * channels, and timm's resnet defaults: 3x224x224, bilinear, crop 0.875, ImageNet mean/std.
     */
    private static void register(String arch, BlockType block, int... depths) {
        int[] widths = {64, 128, 256, 512};
        PretrainedCfg cfg = new PretrainedCfg(arch, null, 1000, widths[3] * block.expansion, null, List.of(3, 224, 224),
                "bilinear", 0.875, List.of(0.485, 0.456, 0.406), List.of(0.229, 0.224, 0.225), "conv1", "fc", null, null, null).withGlobalPool("avg");
        Zoo.register(arch, "resnet", cfg, (c, a) -> new ResNet(c, a, block, Stem.IMAGENET, widths, depths));
    }
}
