package dev.graft.multitask;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.graft.TestManager;
import dev.graft.engine.GradientCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The multi-task model's gradients against finite differences: the summed loss through autograd, and
 * each task's own gradient as the per-task path (one forward, one backward per task over the
 * retained graph) reads it.
 */
@Tag("numerics")
class MultiTaskGradientCheckTest {
    @RegisterExtension
    static final TestManager torch = new TestManager();

    private static NDArray[] losses(MultiTaskModel model, ParameterStore ps, MultiTaskData data, int[] idx, NDManager m) {
        return TaskLosses.all(data, model.forward(ps, data.images(m, idx), true), m, idx);
    }

    @Test
    void summedLossAndEachTaskThroughThePerTaskPath() {
        Engine.getInstance().setRandomSeed(3);
        MultiTaskModel model = MultiTaskModel.create(new TinyBackbone(torch.nd(), 1, 8, 5), MultiTaskTrainingTest.toyData(1, 1).tasks(), torch.nd());
        MultiTaskData data = MultiTaskTrainingTest.toyData(16, 2);
        int[] idx = IntStream.range(0, 16).toArray();
        ParameterStore ps = new ParameterStore(torch.nd(), false);
        List<NDArray> shared = new ArrayList<>();
        for (Parameter p : model.sharedParameters().values()) {
            shared.add(p.getArray());
        }
        List<NDArray> all = new ArrayList<>(shared);
        model.headParameters().values().forEach(p -> all.add(p.getArray()));
        GradientCheck.Result sum = GradientCheck.check(all, m -> {
            NDArray[] l = losses(model, ps, data, idx, m);
            return l[0].add(l[1]);
        }, torch.nd(), 2, 5);
        assertTrue(sum.worst() < 1e-2, sum::toString);

        // The per-task path: task t's flat shared gradient must be the derivative of task t's loss alone.
        float[][] perTask = new float[2][];
        try (NDManager batch = torch.nd().newSubManager()) {
            for (NDArray p : all) {
                Autograd.zeroGradient(p);
            }
            ModelGradients grads = new ModelGradients(model, batch);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray[] g = grads.sharedGradients(losses(model, ps, data, idx, batch), new float[] {1f, 1f});
                perTask[0] = g[0].toFloatArray();
                perTask[1] = g[1].toFloatArray();
            }
        }
        for (int t = 0; t < 2; t++) {
            int task = t;
            // Finite differences of task t's loss along task t's reported gradient.
            GradientCheck.Result own = GradientCheck.checkGiven(shared, perTask[task], m -> losses(model, ps, data, idx, m)[task], torch.nd());
            assertTrue(own.worst() < 1e-2, () -> "task " + task + ": " + own);
            // and the check can fail: the other task's gradient is not this task's derivative
            GradientCheck.Result other = GradientCheck.checkGiven(shared, perTask[1 - task], m -> losses(model, ps, data, idx, m)[task], torch.nd());
            assertTrue(other.worst() > 0.1, () -> "task " + task + " with the other task's gradient: " + other);
        }
    }
}
