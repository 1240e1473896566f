package dev.graft.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.graft.GraftException;
import dev.graft.engine.Engines;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TrainingPartsTest {
    @BeforeAll
    static void engine() {
        Engines.pytorch();
    }

    @Test
    void warmupThenCosine() {
        LrSchedule s = new LrSchedule(0.1, 10, 110, 0.0);
        assertEquals(0.01, s.lr(0), 1e-12);
        assertEquals(0.05, s.lr(4), 1e-12);
        assertEquals(0.1, s.lr(10), 1e-12);
        assertEquals(0.05, s.lr(60), 1e-12, "half-way through the cosine");
        assertEquals(0.0, s.lr(110), 1e-12);
        assertEquals(0.001, new LrSchedule(0.1, 0, 100, 0.01).lr(100), 1e-12, "decays to peak x minRatio");
    }

    @Test
    void labelSmoothedCrossEntropyMatchesTheFormula() {
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray logits = nd.create(new float[] {2f, 0f, -1f, 0.5f, 0.5f, 0.5f}, new Shape(2, 3));
            NDArray labels = nd.create(new int[] {0, 2});
            // row 0: log-softmax of (2, 0, -1); row 1: uniform, log(1/3) everywhere
            double z = Math.log(Math.exp(2) + Math.exp(0) + Math.exp(-1));
            double[] lp0 = {2 - z, 0 - z, -1 - z};
            double lp1 = Math.log(1.0 / 3);
            double eps = 0.3;
            double row0 = -((1 - eps + eps / 3) * lp0[0] + eps / 3 * (lp0[1] + lp0[2]));
            double row1 = -lp1;
            assertEquals((row0 + row1) / 2, Losses.crossEntropy(logits, labels, eps).getFloat(), 1e-5);
            assertEquals((-lp0[0] - lp1) / 2, Losses.crossEntropy(logits, labels, 0).getFloat(), 1e-5);
        }
    }

    @Test
    void noWeightDecayOnBiasesAndNormsAndDiscriminativeRates() {
        try (NDManager nd = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(1);
            TinyNet net = new TinyNet(nd, 1, 8, 3, 0f);
            TrainConfig c = TrainConfig.defaults().withWeightDecay(0.01).withBackboneLrScale(0.1).withLayerDecay(0.5);
            Map<String, TrainableParam> full = ModelParts.trainable(net, Strategy.FULL, c).stream()
                    .collect(Collectors.toMap(TrainableParam::key, p -> p));
            assertEquals(List.of("bn1.bias", "bn1.weight", "bn2.bias", "bn2.weight", "conv1.bias", "conv2.bias", "fc.bias"),
                    full.values().stream().filter(p -> p.weightDecay() == 0).map(TrainableParam::key).sorted().toList());
            assertEquals(0.01, full.get("conv1.weight").weightDecay());
            assertEquals(1.0, full.get("fc.weight").lrScale());
            assertEquals(0.1, full.get("conv2.weight").lrScale(), 1e-12, "last stage: backbone scale");
            assertEquals(0.05, full.get("conv1.weight").lrScale(), 1e-12, "stem: one more layer-decay step");
            assertTrue(full.keySet().stream().noneMatch(ModelParts::isBuffer), "running statistics are not optimised");
            assertTrue(ModelParts.trainable(net, Strategy.SCRATCH, c).stream().allMatch(p -> p.lrScale() == 1.0));
        }
    }

    @Test
    void sgdAndAdamwFollowPytorch() {
        try (NDManager nd = NDManager.newBaseManager()) {
            for (OptimizerKind kind : OptimizerKind.values()) {
                ai.djl.nn.Parameter p = ai.djl.nn.Parameter.builder().setName("w").setType(ai.djl.nn.Parameter.Type.WEIGHT)
                        .build();
                p.setArray(nd.create(new float[] {1f, -2f}));
                p.getArray().setRequiresGradient(true);
                GroupedOptimizer opt = new GroupedOptimizer(kind, 0.9, List.of(new TrainableParam("w", p, 0.5, 0.1, "stem")));
                for (int step = 0; step < 2; step++) {
                    try (ai.djl.training.GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        gc.backward(p.getArray().mul(nd.create(new float[] {3f, 4f})).sum()); // gradient (3, 4)
                    }
                    opt.step(0.2);
                    opt.zeroGrad();
                }
                float[] w = p.getArray().toFloatArray();
                // hand-computed with lr = 0.2 x 0.5 = 0.1, weight decay 0.1, momentum/beta1 0.9, beta2 0.999
                double[] expect = kind == OptimizerKind.SGD ? sgd() : adamw();
                assertEquals(expect[0], w[0], 1e-5, kind + " w0");
                assertEquals(expect[1], w[1], 1e-5, kind + " w1");
            }
        }
    }

    @Test
    void clippingScalesAllGradientsToTheGlobalNorm() {
        try (NDManager nd = NDManager.newBaseManager()) {
            List<TrainableParam> ps = new java.util.ArrayList<>();
            float[][] values = {{1f, 2f}, {3f}, {4f, 5f, 6f}};
            NDArray loss = null;
            for (int i = 0; i < values.length; i++) {
                ai.djl.nn.Parameter p = ai.djl.nn.Parameter.builder().setName("p" + i).setType(ai.djl.nn.Parameter.Type.WEIGHT).build();
                p.setArray(nd.create(values[i]));
                p.getArray().setRequiresGradient(true);
                ps.add(new TrainableParam("p" + i, p, 1.0, 0.0, "stem"));
            }
            GroupedOptimizer opt = new GroupedOptimizer(OptimizerKind.SGD, 0.0, ps);
            try (ai.djl.training.GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                // loss = sum(w^2) / 2: each gradient equals its weight, global norm sqrt(1+4+9+16+25+36) = sqrt(91)
                for (TrainableParam p : ps) {
                    NDArray term = p.parameter().getArray().square().sum().div(2f);
                    loss = loss == null ? term : loss.add(term);
                }
                gc.backward(loss);
            }
            assertEquals(Math.sqrt(91), opt.clipGradNorm(0), 1e-5, "0 only measures");
            assertEquals(1f, ps.get(0).parameter().getArray().getGradient().toFloatArray()[0], 1e-6, "unchanged when not clipping");
            assertEquals(Math.sqrt(91), opt.clipGradNorm(1.0), 1e-5, "returns the norm before clipping");
            assertEquals(1.0, opt.clipGradNorm(0), 1e-5, "afterwards the global norm is the limit");
            float[] g2 = ps.get(2).parameter().getArray().getGradient().toFloatArray();
            assertEquals(6 / Math.sqrt(91), g2[2], 1e-5, "every tensor scaled by the same factor");
            assertEquals(1.0, opt.clipGradNorm(5.0), 1e-5, "below the limit nothing changes");
            opt.zeroGrad();
            assertEquals(0.0, opt.clipGradNorm(0), 0.0, "zeroGrad empties every gradient");
        }
    }

    private static double[] sgd() {
        double[] w = {1, -2};
        double[] g = {3, 4};
        double[] buf = new double[2];
        for (int s = 0; s < 2; s++) {
            for (int i = 0; i < 2; i++) {
                double d = g[i] + 0.1 * w[i];
                buf[i] = s == 0 ? d : 0.9 * buf[i] + d;
                w[i] -= 0.1 * buf[i];
            }
        }
        return w;
    }

    private static double[] adamw() {
        double[] w = {1, -2};
        double[] g = {3, 4};
        double[] m = new double[2];
        double[] v = new double[2];
        for (int s = 1; s <= 2; s++) {
            for (int i = 0; i < 2; i++) {
                w[i] *= 1 - 0.1 * 0.1;
                m[i] = 0.9 * m[i] + 0.1 * g[i];
                v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
                double mh = m[i] / (1 - Math.pow(0.9, s));
                double vh = v[i] / (1 - Math.pow(0.999, s));
                w[i] -= 0.1 * mh / (Math.sqrt(vh) + 1e-8);
            }
        }
        return w;
    }

    @Test
    void metricsCountTopKPrecisionRecallAndConfusion() {
        ClassificationMetrics m = new ClassificationMetrics(List.of("a", "b", "c"));
        m.add(new float[] {3, 2, 1, 1, 3, 2, 1, 3, 2, 3, 1, 2}, new int[] {0, 1, 2, 2}, 0.5);
        EvalResult r = m.result();
        assertEquals(0.5, r.top1(), 1e-12);
        assertEquals(List.of(1L, 1L, 1L, 1L), List.of(r.confusion()[0][0], r.confusion()[1][1], r.confusion()[2][0], r.confusion()[2][1]));
        assertEquals(0.5, r.precision()[0], 1e-12, "class a predicted twice, right once");
        assertEquals(0.0, r.recall()[2], 1e-12);
        assertEquals(1.0, r.top5(), 1e-12, "with 3 classes top-5 is top-3");
        assertEquals(0.5, r.loss(), 1e-12);
    }

    @Test
    void configRejectsBadValuesWithAFix() {
        GraftException e = assertThrows(GraftException.class, () -> TrainConfig.defaults().withLr(-1));
        assertTrue(e.fix().contains("TrainConfig.lr"), e.fix());
        assertThrows(GraftException.class, () -> TrainConfig.defaults().withLabelSmoothing(1.0));
        assertThrows(GraftException.class, () -> Strategy.parse("fine"));
    }

    @Test
    void resizeKeepsConstantsAndCorners() {
        float[] src = {0, 1, 2, 3};
        float[] dst = new float[16];
        ModelInput.resize(src, 0, 2, 2, dst, 4, 4);
        assertEquals(0f, dst[0], 1e-6);
        assertEquals(3f, dst[15], 1e-6);
        assertEquals(0.25f, dst[1], 1e-6, "align_corners=False: 0.25 of the way to the right neighbour");
    }

    @Test
    void publishedCardsNameUsersDataWithoutItsLocalPath() {
        assertEquals("folder:pets", FineTune.publicDataName("folder:/home/someone/pets?size=64x64"));
        assertEquals("csv:digits.csv", FineTune.publicDataName("csv:data/digits.csv"));
        assertEquals("mnist", FineTune.publicDataName("mnist"));
        assertEquals("hf-hub:alice/x", FineTune.publicDataName("hf-hub:alice/x"));
    }
}
