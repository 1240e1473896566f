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
 *
 * @param manager the batch's manager: everything created in it is freed after the step
 * @param parameters the parameter store to run the model with
 * @param indices the samples of this batch, from the loop's {@link Batches}
 * @param epoch 0-based epoch
 * @param batch 0-based batch within the epoch
 * @param step optimizer updates made before this one
 * @param lr the learning rate of this update
 */
public record StepContext(NDManager manager, ParameterStore parameters, int[] indices, int epoch, int batch, long step, double lr) {}
