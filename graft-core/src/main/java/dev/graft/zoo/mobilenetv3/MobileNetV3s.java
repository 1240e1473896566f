package dev.graft.zoo.mobilenetv3;

import dev.graft.zoo.ModelFamily;
import dev.graft.zoo.PretrainedCfg;
import dev.graft.zoo.Zoo;
import java.util.List;

/**
 * The MobileNetV3 family's catalogue, as timm names it. No ImageNet weights can be fetched here,
 * so the family registers no tags; weights come from a source (a timm state dict as safetensors, a
 * local folder, the hub) or from {@code GRAFT_HOME/weights/<arch>.<tag>/}.
 */
public final class MobileNetV3s implements ModelFamily {
    /** Created by the zoo through {@link java.util.ServiceLoader}. */
    public MobileNetV3s() {}

    /** Registers the family's architectures (called by the zoo once). */
    @Override
    public void register() {
        register("mobilenetv3_large_100", MobileNetV3.LARGE, 1280);
        register("mobilenetv3_small_100", MobileNetV3.SMALL, 1024);
        // timm's weights on the Hub, in timm's order.
        Zoo.registerTimmHubTags(List.of(
                Zoo.architecture("mobilenetv3_large_100").defaultCfg().timmHubTag("ra_in1k", "apache-2.0", 224, "bicubic", 0.875),
                Zoo.architecture("mobilenetv3_small_100").defaultCfg().timmHubTag("lamb_in1k", "apache-2.0", 224, "bicubic", 0.875)));
    }

    /** timm's MobileNetV3 defaults: 3x224x224, bicubic, crop 0.875, ImageNet mean/std. */
    private static void register(String arch, String[][] def, int headChs) {
        PretrainedCfg cfg = new PretrainedCfg(arch, null, 1000, headChs, null, List.of(3, 224, 224), "bicubic", 0.875,
                List.of(0.485, 0.456, 0.406), List.of(0.229, 0.224, 0.225), "conv_stem", "classifier", null, null, null)
                .withGlobalPool("avg");
        Zoo.register(arch, "mobilenetv3", cfg, (c, a) -> new MobileNetV3(c, a, def, headChs));
    }
}
