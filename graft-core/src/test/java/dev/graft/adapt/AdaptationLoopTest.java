package dev.graft.adapt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import dev.graft.GraftException;
import dev.graft.data.ImageData;
import dev.graft.data.transform.Transforms;
import dev.graft.engine.Engines;
import dev.graft.zoo.FeatureInfo;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.ParamGroup;
import dev.graft.zoo.PretrainedCfg;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("numerics")
class AdaptationLoopTest {
    @BeforeAll
    static void engine() {
        Engines.pytorch();
    }

    /** Class k = a bright horizontal bar in band k; the target domain adds a grey background and noise. */
    static ImageData bars(String name, int n, boolean shifted, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] px = new float[n * 28 * 28];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int k = i % 3;
            labels[i] = k;
            int top = 3 + k * 8 + rng.nextInt(3);
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    float v = (y >= top && y < top + 4 && x > 3 && x < 24) ? 1f : 0f;
                    if (shifted) {
                        v = Math.min(1f, 0.3f + 0.6f * v + (float) rng.nextDouble() * 0.2f);
                    }
                    px[i * 784 + y * 28 + x] = v;
                }
            }
        }
        return new ImageData(name, List.of("a", "b", "c"), 1, 28, 28, px, labels);
    }

    private static AdaptationResult run(String method, long seed, int epochs, int iters) {
        DomainAdaptation.seed(seed);
        try (NDManager nd = NDManager.newBaseManager()) {
            LeNet model = LeNet.create(nd, 1, 3);
            return DomainAdaptation.method(method, AdaptOptions.defaults().withEpochs(epochs).withIterationsPerEpoch(iters)
                            .withBatchSize(8).withDiscriminatorHidden(16).withSeed(seed))
                    .withModel(model)
                    .withSource(bars("src", 30, false, 1), bars("src-eval", 12, false, 2))
                    .withTarget(bars("tgt", 30, true, 3), bars("tgt-eval", 12, true, 4))
                    .run();
        }
    }

    @Test
    void sameSeedGivesTheSameRun() {
        for (String method : List.of("cdan-e", "dan")) {
            AdaptationResult a = run(method, 5, 1, 2);
            AdaptationResult b = run(method, 5, 1, 2);
            assertEquals(a.epochs().size(), b.epochs().size());
            for (int i = 0; i < a.epochs().size(); i++) {
                assertEquals(a.epochs().get(i).classificationLoss(), b.epochs().get(i).classificationLoss(), 0.0, method);
                assertEquals(a.epochs().get(i).transferLoss(), b.epochs().get(i).transferLoss(), 0.0, method);
                assertTrue(a.epochs().get(i).transferLoss() != 0.0, method + " adds a transfer loss");
            }
            assertEquals(a.targetAccuracy(), b.targetAccuracy(), 0.0, method);
        }
    }

    @Test
    void sourceOnlyLearnsTheSource() {
        AdaptationResult r = run("source-only", 1, 1, 20);
        assertTrue(r.epochs().get(0).classificationLoss() < Math.log(3), "mean loss below chance: " + r.epochs());
        assertEquals(1.0, r.sourceAccuracy(), 1e-9, "bars are separable");
    }

    @Test
    void domainsOfDifferentSizesAndChannelsAreBroughtToTheModelsInput() {
        // target: the bars at 14x14 in colour; LeNet takes 1x28x28, so ModelInput resizes and averages the channels
        ImageData small = Transforms.applyAll(bars("tgt", 30, true, 3), Transforms.compose(Transforms.resize(14, 14), Transforms.grayscaleToRgb()), 0);
        ImageData smallEval = Transforms.applyAll(bars("tgt-eval", 12, true, 4), Transforms.compose(Transforms.resize(14, 14), Transforms.grayscaleToRgb()), 0);
        for (String method : List.of("dann", "adabn")) {
            DomainAdaptation.seed(6);
            try (NDManager nd = NDManager.newBaseManager()) {
                AdaptationResult r = DomainAdaptation.method(method, AdaptOptions.defaults().withEpochs(1).withIterationsPerEpoch(3)
                                .withBatchSize(8).withDiscriminatorHidden(16).withSeed(6))
                        .withModel(LeNet.create(nd, 1, 3))
                        .withSource(bars("src", 30, false, 1), bars("src-eval", 12, false, 2))
                        .withTarget(small, smallEval)
                        .run();
                assertTrue(Double.isFinite(r.epochs().get(0).transferLoss()), method);
                assertTrue(r.targetAccuracy() >= 0 && r.targetAccuracy() <= 1, method);
            }
        }
        try (NDManager nd = NDManager.newBaseManager()) {
            ProxyADistance.Result pad = ProxyADistance.measure(LeNet.create(nd, 1, 3), bars("a", 40, false, 5), small, 30, 1);
            assertTrue(pad.distance() >= 0 && pad.distance() <= 2, "differently sized sets compare: " + pad.distance());
        }
    }

    @Test
    void unknownMethodAndMismatchedClassesAreExplained() {
        GraftException e = assertThrows(GraftException.class, () -> DomainAdaptation.method("adda", AdaptOptions.defaults()));
        assertTrue(e.fix().contains("dann"), e.fix());
        try (NDManager nd = NDManager.newBaseManager()) {
            LeNet model = LeNet.create(nd, 1, 10);
            DomainAdaptation da = DomainAdaptation.method("dann", AdaptOptions.defaults())
                    .withModel(model)
                    .withSource(bars("src", 6, false, 1), bars("src", 6, false, 1))
                    .withTarget(bars("tgt", 6, true, 1), bars("tgt", 6, true, 1));
            assertThrows(GraftException.class, da::run);
        }
    }

    @Test
    void adaBnSetsStatisticsToTheTargetMeanAndVariance() {
        try (NDManager nd = NDManager.newBaseManager()) {
            BnProbe probe = new BnProbe(nd);
            ImageData target = bars("tgt", 24, true, 9);
            AdaBN.adapt(probe, target, 24);
            double[] mean = new double[1];
            double n = target.pixels().length;
            for (float v : target.pixels()) {
                mean[0] += v / n;
            }
            double var = 0;
            for (float v : target.pixels()) {
                var += (v - mean[0]) * (v - mean[0]) / (n - 1);
            }
            assertEquals(mean[0], probe.stateDict().get("bn.running_mean").getArray().getFloat(0), 1e-5);
            assertEquals(var, probe.stateDict().get("bn.running_var").getArray().getFloat(0), 1e-5);

            // Two batches: the average of the per-batch statistics.
            AdaBN.adapt(probe, target, 12);
            double m1 = 0;
            double m2 = 0;
            int half = target.pixels().length / 2;
            for (int i = 0; i < half; i++) {
                m1 += target.pixels()[i] / (double) half;
                m2 += target.pixels()[half + i] / (double) half;
            }
            assertEquals((m1 + m2) / 2, probe.stateDict().get("bn.running_mean").getArray().getFloat(0), 1e-5);
        }
    }

    @Test
    void adaBnChangesOnlyBatchNormBuffersOfLeNet() {
        try (NDManager nd = NDManager.newBaseManager()) {
            DomainAdaptation.seed(2);
            LeNet model = LeNet.create(nd, 1, 3);
            float[] conv = model.stateDict().get("conv1.weight").getArray().toFloatArray();
            float[] before = model.stateDict().get("bn2.running_mean").getArray().toFloatArray();
            assertEquals(4, AdaBN.adapt(model, bars("tgt", 20, true, 3), 8));
            assertArrayEquals(conv, model.stateDict().get("conv1.weight").getArray().toFloatArray(), 0f);
            float[] after = model.stateDict().get("bn2.running_mean").getArray().toFloatArray();
            assertTrue(Math.abs(after[0] - before[0]) > 1e-4, "running mean moved to the target");
        }
    }

    @Test
    void zooModelsAdaptAndTheirBatchNormIsReEstimated() {
        DomainAdaptation.seed(4);
        try (NDManager nd = NDManager.newBaseManager()) {
            GraftModel model = AdaptModels.create("small_cnn", nd, 1, 3);
            AdaptationResult r = DomainAdaptation.method("adabn", AdaptOptions.defaults().withEpochs(1).withIterationsPerEpoch(2)
                            .withBatchSize(4).withSeed(4))
                    .withModel(model)
                    .withSource(bars("src", 12, false, 1), bars("src-eval", 6, false, 2))
                    .withTarget(bars("tgt", 12, true, 3), bars("tgt-eval", 6, true, 4))
                    .run();
            assertEquals(1, r.epochs().size());
            assertTrue(!Double.isNaN(r.targetAccuracyBeforeAdaBN()));
            String key = model.stateDict().keySet().stream().filter(k -> k.endsWith("running_mean")).findFirst().orElseThrow();
            float[] before = model.stateDict().get(key).getArray().toFloatArray();
            AdaBN.adapt(model, bars("other", 12, false, 8), 6);
            float[] after = model.stateDict().get(key).getArray().toFloatArray();
            assertTrue(Math.abs(after[0] - before[0]) > 1e-6, key + " moved to the new images' statistics");
        }
    }

    /** A model that is one BatchNorm over the input, so its statistics can be checked by hand. */
    private static final class BnProbe implements GraftModel {
        private final BatchNorm bn = BatchNorm.builder().build();

        BnProbe(NDManager nd) {
            bn.initialize(nd, DataType.FLOAT32, new Shape(2, 1, 28, 28));
        }

        @Override public String name() { return "bn-probe"; }
        @Override public PretrainedCfg cfg() { return new PretrainedCfg("bn-probe", null, 0, 1, null, null, null, 1, null, null, null, null, null, null, null); }
        @Override public Block block() { return bn; }
        @Override public NDArray forwardFeatures(ParameterStore ps, NDArray x, boolean training) {
            return bn.forward(ps, new NDList(x), training).singletonOrThrow();
        }
        @Override public NDArray forwardHead(ParameterStore ps, NDArray f, boolean training, boolean preLogits) { return f; }
        @Override public NDList forwardIntermediates(ParameterStore ps, NDArray x, int[] indices, boolean training) { return new NDList(); }
        @Override public void resetClassifier(int numClasses) {}
        @Override public int numClasses() { return 0; }
        @Override public int numFeatures() { return 1; }
        @Override public List<ParamGroup> groupMatcher() { return List.of(); }
        @Override public List<FeatureInfo> featureInfo() { return List.of(); }
        @Override public Map<String, Parameter> stateDict() {
            Map<String, Parameter> m = new java.util.LinkedHashMap<>();
            for (var p : bn.getParameters()) {
                m.put("bn." + switch (p.getKey()) {
                    case "runningMean" -> "running_mean";
                    case "runningVar" -> "running_var";
                    case "gamma" -> "weight";
                    default -> "bias";
                }, p.getValue());
            }
            return m;
        }
        @Override public void freezeBatchNorm(Predicate<String> moduleName) {}
    }
}
