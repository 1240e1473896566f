package dev.graft.zoo;

import dev.graft.GraftException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Weights found on this machine: the safetensors file, the configuration that travels with it
 * (null when the source has none, e.g. a bare {@code file:}) and a description for messages.
 *
 * @param weightsFile the {@code model.safetensors} (or any safetensors file)
 * @param cfg the accompanying {@code config.json}, or null
 * @param description where they came from, e.g. {@code local-dir:/models/mnist}
 */
public record ResolvedWeights(Path weightsFile, PretrainedCfg cfg, String description) {
    /** Weights file name inside a model folder (timm's save_for_hf layout). */
    public static final String WEIGHTS_FILE = "model.safetensors";
    /** Configuration file name inside a model folder. */
    public static final String CONFIG_FILE = "config.json";

    /** A folder with {@code config.json} and {@code model.safetensors}. */
    public static ResolvedWeights ofDir(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new GraftException("model folder " + dir + " does not exist", "give a folder with config.json and model.safetensors");
        }
        Path w = dir.resolve(WEIGHTS_FILE);
        Path c = dir.resolve(CONFIG_FILE);
        if (!Files.isRegularFile(w)) {
            throw new GraftException(dir + " has no " + WEIGHTS_FILE, "save the model with Weights.save (or timm's save_for_hf) into that folder");
        }
        if (!Files.isRegularFile(c)) {
            throw new GraftException(dir + " has no " + CONFIG_FILE, "add the config.json written with the weights (it names the architecture)");
        }
        return new ResolvedWeights(w, PretrainedCfg.read(c), "local-dir:" + dir);
    }
}
