package dev.graft.zoo.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.graft.GraftException;
import dev.graft.weights.Checkpoint;
import dev.graft.weights.SafeTensors;
import dev.graft.zoo.Weights;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes BERT state dicts as {@code model.safetensors} (Hugging Face's file, PyTorch's keys)
 * through the one safetensors reader and writer, {@link SafeTensors} and {@link Weights#saveStateDict}.
 *
 * <pre>{@code
 * BertWeights.write(bert.stateDict(), dir.resolve("model.safetensors"));
 * Map<String, NDArray> sd = BertWeights.read(manager, dir.resolve("model.safetensors"));
 * }</pre>
 */
public final class BertWeights {
    private BertWeights() {}

    /** Tensors by name, created in {@code manager}, of a safetensors file or a sharded checkpoint's index. */
    public static Map<String, NDArray> read(NDManager manager, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new GraftException("no weights file at " + file, "a model folder needs model.safetensors (or model.safetensors.index.json and its shards)");
        }
        try (Checkpoint st = Checkpoint.open(file)) {
            return st.toNDArrays(manager);
        }
    }

    /** Writes the parameters' current values (atomically: a temporary file, then a rename). */
    public static void write(Map<String, Parameter> stateDict, Path file) {
        Weights.saveStateDict(stateDict, file, Map.of());
    }

    /** Writes plain float tensors (used by importers, before any model exists). */
    public static void writeTensors(Map<String, OnnxBertImporter.StateTensor> tensors, Path file) {
        List<SafeTensors.Tensor> list = new ArrayList<>();
        tensors.forEach((name, t) -> list.add(SafeTensors.Tensor.ofFloats(name, t.shape(), t.data())));
        SafeTensors.writeTensors(file, list, Weights.PYTORCH_METADATA);
    }
}
