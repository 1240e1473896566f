package dev.graft.zoo.vit;

import dev.graft.zoo.ModelFamily;
import dev.graft.zoo.PretrainedCfg;
import dev.graft.zoo.Zoo;
import java.util.List;

/**
 * The ViT family's catalogue (timm's names and defaults): one line per variant, plus the
 * transformers layout ({@link TransformersViT}). No weights can be fetched here, so no tags are
 * registered; torchvision, timm or transformers checkpoints load through a source.
 */
public final class VisionTransformers implements ModelFamily {
    /** Created by the zoo through {@link java.util.ServiceLoader}. */
    public VisionTransformers() {}

    /** Registers the family's architectures and tags (called by the zoo once). */
    @Override
    public void register() {
        register("vit_tiny_patch16_224", 192, 3);
        register("vit_small_patch16_224", 384, 6);
        register("vit_base_patch16_224", 768, 12);
        // timm's weights on the Hub, in timm's order.
        List<PretrainedCfg> tags = new java.util.ArrayList<>();
        for (String arch : List.of("vit_tiny_patch16_224", "vit_small_patch16_224")) {
            tags.add(Zoo.architecture(arch).defaultCfg().timmHubTag("augreg_in21k_ft_in1k", "apache-2.0", 224, "bicubic", 0.9));
        }
        PretrainedCfg base = Zoo.architecture("vit_base_patch16_224").defaultCfg();
        tags.add(base.timmHubTag("augreg2_in21k_ft_in1k", "apache-2.0", 224, "bicubic", 0.9));
        tags.add(base.timmHubTag("augreg_in21k_ft_in1k", "apache-2.0", 224, "bicubic", 0.9));
        Zoo.registerTimmHubTags(tags);
        TransformersViT.register();
    }

    /**
     * A 12-block ViT with 16x16 patches, {@code dim}-wide tokens and {@code heads} attention heads,
     * and timm's ViT defaults: 3x224x224, bicubic, crop 0.9, mean/std 0.5 ("inception" normalisation).
     */
    private static void register(String arch, int dim, int heads) {
        PretrainedCfg cfg = new PretrainedCfg(arch, null, 1000, dim, null, List.of(3, 224, 224), "bicubic", 0.9,
                List.of(0.5, 0.5, 0.5), List.of(0.5, 0.5, 0.5), "patch_embed.proj", "head", null, null, null).withGlobalPool("token");
        Zoo.register(arch, "vit", cfg, (c, a) -> new VisionTransformer(c, a, 16, dim, 12, heads));
    }
}
