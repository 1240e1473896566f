package dev.graft.zoo.convnext;

import dev.graft.zoo.ModelFamily;
import dev.graft.zoo.PretrainedCfg;
import dev.graft.zoo.Zoo;
import java.util.List;

/**
 * The ConvNeXt family's catalogue, as timm names it. No ImageNet weights can be fetched here, so
 * the family registers no tags of its own; weights come from a source (a timm state dict as
 * safetensors, a local folder, the hub) or from {@code GRAFT_HOME/weights/<arch>.<tag>/}.
 */
public final class ConvNeXts implements ModelFamily {
    /** Created by the zoo through {@link java.util.ServiceLoader}. */
    public ConvNeXts() {}

    /** Registers the family's architectures (called by the zoo once). */
    @Override
    public void register() {
        register("convnext_tiny", new int[] {3, 3, 9, 3}, new int[] {96, 192, 384, 768});
        register("convnext_small", new int[] {3, 3, 27, 3}, new int[] {96, 192, 384, 768});
        register("convnext_base", new int[] {3, 3, 27, 3}, new int[] {128, 256, 512, 1024});
        // timm's weights on the Hub, in timm's order (ImageNet-12k fine-tunes crop at 0.95).
        List<PretrainedCfg> tags = new java.util.ArrayList<>();
        for (String arch : List.of("convnext_tiny", "convnext_small", "convnext_base")) {
            PretrainedCfg d = Zoo.architecture(arch).defaultCfg();
            if (!arch.equals("convnext_base")) {
                tags.add(d.timmHubTag("in12k_ft_in1k", "apache-2.0", 224, "bicubic", 0.95));
            }
            tags.add(d.timmHubTag("fb_in22k_ft_in1k", "apache-2.0", 224, "bicubic", 0.875));
            tags.add(d.timmHubTag("fb_in1k", "apache-2.0", 224, "bicubic", 0.875));
        }
        Zoo.registerTimmHubTags(tags);
    }

    /** timm's ConvNeXt defaults: 3x224x224, bicubic, crop 0.875, ImageNet mean/std, average pooling. */
    private static void register(String arch, int[] depths, int[] dims) {
        PretrainedCfg cfg = new PretrainedCfg(arch, null, 1000, dims[dims.length - 1], null, List.of(3, 224, 224), "bicubic", 0.875,
                List.of(0.485, 0.456, 0.406), List.of(0.229, 0.224, 0.225), "stem.0", "head.fc", null, null, null).withGlobalPool("avg");
        Zoo.register(arch, "convnext", cfg, (c, a) -> new ConvNeXt(c, a, depths, dims));
    }
}
