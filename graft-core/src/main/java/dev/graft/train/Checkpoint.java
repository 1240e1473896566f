package dev.graft.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import dev.graft.GraftException;
import dev.graft.weights.SafeTensors;
import dev.graft.zoo.Weights;
import dev.graft.util.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A resumable snapshot of a run: every model parameter and buffer ({@code model.safetensors}), the
 * optimizer's buffers ({@code optimizer.safetensors}) and the loop state ({@code state.json}: epoch,
 * batch, step, early-stopping state, metrics so far, seed). Random streams are derived from the seed
 * and the step, so the loop state is also the RNG state. Written to a temporary folder and renamed,
 * so an interruption never leaves a half-written checkpoint.
 *
 * <pre>{@code
 * Checkpoint.save(runDir.resolve("checkpoint"), model.stateDict(), optimizer, state);
 * LoopState s = Checkpoint.load(runDir.resolve("checkpoint"), model.stateDict(), optimizer);
 * }</pre>
 */
public final class Checkpoint {
    public static final String MODEL_FILE = "model.safetensors";
    public static final String OPTIMIZER_FILE = "optimizer.safetensors";
    public static final String STATE_FILE = "state.json";

    private Checkpoint() {}

    /** Writes a checkpoint into {@code dir}, replacing an older one atomically. */
    public static void save(Path dir, Map<String, Parameter> stateDict, GroupedOptimizer optimizer, LoopState state) {
        Path tmp = dir.resolveSibling(dir.getFileName() + ".tmp");
        Path old = dir.resolveSibling(dir.getFileName() + ".old");
        try {
            deleteTree(tmp);
            Files.createDirectories(tmp);
            writeArrays(tmp.resolve(MODEL_FILE), stateDict);
            try (NDScope scope = new NDScope()) {
                writeList(tmp.resolve(OPTIMIZER_FILE), optimizer.stateArrays());
            }
            Json.MAPPER.writeValue(tmp.resolve(STATE_FILE).toFile(), state);
            deleteTree(old);
            if (Files.exists(dir)) {
                Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            deleteTree(old);
        } catch (IOException e) {
            throw new GraftException("cannot write checkpoint " + dir + ": " + e.getMessage(), "check the run folder is writable and has space", e);
        }
    }

    /** Restores model and optimizer from {@code dir} and returns the loop state to continue from. */
    public static LoopState load(Path dir, Map<String, Parameter> stateDict, GroupedOptimizer optimizer) {
        if (!Files.isRegularFile(dir.resolve(STATE_FILE))) {
            Path old = dir.resolveSibling(dir.getFileName() + ".old");
            if (Files.isRegularFile(old.resolve(STATE_FILE))) {
                dir = old; // interrupted between the two renames: the previous checkpoint is complete
            } else {
                throw new GraftException("no checkpoint in " + dir, "pass the run folder of an earlier fine-tuning run (it holds checkpoint/state.json)");
            }
        }
        try {
            LoopState state = Json.MAPPER.readValue(dir.resolve(STATE_FILE).toFile(), LoopState.class);
            try (NDManager nd = NDManager.newBaseManager()) {
                readInto(dir.resolve(MODEL_FILE), stateDict, nd);
                optimizer.loadState(readList(dir.resolve(OPTIMIZER_FILE), nd), state.step());
            }
            return state;
        } catch (java.nio.file.NoSuchFileException e) {
            throw new GraftException("checkpoint " + dir + " is incomplete: " + e.getFile() + " is missing",
                    "resume from another run folder, or start the run again", e);
        } catch (IOException e) {
            throw new GraftException("cannot read checkpoint " + dir + ": " + e.getMessage(), "the checkpoint is damaged; resume from another run folder", e);
        }
    }

    /** Writes parameters under their state-dict keys as safetensors, through the one export ({@link Weights#saveStateDict}). */
    public static void writeArrays(Path file, Map<String, Parameter> stateDict) {
        Weights.saveStateDict(stateDict, file, Map.of());
    }

    private static void writeList(Path file, NDList list) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            list.encode(out, NDList.Encoding.SAFETENSORS);
        }
    }

    private static NDList readList(Path file, NDManager nd) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return NDList.decode(nd, in);
        }
    }

    /** Copies the arrays of a safetensors file into the parameters with the same keys; every key must be present. */
    public static void readInto(Path file, Map<String, Parameter> stateDict, NDManager nd) throws IOException {
        Map<String, NDArray> byName;
        try (SafeTensors st = SafeTensors.open(file)) {
            byName = st.toNDArrays(nd);
        }
        for (Map.Entry<String, Parameter> e : stateDict.entrySet()) {
            NDArray src = byName.get(e.getKey());
            NDArray dst = e.getValue().getArray();
            if (src == null || !src.getShape().equals(dst.getShape())) {
                throw new GraftException("checkpoint " + file + " does not fit the model at '" + e.getKey() + "'"
                        + (src == null ? " (missing)" : " (shape " + src.getShape() + " vs " + dst.getShape() + ")"),
                        "resume with the same model and number of classes as the interrupted run");
            }
            dst.set(src.toType(dst.getDataType(), false).toByteBuffer());
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(q);
            }
        }
    }
}
