package dev.graft.train;

import ai.djl.nn.Parameter;

/**
 * One parameter the optimizer updates, with its own learning-rate scale and weight decay (the
 * per-parameter form of PyTorch's parameter groups).
 *
 * @param key the PyTorch state-dict key, e.g. {@code layer1.0.conv1.weight}
 * @param parameter the DJL parameter
 * @param lrScale multiplier of the scheduled learning rate (discriminative LRs, layer decay)
 * @param weightDecay weight decay of this parameter (0 for biases and normalisation parameters)
 * @param group name of the model group it belongs to (stem, stage1, ..., head)
 */
public record TrainableParam(String key, Parameter parameter, double lrScale, double weightDecay, String group) {}
