package dev.graft.examples;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import dev.graft.data.Batch;
import dev.graft.data.DataLoader;
import dev.graft.data.DataSplits;
import dev.graft.data.DatasetSource;
import dev.graft.data.Datasets;
import dev.graft.data.ImageData;
import dev.graft.data.Splits;
import dev.graft.data.transform.Transform;
import dev.graft.data.transform.Transforms;
import dev.graft.train.GroupedOptimizer;
import dev.graft.train.Losses;
import dev.graft.train.ModelInput;
import dev.graft.train.ModelParts;
import dev.graft.train.OptimizerKind;
import dev.graft.train.Strategy;
import dev.graft.train.TensorSet;
import dev.graft.train.TrainConfig;
import dev.graft.train.loop.Loop;
import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.PretrainedCfg;
import dev.graft.zoo.Zoo;

/**
 * The data API of {@code docs/data.md}: loading built-in and user data sets, splits, fitting images
 * to a model's input, and batching with seeded shuffles and transforms. Needs {@code mnist} and
 * {@code digits} once ({@code graft data get mnist}, {@code graft data get digits}).
 */
public final class DataTour {
    private DataTour() {}

    public static void main(String[] args) {
        long seed = 42;
        GraftModel model = Zoo.create("small_cnn.graft_mnist", CreateOptions.defaults().withPretrained(true));
        try (NDManager manager = NDManager.newBaseManager()) {
            atAGlance(model, manager, seed);
            splits(Datasets.load("digits", seed).train(), seed);
            modelInput(Datasets.load("digits", seed), model, manager, new int[] {0, 1, 2});
            GraftModel rgb = Zoo.create("resnet18", CreateOptions.defaults().withNumClasses(10));
            batching(Datasets.load("mnist", seed), rgb, rgb.cfg(), manager, seed, 1);
        }
    }

    static void atAGlance(GraftModel model, NDManager manager, long seed) {
        // example:begin glance
        DataSplits s = Datasets.load("mnist", seed);            // or "folder:DIR?size=64x64", "idx:DIR", "csv:FILE"
        ImageData train = s.train();                            // s.validation(), s.test()
        train.size(); train.numClasses(); train.classNames(); train.countsPerClass();
        NDArray x = train.images(manager, new int[] {0, 1});   // 2 x C x H x W float32 in [0, 1]
        DatasetSource src = Datasets.source("fashion-mnist");  // isCached(), fetch(), load(seed, validationFraction)
        Transform t = Transforms.evalFor(model.cfg());         // resize/crop/normalise as the weights expect
        DataLoader loader = DataLoader.of(train).withBatchSize(128).withShuffle(seed).withTransform(t);
        ImageData ready = Transforms.applyAll(s.test(), t, 0); // a deterministic transform applied once
        // example:end glance
        System.out.println(x.getShape() + ", " + src.name() + ", " + loader.numBatches() + " batches, " + ready.size() + " test images");
    }

    static void splits(ImageData data, long seed) {
        // example:begin splits
        DataSplits s = Datasets.load("mnist", seed);                 // 54,000 / 6,000 / 10,000
        DataSplits whole = Datasets.source("mnist").load(seed, 0.0); // official 60,000 / 10,000, no validation
        Splits.Part p = Splits.stratified(data, 0.25, seed, "kept", "held-out");
        // example:end splits
        System.out.println(s.validation().size() + " / " + whole.train().size() + " / " + p.heldOut().size());
    }

    static void modelInput(DataSplits digits, GraftModel model, NDManager nd, int[] idx) {
        // example:begin model-input
        TensorSet x = ModelInput.prepare(digits.train(), model.cfg());     // resized, converted, normalised
        String line = ModelInput.describe(digits.train(), 0, model.cfg()); // "digits 8x8 -> 28x28 bilinear, 1 channel"
        ImageData same = ModelInput.shape(digits.train(), model.cfg());    // size and channels only, still in [0, 1]
        NDArray batch = ModelInput.normalize(same.images(nd, idx), model.cfg());  // per batch, as adapt and multitask do
        // example:end model-input
        System.out.println(line + ": " + x.size() + " samples, batch " + batch.getShape());
    }

    static void batching(DataSplits splits, GraftModel model, PretrainedCfg cfg, NDManager manager, long seed, int epochs) {
        ParameterStore ps = new ParameterStore(manager, false);
        // example:begin batching
        DataLoader loader = DataLoader.of(splits.train())
                .withBatchSize(128)
                .withShuffle(seed)                                    // a new seeded permutation every epoch
                .withTransform(Transforms.compose(Transforms.grayscaleToRgb(), Transforms.resize(32, 32),
                        Transforms.randomCrop(32, 32, 4), Transforms.normalize(cfg)));
        GroupedOptimizer sgd = new GroupedOptimizer(OptimizerKind.SGD, 0.9, ModelParts.trainable(model, Strategy.FULL, TrainConfig.defaults()));
        new Loop(sgd, loader, c -> {                                       // the loader is the loop's batch source
            Batch b = loader.batch(c.manager(), c.epoch(), c.batch());     // transformed now, freed with the step
            NDArray logits = model.forward(c.parameters(), b.x(), true);   // b.x(): N x C x H x W float32
            return Losses.crossEntropy(logits, b.y(), 0.0);                // b.y(): N int32 labels
        }).withEpochs(epochs).withSchedule(step -> 0.01).run(Loop.Position.START);
        try (DataLoader.Epoch batches = loader.epoch(manager, 0)) {        // by hand, prepared on a background thread
            for (Batch b : batches) {
                try (b) {
                    NDArray logits = model.forward(ps, b.x(), false);
                    System.out.println(logits.argMax(1).toType(DataType.INT32, false).eq(b.y()).sum().getInt()); // copy out what outlives the batch
                }
            }
        }
        // example:end batching
    }
}
