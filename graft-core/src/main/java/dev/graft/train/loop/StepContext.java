package dev.graft.train.loop;

import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;

/**
 * One batch as the {@link Loop} hands it to a {@link Step} and its listeners: where arrays go, the
 * samples, and where the run stands.
 *
 * <pre>{@code
 * NDArray x = data.batch(c.manager(), c.indices());   // freed when the step ends
 * }</pre>
 */
public final class StepContext {
    private final NDManager manager;
    private final ParameterStore parameters;
    private final int[] indices;
    private final int epoch;
    private final int batch;
    private final long step;
    private final double lr;
    private boolean backwardDone;

    StepContext(NDManager manager, ParameterStore parameters, int[] indices, int epoch, int batch, long step, double lr) {
        this.manager = manager;
        this.parameters = parameters;
        this.indices = indices;
        this.epoch = epoch;
        this.batch = batch;
        this.step = step;
        this.lr = lr;
    }

    /** The batch's manager: everything created in it is freed after the step. */
    public NDManager manager() {
        return manager;
    }

    public ParameterStore parameters() {
        return parameters;
    }

    /** The samples of this batch, from the loop's {@link Batches}. */
    public int[] indices() {
        return indices;
    }

    /** 0-based epoch. */
    public int epoch() {
        return epoch;
    }

    /** 0-based batch within the epoch. */
    public int batch() {
        return batch;
    }

    /** Optimizer updates made before this one. */
    public long step() {
        return step;
    }

    /** The learning rate of this update. */
    public double lr() {
        return lr;
    }

    /** Tells the loop the step has already put its gradients on the parameters. */
    public void backwardDone() {
        this.backwardDone = true;
    }

    boolean isBackwardDone() {
        return backwardDone;
    }
}
