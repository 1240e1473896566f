package dev.graft.zoo.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.graft.GraftException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads and writes state dicts as {@code model.safetensors} (DJL's safetensors codec: a JSON header
 * of names, dtypes, shapes and offsets, then little-endian data), the format Hugging Face uses.
 *
 * <pre>{@code
 * BertWeights.write(bert.stateDict(), dir.resolve("model.safetensors"));
 * Map<String, NDArray> sd = BertWeights.read(manager, dir.resolve("model.safetensors"));
 * }</pre>
 */
public final class BertWeights {
    private BertWeights() {}

    /** Tensors by name, created in {@code manager}. */
    public static Map<String, NDArray> read(NDManager manager, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new GraftException("no weights file at " + file, "a model folder needs model.safetensors");
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 20)) {
            NDList list = NDList.decode(manager, in);
            Map<String, NDArray> out = new LinkedHashMap<>();
            for (NDArray a : list) {
                out.put(a.getName(), a);
            }
            return out;
        } catch (IOException | RuntimeException e) {
            throw new GraftException("cannot read " + file + ": " + e.getMessage(), "check that it is a complete safetensors file", e);
        }
    }

    /** Writes the parameters' current values (atomically: a temporary file, then a rename). */
    public static void write(Map<String, Parameter> stateDict, Path file) {
        NDList list = new NDList();
        for (Map.Entry<String, Parameter> e : stateDict.entrySet()) {
            NDArray a = e.getValue().getArray().duplicate();
            a.setName(e.getKey());
            list.add(a);
        }
        try {
            encode(list, file);
        } finally {
            list.close();
        }
    }

    /** Writes plain float tensors (used by importers, before any model exists). */
    public static void writeTensors(NDManager manager, Map<String, OnnxBertImporter.StateTensor> tensors, Path file) {
        try (NDManager sub = manager.newSubManager()) {
            NDList list = new NDList();
            for (Map.Entry<String, OnnxBertImporter.StateTensor> e : tensors.entrySet()) {
                NDArray a = sub.create(e.getValue().data(), new Shape(e.getValue().shape()));
                a.setName(e.getKey());
                list.add(a);
            }
            encode(list, file);
        }
    }

    private static void encode(NDList list, Path file) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
                list.encode(out, NDList.Encoding.SAFETENSORS);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new GraftException("cannot write " + file + ": " + e.getMessage(), "check the folder is writable and has space", e);
        }
    }
}
