package dev.graft.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.graft.GraftException;
import dev.graft.engine.Scalars;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * SGD with momentum or AdamW over DJL parameters, each with its own learning-rate scale and weight
 * decay. DJL's built-in optimizers take one LR and one decay for all parameters; transfer learning
 * needs groups (discriminative LRs, no decay on norms and biases), so Graft updates parameters itself.
 * The arithmetic follows PyTorch's {@code torch.optim.SGD} and {@code torch.optim.AdamW}.
 *
 * <pre>{@code
 * GroupedOptimizer opt = new GroupedOptimizer(OptimizerKind.SGD, 0.9, params);
 * // after backward():
 * double norm = opt.clipGradNorm(5.0);
 * opt.step(schedule.lr(step));
 * opt.zeroGrad();
 * }</pre>
 */
public final class GroupedOptimizer {
    private static final double BETA2 = 0.999;
    private static final double EPS = 1e-8;

    private final OptimizerKind kind;
    private final double momentum;
    private final List<TrainableParam> params;
    private final Map<String, NDArray> first = new HashMap<>();
    private final Map<String, NDArray> second = new HashMap<>();
    private long steps;

    /**
     * @param kind SGD or AdamW
     * @param momentum SGD momentum, or AdamW's beta1
     * @param params the parameters to update (frozen ones must not be listed)
     */
    public GroupedOptimizer(OptimizerKind kind, double momentum, List<TrainableParam> params) {
        this.kind = kind;
        this.momentum = momentum;
        this.params = List.copyOf(params);
    }

    public List<TrainableParam> params() {
        return params;
    }

    /** Number of updates made so far. */
    public long steps() {
        return steps;
    }

    /**
     * Scales all gradients so their global L2 norm is at most {@code maxNorm} (0 = only measure) and
     * returns the norm before clipping, as {@code torch.nn.utils.clip_grad_norm_}.
     */
    public double clipGradNorm(double maxNorm) {
        try (NDScope scope = new NDScope()) {
            // one norm per tensor, then the norm of those norms: a single read back to Java per step
            NDList norms = new NDList();
            List<NDArray> grads = new ArrayList<>();
            for (TrainableParam p : params) {
                NDArray w = p.parameter().getArray();
                if (w.hasGradient()) {
                    NDArray g = w.getGradient();
                    grads.add(g);
                    norms.add(g.norm());
                }
            }
            if (norms.isEmpty()) {
                return 0;
            }
            double norm = norms.size() == 1 ? norms.get(0).getFloat() : NDArrays.stack(norms).norm().getFloat();
            if (maxNorm > 0 && norm > maxNorm && Double.isFinite(norm)) {
                float scale = (float) (maxNorm / (norm + 1e-6));
                for (NDArray g : grads) {
                    Scalars.muli(g, scale);
                }
            }
            return norm;
        }
    }

    /** Clamps every gradient element to {@code [-maxValue, maxValue]}, as {@code torch.nn.utils.clip_grad_value_}. */
    public void clipGradValue(double maxValue) {
        try (NDScope scope = new NDScope()) {
            for (TrainableParam p : params) {
                NDArray w = p.parameter().getArray();
                if (w.hasGradient()) {
                    NDArray g = w.getGradient();
                    g.subi(g.sub(g.clip(-maxValue, maxValue)));
                }
            }
        }
    }

    /** One update of every parameter that has a gradient, with base learning rate {@code lr}. */
    public void step(double lr) {
        steps++;
        try (NDScope scope = new NDScope()) {
            for (TrainableParam p : params) {
                NDArray w = p.parameter().getArray();
                if (!w.hasGradient()) {
                    continue;
                }
                NDArray g = w.getGradient();
                double plr = lr * p.lrScale();
                if (kind == OptimizerKind.SGD) {
                    sgd(p, w, g, plr);
                } else {
                    adamw(p, w, g, plr);
                }
            }
        }
    }

