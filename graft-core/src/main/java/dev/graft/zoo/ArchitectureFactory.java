package dev.graft.zoo;

/**
 * Builds one architecture from its resolved configuration and arguments (timm's model entrypoint);
 * a family registers one per variant with {@link Zoo#register}.
 *
 * <pre>{@code
 * Zoo.register("resnet18", "resnet", cfg, (c, a) -> new ResNet(c, a, ResNet.BlockType.BASIC, ResNet.Stem.IMAGENET,
 *         new int[] {64, 128, 256, 512}, new int[] {2, 2, 2, 2}));
 * }</pre>
 */
@FunctionalInterface
public interface ArchitectureFactory {
    /** A new, uninitialised model of this architecture. */
    ModelBase create(PretrainedCfg cfg, ModelArgs args);
}
