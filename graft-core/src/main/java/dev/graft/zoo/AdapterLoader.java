package dev.graft.zoo;

import java.nio.file.Path;

/**
 * Folders that are not a model but an adapter of one, such as Hugging Face PEFT's
 * ({@code adapter_config.json} + {@code adapter_model.safetensors}): {@link Zoo#create} and
 * {@link Zoo#cfg} hand a {@code local-dir:} or {@code hf-hub:} source whose folder holds the
 * loader's {@link #marker()} to the loader, which builds the base the adapter names and puts the
 * adapter on it. Loaders are found with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/dev.graft.zoo.AdapterLoader}), so the zoo never depends on the adapter code.
 *
 * <pre>{@code
 * public final class PeftLoader implements AdapterLoader {          // dev.graft.peft's
 *     public String marker() { return "adapter_config.json"; }
 *     public PretrainedCfg baseCfg(Path dir) { ... }                  // the configuration of the base it names
 *     public GraftModel create(Path dir, CreateOptions o) { ... }     // base + adapter
 * }
 * GraftModel m = Zoo.create("hf-hub:alice/topics-lora");            // the base, then the adapter
 * }</pre>
 */
public interface AdapterLoader {
    /** The file whose presence makes a folder this loader's, e.g. {@code adapter_config.json}. */
    String marker();

    /** The configuration of the base model the adapter in {@code dir} names (nothing built), as {@link Zoo#cfg} answers. */
    PretrainedCfg baseCfg(Path dir);

    /** The base model the adapter in {@code dir} names, created with {@code options}, with the adapter applied. */
    GraftModel create(Path dir, CreateOptions options);
}
