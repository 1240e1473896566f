package dev.graft.zoo;

/**
 * What one intermediate feature map of a model is, as timm's {@code feature_info}.
 *
 * @param module PyTorch module name producing it, e.g. {@code layer2}
 * @param channels number of channels
 * @param reduction stride relative to the input, e.g. 8
 */
public record FeatureInfo(String module, int channels, int reduction) {}
