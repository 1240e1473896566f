package dev.graft.zoo.efficientnet;

import dev.graft.zoo.ModelFamily;
import dev.graft.zoo.PretrainedCfg;
import dev.graft.zoo.Zoo;
import java.util.List;

/**
 * The EfficientNet family's catalogue, as timm names it: b0 to b3 with their width and depth
 * multipliers and timm's default input sizes. No ImageNet weights can be fetched here, so the
 * family registers no tags; weights come from a source (a timm state dict as safetensors, a local
 * folder, the hub) or from {@code GRAFT_HOME/weights/<arch>.<tag>/}.
 */
public final class EfficientNets implements ModelFamily {
    /** Created by the zoo through {@link java.util.ServiceLoader}. */
    public EfficientNets() {}

    /** Registers the family's architectures (called by the zoo once). */
    @Override
    public void register() {
        register("efficientnet_b0", 1.0, 1.0, 224, 0.875);
        register("efficientnet_b1", 1.0, 1.1, 240, 1.0);
        register("efficientnet_b2", 1.1, 1.2, 256, 1.0);
        register("efficientnet_b3", 1.2, 1.4, 288, 1.0);
        // timm's weights on the Hub (its default crop 0.875 unless a tag says otherwise).
        Zoo.registerTimmHubTags(List.of(
                tag("efficientnet_b0", "ra_in1k", 224), tag("efficientnet_b1", "ft_in1k", 224),
                tag("efficientnet_b2", "ra_in1k", 256), tag("efficientnet_b3", "ra2_in1k", 288)));
    }

    private static PretrainedCfg tag(String arch, String tag, int size) {
        return Zoo.architecture(arch).defaultCfg().timmHubTag(tag, "apache-2.0", size, "bicubic", 0.875);
    }

    /** timm's EfficientNet defaults: bicubic, ImageNet mean/std, first conv {@code conv_stem}, classifier {@code classifier}. */
    private static void register(String arch, double width, double depth, int size, double crop) {
        PretrainedCfg cfg = new PretrainedCfg(arch, null, 1000, BlockArgs.roundChannels(1280, width), null, List.of(3, size, size),
                "bicubic", crop, List.of(0.485, 0.456, 0.406), List.of(0.229, 0.224, 0.225), "conv_stem", "classifier", null, null, null)
                .withGlobalPool("avg");
        Zoo.register(arch, "efficientnet", cfg, (c, a) -> new EfficientNet(c, a, width, depth));
    }
}
