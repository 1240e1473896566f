package dev.graft.zoo;

/**
 * A family of architectures (ResNets, ViTs, ...) that registers itself with the zoo, as timm's
 * {@code @register_model} functions do. Families are found with {@link java.util.ServiceLoader}: a
 * module lists its families, one class name a line, in
 * {@code META-INF/services/dev.graft.zoo.ModelFamily}; each needs a public no-argument constructor.
 * The zoo registers the families on its class path once, before its first lookup, and those of
 * another class loader with {@link Zoo#registerFamilies}.
 *
 * <pre>{@code
 * public final class TinyNets implements ModelFamily {
 *     public void register() {
 *         Zoo.register("tiny_net", "tiny", TinyNet.defaultCfg(), TinyNet::new);
 *         Zoo.registerPretrained(Map.of("tiny_net.my_data", TinyNet.cfgFor("my_data")));
 *     }
 * }
 * }</pre>
 */
public interface ModelFamily {
    /**
     * Registers the family's architectures ({@link Zoo#register}), then its tags
     * ({@link Zoo#registerPretrained}) and their weights or config readers. Called once per family.
     */
    void register();
}