    private void sgd(TrainableParam p, NDArray w, NDArray g, double lr) {
        // the gradient is zeroed after the step, so weight decay may be added to it in place
        NDArray d = p.weightDecay() > 0 ? g.addi(Scalars.mul(w, p.weightDecay())) : g;
        NDArray update;
        if (momentum > 0) {
            NDArray buf = first.get(p.key());
            if (buf == null) {
                buf = d.duplicate();
                keep(buf, w.getManager());
                first.put(p.key(), buf);
            } else {
                Scalars.muli(buf, momentum).addi(d);
            }
            update = buf;
        } else {
            update = d;
        }
        w.subi(Scalars.mul(update, lr));
    }

    private void adamw(TrainableParam p, NDArray w, NDArray g, double lr) {
        if (p.weightDecay() > 0) {
            Scalars.muli(w, 1 - lr * p.weightDecay());
        }
        NDArray m = first.get(p.key());
        NDArray v = second.get(p.key());
        if (m == null) {
            m = w.zerosLike();
            v = w.zerosLike();
            keep(m, w.getManager());
            keep(v, w.getManager());
            first.put(p.key(), m);
            second.put(p.key(), v);
        }
        float b1 = (float) momentum;
        Scalars.muli(m, b1).addi(Scalars.mul(g, 1 - b1));
        Scalars.muli(v, BETA2).addi(Scalars.muli(g.square(), 1 - BETA2));
        double c1 = 1 - Math.pow(momentum, steps);
        double c2 = 1 - Math.pow(BETA2, steps);
        NDArray denom = Scalars.div(v, c2).sqrt().addi((float) EPS);
        w.subi(Scalars.muli(m.div(denom), lr / c1));
    }

    private static void keep(NDArray a, NDManager manager) {
        NDScope.unregister(a);
        a.attach(manager);
    }

    /** Sets the gradients of all parameters to zero (PyTorch accumulates them across backward calls). */
    public void zeroGrad() {
        for (TrainableParam p : params) {
            NDArray w = p.parameter().getArray();
            if (w instanceof PtNDArray pt) {
                JniUtils.zeroGrad(pt);   // in place, without wrapping the gradient in a Java array first
            } else if (w.hasGradient()) {
                try (NDArray g = w.getGradient()) {
                    Scalars.muli(g, 0);
                }
            }
        }
    }

    /** The optimizer's buffers as named arrays ({@code key.momentum_buffer}, {@code key.exp_avg}, {@code key.exp_avg_sq}). */
    public NDList stateArrays() {
        NDList out = new NDList();
        for (TrainableParam p : params) {
            NDArray a = first.get(p.key());
            if (a != null) {
                NDArray c = a.duplicate();
                c.setName(p.key() + (kind == OptimizerKind.SGD ? ".momentum_buffer" : ".exp_avg"));
                out.add(c);
            }
            NDArray b = second.get(p.key());
            if (b != null) {
                NDArray c = b.duplicate();
                c.setName(p.key() + ".exp_avg_sq");
                out.add(c);
            }
        }
        return out;
    }

    /** Restores buffers written by {@link #stateArrays()} and the step count. */
    public void loadState(NDList arrays, long stepCount) {
        Map<String, NDArray> byName = new HashMap<>();
        for (NDArray a : arrays) {
            byName.put(a.getName(), a);
        }
        for (TrainableParam p : params) {
            NDManager m = p.parameter().getArray().getManager();
            String firstName = p.key() + (kind == OptimizerKind.SGD ? ".momentum_buffer" : ".exp_avg");
            restore(byName.get(firstName), first, p.key(), m);
            restore(byName.get(p.key() + ".exp_avg_sq"), second, p.key(), m);
        }
        if (stepCount > 0 && first.isEmpty() && momentum > 0) {
            throw new GraftException("the checkpoint's optimizer state has no buffers for these parameters",
                    "resume with the same model, strategy and optimizer as the interrupted run");
        }
        this.steps = stepCount;
    }

    private static void restore(NDArray saved, Map<String, NDArray> into, String key, NDManager manager) {
        if (saved == null) {
            return;
        }
        NDArray c = manager.create(saved.toFloatArray(), saved.getShape());
        into.put(key, c);
    }
}
