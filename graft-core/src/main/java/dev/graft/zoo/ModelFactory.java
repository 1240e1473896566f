package dev.graft.zoo;

/**
 * Builds one architecture from its resolved configuration and arguments; a family registers one per
 * variant with {@link Zoo#register}.
 *
 * <pre>{@code
 * Zoo.register("resnet18", "resnet", cfg, (c, a) -> new ResNet(c, a, ResNet.BlockType.BASIC, ResNet.Stem.IMAGENET,
 *         new int[] {64, 128, 256, 512}, new int[] {2, 2, 2, 2}));
 * }</pre>
 */
@FunctionalInterface
public interface ModelFactory {
    ModelBase create(PretrainedCfg cfg, ModelArgs args);
}
