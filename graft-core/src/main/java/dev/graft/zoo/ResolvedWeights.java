package dev.graft.zoo;

import dev.graft.GraftException;
import dev.graft.weights.Checkpoint;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Weights found on this machine: the safetensors file, the configuration that travels with it
 * (null when the source has none, e.g. a bare {@code file:}) and a description for messages.
 *
 * @param weightsFile the {@code model.safetensors} (or any safetensors file), or the
 *     {@code model.safetensors.index.json} of a sharded checkpoint; open it with {@link Checkpoint#open}
 * @param cfg the accompanying {@code config.json}, or null
 * @param description where they came from, e.g. {@code local-dir:/models/mnist}
 */
public record ResolvedWeights(Path weightsFile, PretrainedCfg cfg, String description) {
    /** Weights file name inside a model folder (timm's save_for_hf layout). */
    public static final String WEIGHTS_FILE = "model.safetensors";
    /** Configuration file name inside a model folder. */
    public static final String CONFIG_FILE = "config.json";

    /** The index of a sharded checkpoint inside a model folder (transformers' {@code save_pretrained}). */
    public static final String INDEX_FILE = Checkpoint.INDEX_FILE;

    /** The weights file of transformers' and timm's older repos: a PyTorch pickle. */
    public static final String PICKLE_FILE = "pytorch_model.bin";
    /** The index of a sharded pickle checkpoint. */
    public static final String PICKLE_INDEX_FILE = "pytorch_model.bin.index.json";

    /**
     * Whether {@code file} is a PyTorch checkpoint made by {@code torch.save}: a zip archive (the
     * format since PyTorch 1.6) or a bare pickle (0x80, then the protocol 2 to 5). A safetensors file
     * (an 8-byte header length, then the JSON header's '{') never is, whatever its length bytes.
     */
    public static boolean isPickle(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] h = in.readNBytes(9);
            if (h.length == 9 && h[8] == '{') {
                return false;
            }
            boolean zip = h.length >= 4 && h[0] == 'P' && h[1] == 'K' && h[2] == 3 && h[3] == 4;
            boolean pickle = h.length >= 2 && (h[0] & 0xff) == 0x80 && h[1] >= 2 && h[1] <= 5;
            return zip || pickle;
        } catch (IOException e) {
            return false;  // unreadable: the safetensors reader says why
        }
    }

    /**
     * Refuses a pickle checkpoint with the way out: Graft never unpickles, because unpickling runs
     * whatever code the file names (the reason the Hugging Face Hub moved to safetensors).
     */
    public static void refusePickle(Path file) {
        throw new GraftException(file + " is a PyTorch pickle checkpoint, which Graft never loads (unpickling can run code)",
                "use the repository's model.safetensors, or " + convertPickle(file.getFileName().toString()));
    }

    /** How to turn the pickle {@code fileName} into {@code model.safetensors}, for messages. */
    public static String convertPickle(String fileName) {
        return "convert it once in Python: python3 -c \"import torch; from safetensors.torch import save_file;"
                + " save_file(torch.load('" + fileName + "', weights_only=True), 'model.safetensors')\"";
    }

    /**
     * A folder with {@code config.json} and {@code model.safetensors}, or, as transformers writes
     * large models, {@code model.safetensors.index.json} and the shards it names.
     */
    public static ResolvedWeights ofDir(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new GraftException("model folder " + dir + " does not exist", "give a folder with config.json and model.safetensors");
        }
        Path w = Checkpoint.find(dir);
        Path c = dir.resolve(CONFIG_FILE);
        if (w == null && Files.isRegularFile(dir.resolve(PICKLE_FILE))) {
            refusePickle(dir.resolve(PICKLE_FILE));
        }
        if (w == null && Files.isRegularFile(dir.resolve(PICKLE_INDEX_FILE))) {
            throw new GraftException(dir + " holds a sharded PyTorch pickle checkpoint (" + PICKLE_INDEX_FILE
                    + "), which Graft never loads (unpickling can run code)",
                    "re-save it as safetensors in Python: model.save_pretrained(DIR, safe_serialization=True)");
        }
        if (w == null) {
            throw new GraftException(dir + " has no " + WEIGHTS_FILE + " (nor " + INDEX_FILE + ")",
                    "save the model with Weights.save (or timm's save_for_hf) into that folder");
        }
        if (!Files.isRegularFile(c)) {
            throw new GraftException(dir + " has no " + CONFIG_FILE, "add the config.json written with the weights (it names the architecture)");
        }
        return new ResolvedWeights(w, PretrainedCfg.read(c), "local-dir:" + dir);
    }
}
