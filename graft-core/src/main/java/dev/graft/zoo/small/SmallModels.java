package dev.graft.zoo.small;

import dev.graft.weights.ShippedWeights;
import dev.graft.zoo.PretrainedCfg;
import dev.graft.zoo.Zoo;
import dev.graft.zoo.resnet.ResNet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Small models for 28x28 images (MNIST-sized), quick to train on two cores, and their catalogue
 * tags. The tagged weights were trained by Graft itself ({@code graft pretrain}, remade by
 * {@code bench/shipped-weights.sh}) and ship inside Graft (module {@code graft-weights}); on first
 * use they are copied into {@code GRAFT_HOME/weights/<arch>.<tag>/}, each file checked against the
 * sha256 below.
 */
public final class SmallModels {
    private SmallModels() {}

    /**
     * The sha256 of every shipped file of each tag, as {@code bench/shipped-weights.sh} prints them;
     * a remade file needs its new sum here.
     */
    static final Map<String, Map<String, String>> SHIPPED = Map.of(
            "small_cnn.graft_mnist", files(
                    "1767f841f9a2a45caa098c2e4390a24c1e08f54fca9419aa3f52d29ba642f5cb",
                    "0f3a2c20d04e6ae800015e0406297c2a0ae21ec9c3b880a1c045765dba0f3fe5",
                    "ecaadf926dc0562a1baee2a4da3bf8939e1daaa28093cc23223e76e400e18ca2",
                    "5ffd603d6915f7ea19e7bda7e42483813b966d19f5c2d989a8526d1c14025a05"));

    private static Map<String, String> files(String model, String config, String stats, String card) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("model.safetensors", model);
        m.put("config.json", config);
        m.put("feature_stats.safetensors", stats);
        m.put("README.md", card);
        return m;
    }

    private static final List<String> DIGITS = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
    private static final List<String> FASHION = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** Grey 1x28x28 input in [0, 1] normalised with MNIST's mean/std; 10 classes. */
    static PretrainedCfg base(String arch, int numFeatures, String firstConv) {
        return new PretrainedCfg(arch, null, 10, numFeatures, null, List.of(1, 28, 28), "bilinear", 1.0,
                List.of(0.1307), List.of(0.3081), firstConv, "fc", null, null, null);
    }

    static PretrainedCfg tagged(PretrainedCfg base, String tag, String data, String dataLicense, List<String> labels,
            List<Double> mean, List<Double> std) {
        PretrainedCfg c = new PretrainedCfg(base.architecture(), tag, 10, base.numFeatures(), labels, base.inputSize(),
                base.interpolation(), base.cropPct(), mean, std, base.firstConv(), base.classifier(), "apache-2.0",
                "trained by Graft on " + data,
                Map.of("dataset", data, "notes", "weights trained by Graft, apache-2.0; the " + data + " data set itself is " + dataLicense,
                        "recipe", Zoo.pretrainCommand(base.architecture() + "." + tag)));
        return c;
    }

    public static void register() {
        PretrainedCfg cnn = base("small_cnn", 128, "stem.conv");
        PretrainedCfg res = base("small_resnet", 64, "conv1");
        Zoo.register("small_cnn", "small", cnn, SmallCnn::new);
        Zoo.register("small_resnet", "small", res, (c, a) -> new ResNet(c, a, ResNet.BlockType.BASIC, ResNet.Stem.SMALL,
                new int[] {16, 32, 64}, new int[] {1, 1, 1}));
        List<Double> mnistMean = List.of(0.1307);
        List<Double> mnistStd = List.of(0.3081);
        List<Double> fashionMean = List.of(0.2860);
        List<Double> fashionStd = List.of(0.3530);
        Map<String, PretrainedCfg> cfgs = new LinkedHashMap<>();
        cfgs.put("small_cnn.graft_mnist", tagged(cnn, "graft_mnist", "MNIST", "CC BY-SA 3.0", DIGITS, mnistMean, mnistStd));
        cfgs.put("small_cnn.graft_fashion_mnist", tagged(cnn, "graft_fashion_mnist", "Fashion-MNIST", "MIT-licensed (Zalando Research)", FASHION, fashionMean, fashionStd));
        cfgs.put("small_resnet.graft_mnist", tagged(res, "graft_mnist", "MNIST", "CC BY-SA 3.0", DIGITS, mnistMean, mnistStd));
        cfgs.put("small_resnet.graft_fashion_mnist", tagged(res, "graft_fashion_mnist", "Fashion-MNIST", "MIT-licensed (Zalando Research)", FASHION, fashionMean, fashionStd));
        Zoo.registerPretrained(cfgs);
        SHIPPED.forEach((name, sha256) -> Zoo.registerShippedWeights(new ShippedWeights(name, sha256)));
    }
}
