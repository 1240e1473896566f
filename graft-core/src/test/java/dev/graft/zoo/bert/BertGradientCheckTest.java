package dev.graft.zoo.bert;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.graft.engine.Engines;
import dev.graft.engine.GradientCheck;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The text path's transformer (embeddings, attention with a padding mask, GELU, LayerNorm, mean pooling) against finite differences. */
@Tag("numerics")
class BertGradientCheckTest {

    @Test
    void tinyBertMeanPooledLoss() {
        Engines.pytorch();
        try (NDManager nd = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(4);
            BertModel m = TinyBert.model(nd);
            List<NDArray> params = new ArrayList<>();
            for (Parameter p : m.stateDict().values()) {
                if (p.requiresGradient() && !p.getName().contains("word_embeddings")) {
                    params.add(p.getArray());
                }
            }
            long[] ids = {101, 2023, 2003, 1037, 3231, 102, 101, 7592, 102, 0, 0, 0};
            float[] mask = {1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0};
            float[] target = new float[2 * 16];
            for (int i = 0; i < target.length; i++) {
                target[i] = (float) Math.sin(i);
            }
            ParameterStore ps = new ParameterStore(nd, false);
            GradientCheck.Result r = GradientCheck.check(params, mg -> {
                NDArray idArray = mg.create(ids, new Shape(2, 6));
                NDArray maskArray = mg.create(mask, new Shape(2, 6));
                // eval mode: dropout off, so the loss is a deterministic function of the weights
                NDArray hidden = m.forward(ps, new NDList(idArray, maskArray), false).get(0);
                NDArray pooled = BertModel.meanPool(hidden, maskArray);
                return pooled.sub(mg.create(target, new Shape(2, 16))).square().mean();
            }, nd, 2, 4);
            assertTrue(r.worst() < 1e-2, r::toString);
        }
    }
}
