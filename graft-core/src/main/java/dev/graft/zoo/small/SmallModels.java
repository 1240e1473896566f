package dev.graft.zoo.small;

import dev.graft.zoo.ModelFamily;
import dev.graft.zoo.PretrainedCfg;
import dev.graft.zoo.ShippedWeights;
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
public final class SmallModels implements ModelFamily {
    /** Created by the zoo through {@link java.util.ServiceLoader}. */
    public SmallModels() {}

    /**
     * The sha256 of every shipped file of each tag, as {@code bench/shipped-weights.sh} prints them;
     * a remade file needs its new sum here.
     */
    static final Map<String, Map<String, String>> SHIPPED = Map.of(
            "small_cnn.graft_mnist", files(
                    "1767f841f9a2a45caa098c2e4390a24c1e08f54fca9419aa3f52d29ba642f5cb",
                    "0f3a2c20d04e6ae800015e0406297c2a0ae21ec9c3b880a1c045765dba0f3fe5",
                    "ecaadf926dc0562a1baee2a4da3bf8939e1daaa28093cc23223e76e400e18ca2",
                    "5ffd603d6915f7ea19e7bda7e42483813b966d19f5c2d989a8526d1c14025a05"),
            "small_cnn.graft_fashion_mnist", files(
                    "50a6a21b3690aa4e3a6d285161a1517f5cbbee494eab51694dc674c06c0c7b37",
                    "3a737ac86ee0cd30926de92f61a1cae56583b0f8f170371bfe5347fccf39acf6",
                    "2dc27e537a9c99e4a65e558b054a4e763fbe25f3d5905af8be23e9668d4061da",
                    "3192fe8e68be1b289104b3631c3b5a771c9b7543437dcac560a65551e701aa98"),
            "small_resnet.graft_mnist", files(
                    "286fbec09de5ae068907d451042568115b34fc34e6c24d50d7126d2f7cc9a4f2",
                    "8556feb566cc78e922aeeddc617380c3c837abbb5c386ca0a9fb982d3ac2c889",
                    "9f23851e10ebb2e11d9ed9033f4b933b2d1c46ef89b369fd3b9dd6ebdb96cdbb",
                    "1f91e2c7b593a35d9c779f8454f716555e5bac4ade6eb6f27c4628a7a7e37f44"),
            "small_resnet.graft_fashion_mnist", files(
                    "773548532523b647af289458cb386da9cca0efa9c878bed6a0901560c61e4201",
                    "c843cf2f95a28ade8a891bc5fbdabef65b884bb8aa9665edf1043dfc31216b49",
                    "7a470929179e9a9f8921aa0fc20b181d80d09ae83cb24f5e22d0fbe0cc516279",
                    "96bd9c83373d31d1515d0951d5c3f9a398f881885a3d69684ea38f0712f09bb7"));

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
                List.of(0.1307), List.of(0.3081), firstConv, "fc", null, null, null).withGlobalPool("avg");
    }

    static PretrainedCfg tagged(PretrainedCfg base, String tag, String data, String dataLicense, List<String> labels,
            List<Double> mean, List<Double> std) {
        PretrainedCfg c = new PretrainedCfg(base.architecture(), tag, 10, base.numFeatures(), labels, base.inputSize(),
                base.interpolation(), base.cropPct(), mean, std, base.firstConv(), base.classifier(), "apache-2.0",
                "trained by Graft on " + data,
                Map.of("dataset", data, "notes", "weights trained by Graft, apache-2.0; the " + data + " data set itself is " + dataLicense,
                        "recipe", recipe(base.architecture(), tag)));
        return c;
    }

    /** How Graft's {@code graft_<data>} weights are made, recorded in their provenance as Pretrain records it. */
    private static String recipe(String arch, String tag) {
        return "graft pretrain --model " + arch + " --data " + Zoo.pretrainData(arch + "." + tag);
    }

    /** Registers the family's architectures and tags (called by the zoo once). */
    @Override
    public void register() {
        PretrainedCfg cnn = base("small_cnn", 128, "stem.conv");
        PretrainedCfg res = base("small_resnet", 64, "conv1");
        Zoo.register("small_cnn", "small", cnn, SmallCnn::new);
        // Prototypical Networks' embedding, for 3x64x64 images (the emoji styles) scaled to [-1, 1]
        Zoo.register("conv4", "small", new PretrainedCfg("conv4", null, 0, Conv4.WIDTH, null, List.of(3, 64, 64), "bilinear", 1.0,
                List.of(0.5, 0.5, 0.5), List.of(0.5, 0.5, 0.5), "encoder.0.0", "fc", null, null, null).withGlobalPool("avg"), Conv4::new);
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
