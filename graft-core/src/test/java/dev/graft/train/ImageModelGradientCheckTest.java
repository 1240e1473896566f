package dev.graft.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.graft.TestManager;
import dev.graft.adapt.LeNet;
import dev.graft.engine.GradientCheck;
import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.Zoo;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Autograd against finite differences on the image models Graft trains (fine-tuning, pretraining and
 * domain adaptation): the unit tests' TinyNet, small_cnn (BatchNorm in training mode) and LeNet.
 */
@Tag("numerics")
class ImageModelGradientCheckTest {
    @RegisterExtension
    static final TestManager torch = new TestManager();

    /** Cross-entropy of the model on a fixed random batch, in training mode. */
    static GradientCheck.Result check(GraftModel model, int n, int c, int h, int w, int classes, long seed) {
        Random rnd = new Random(seed);
        float[] px = new float[n * c * h * w];
        for (int i = 0; i < px.length; i++) {
            px[i] = (float) rnd.nextGaussian();
        }
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = rnd.nextInt(classes);
        }
        List<NDArray> params = new ArrayList<>();
        for (Parameter p : model.stateDict().values()) {
            if (p.requiresGradient()) {
                params.add(p.getArray());
            }
        }
        ParameterStore ps = new ParameterStore(torch.nd(), false);
        return GradientCheck.check(params, m -> {
            NDArray x = m.create(px, new Shape(n, c, h, w));
            NDArray logits = model.forwardHead(ps, model.forwardFeatures(ps, x, true), true, false);
            NDArray y = m.create(labels).toType(ai.djl.ndarray.types.DataType.INT64, false).reshape(-1, 1);
            return logits.logSoftmax(1).gather(y, 1).mean().neg();
        }, torch.nd(), 2, seed);
    }

    @Test
    void tinyNet() {
        Engine.getInstance().setRandomSeed(1);
        GradientCheck.Result r = check(new TinyNet(torch.nd(), 1, 8, 3, 0f), 16, 1, 8, 8, 3, 1);
        assertTrue(r.worst() < 1e-2, r::toString);
    }

    @Test
    void smallCnn() {
        Engine.getInstance().setRandomSeed(2);
        GradientCheck.Result r = check(Zoo.create("small_cnn", CreateOptions.defaults().withNumClasses(10)), 8, 1, 28, 28, 10, 2);
        assertTrue(r.worst() < 1e-2, r::toString);
    }

    @Test
    void leNet() {
        Engine.getInstance().setRandomSeed(3);
        GradientCheck.Result r = check(LeNet.create(torch.nd(), 1, 10), 8, 1, 28, 28, 10, 3);
        assertTrue(r.worst() < 1e-2, r::toString);
    }
}
