package dev.graft.zoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("numerics")
class TrainingTest {
    private static float trainStep(Trainer trainer, NDArray x, NDArray y) {
        float loss;
        try (GradientCollector gc = trainer.newGradientCollector()) {
            NDList pred = trainer.forward(new NDList(x));
            NDArray l = trainer.getLoss().evaluate(new NDList(y), pred);
            loss = l.getFloat();
            gc.backward(l);
        }
        trainer.step();
        return loss;
    }

    @Test
    void djlTrainerTrainsEveryFamilyAndTheLossFalls() {
        for (String name : new String[] {"small_cnn", "small_resnet", "vit_tiny_patch16_224"}) {
            CreateOptions o = CreateOptions.defaults().withSeed(21).withNumClasses(4);
            int size = 28;
            if (name.startsWith("vit")) {
                o = o.withImgSize(32).withInChans(1);
                size = 32;
            }
            ModelBase m = (ModelBase) Zoo.create(name, o);
            String key = m.stateDict().keySet().iterator().next();
            float[] before = m.stateDict().get(key).getArray().toFloatArray();
            try (Model model = Model.newInstance(name)) {
                model.setBlock(m.block());
                DefaultTrainingConfig cfg = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                        .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(name.startsWith("vit") ? 0.002f : 0.05f)).build());
                try (Trainer trainer = model.newTrainer(cfg)) {
                    trainer.initialize(new Shape(8, 1, size, size));
                    NDManager nd = trainer.getManager();
                    NDArray x = nd.randomUniform(0f, 1f, new Shape(8, 1, size, size));
                    NDArray y = nd.create(new float[] {0, 1, 2, 3, 0, 1, 2, 3});
                    float first = trainStep(trainer, x, y);
                    float last = first;
                    for (int i = 0; i < (name.startsWith("vit") ? 2 : 5); i++) {
                        last = trainStep(trainer, x, y);
                    }
                    assertTrue(last < first, name + ": loss " + first + " -> " + last);
                }
            }
            float[] after = m.stateDict().get(key).getArray().toFloatArray();
            assertFalse(Arrays.equals(before, after), name + ": " + key + " unchanged by SGD");
        }
    }

    @Test
    void loadedWeightsStayTrainable(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) {
        ModelBase source = (ModelBase) Zoo.create("small_cnn", CreateOptions.defaults().withSeed(23));
        java.nio.file.Path file = tmp.resolve("w.safetensors");
        dev.graft.zoo.Weights.saveStateDict(source, file);
        ModelBase m = (ModelBase) Zoo.create("small_cnn", CreateOptions.defaults().withSource("file:" + file));
        float[] before = m.stateDict().get("stage1.conv.weight").getArray().toFloatArray();
        assertArrayEquals(source.stateDict().get("stage1.conv.weight").getArray().toFloatArray(), before);
        try (Model model = Model.newInstance("loaded")) {
            model.setBlock(m.block());
            DefaultTrainingConfig cfg = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.05f)).build());
            try (Trainer trainer = model.newTrainer(cfg)) {
                trainer.initialize(new Shape(4, 1, 28, 28));
                NDManager nd = trainer.getManager();
                trainStep(trainer, nd.randomUniform(0f, 1f, new Shape(4, 1, 28, 28)), nd.create(new float[] {0, 1, 2, 3}));
            }
        }
        assertFalse(Arrays.equals(before, m.stateDict().get("stage1.conv.weight").getArray().toFloatArray()),
                "loaded weights must receive gradients");
    }

    @Test
    void frozenBatchNormKeepsItsRunningStatisticsInATrainingPass() {
        ModelBase m = (ModelBase) Zoo.create("small_resnet", CreateOptions.defaults().withSeed(22));
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray x = nd.randomUniform(0f, 1f, new Shape(4, 1, 28, 28));
            float[] mean = m.stateDict().get("layer1.0.bn1.running_mean").getArray().toFloatArray();
            float[] var = m.stateDict().get("bn1.running_var").getArray().toFloatArray();
            m.freezeBatchNorm(n -> true);
            try (NoGrad g = NoGrad.enter()) {
                m.forward(new ParameterStore(nd, false), x, true);
            }
            assertArrayEquals(mean, m.stateDict().get("layer1.0.bn1.running_mean").getArray().toFloatArray());
            assertArrayEquals(var, m.stateDict().get("bn1.running_var").getArray().toFloatArray());
            // Only the stem frozen: the stem keeps its statistics, stage 1 updates its own.
            m.freezeBatchNorm(n -> n.equals("bn1"));
            try (NoGrad g = NoGrad.enter()) {
                m.forward(new ParameterStore(nd, false), x, true);
            }
            assertArrayEquals(var, m.stateDict().get("bn1.running_var").getArray().toFloatArray());
            assertFalse(Arrays.equals(mean, m.stateDict().get("layer1.0.bn1.running_mean").getArray().toFloatArray()));
        }
    }
}
