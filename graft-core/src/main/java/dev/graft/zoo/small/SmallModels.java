package dev.graft.zoo.small;

import dev.graft.zoo.PretrainedCfg;
import dev.graft.zoo.Zoo;
import dev.graft.zoo.resnet.ResNet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Small models for 28x28 images (MNIST-sized), quick to train on two cores, and their catalogue
 * tags. The tagged weights are trained by Graft itself ({@code graft pretrain}) since no pretrained
 * weights can be downloaded here; they are stored under {@code GRAFT_HOME/weights/<arch>.<tag>/}.
 */
public final class SmallModels {
    private SmallModels() {}

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
    }
}
