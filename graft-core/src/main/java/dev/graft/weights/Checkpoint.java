package dev.graft.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.GraftException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A checkpoint as transformers writes and reads it: one safetensors file, or an index
 * ({@code model.safetensors.index.json}, written by {@code save_pretrained(max_shard_size=...)}:
 * {@code {"metadata": {"total_size": N}, "weight_map": {"tensor.name": "model-00001-of-00002.safetensors"}}})
 * naming the shards, which lie in the same folder. Every shard is opened and checked on
 * {@link #open}: a missing or damaged shard, or an index that does not agree with its shards, fails
 * there with one line naming the file.
 *
 * <pre>{@code
 * try (Checkpoint ck = Checkpoint.open(Checkpoint.locate(dir));
 *      NDManager nd = NDManager.newBaseManager()) {
 *     NDArray w = ck.toNDArray(nd, "conv1.weight");
 *     List<Path> files = ck.shards();
 * }
 * }</pre>
 */
public final class Checkpoint implements TensorIndex, AutoCloseable {
    /** The single-file checkpoint inside a model folder. */
    public static final String SINGLE_FILE = "model.safetensors";
    /** The index of a sharded checkpoint inside a model folder. */
    public static final String INDEX_FILE = "model.safetensors.index.json";
    /** Largest index accepted: transformers' indexes of the largest models are a few MB. */
    public static final long MAX_INDEX_BYTES = 64L * 1024 * 1024;
    private static final ObjectMapper STRICT_JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final Path file;
    private final boolean sharded;
    private final List<SafeTensors> shards;
    private final Map<String, SafeTensors> shardOf;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private Checkpoint(Path file, boolean sharded, List<SafeTensors> shards, Map<String, SafeTensors> shardOf,
            Map<String, TensorInfo> tensors, Map<String, String> metadata) {
        this.file = file;
        this.sharded = sharded;
        this.shards = List.copyOf(shards);
        this.shardOf = shardOf;
        this.tensors = Collections.unmodifiableMap(tensors);
        this.metadata = Collections.unmodifiableMap(metadata);
    }

    /** Whether {@code file} names a sharded checkpoint's index (a {@code .json} file) rather than a safetensors file. */
    public static boolean isIndex(Path file) {
        return file.getFileName() != null && file.getFileName().toString().endsWith(".json");
    }

    /**
     * The checkpoint of a model folder: {@code model.safetensors} when present, else
     * {@code model.safetensors.index.json} when present, else null.
     */
    public static Path find(Path dir) {
        Path single = dir.resolve(SINGLE_FILE);
        if (Files.isRegularFile(single)) {
            return single;
        }
        Path index = dir.resolve(INDEX_FILE);
        return Files.isRegularFile(index) ? index : null;
    }

    /** As {@link #find(Path)}, but {@code dir/model.safetensors} when neither exists (so opening it says what is missing). */
    public static Path locate(Path dir) {
        Path p = find(dir);
        return p != null ? p : dir.resolve(SINGLE_FILE);
    }

    /** Opens a safetensors file, or the index of a sharded checkpoint and every shard it names. */
    public static Checkpoint open(Path file) {
        if (!isIndex(file)) {
            SafeTensors st = SafeTensors.open(file);
            return new Checkpoint(file, false, List.of(st), null, new LinkedHashMap<>(st.tensors()), new LinkedHashMap<>(st.metadata()));
        }
        return openIndex(file);
    }

    private static Checkpoint openIndex(Path index) {
        String fix = "re-save the checkpoint (transformers' save_pretrained writes the index and its shards together)";
        JsonNode root = readIndex(index, fix);
        JsonNode map = root.get("weight_map");
        if (map == null || !map.isObject()) {
            throw new GraftException("index " + index + " has no \"weight_map\" object (tensor name to shard file)", fix);
        }
        if (map.isEmpty()) {
            throw new GraftException("index " + index + " has an empty \"weight_map\"", fix);
        }
        Map<String, String> meta = new LinkedHashMap<>();
        JsonNode m = root.get("metadata");
        if (m != null && !m.isNull()) {
            if (!m.isObject()) {
                throw new GraftException("index " + index + ": \"metadata\" must be an object", fix);
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                meta.put(e.getKey(), e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString());
            }
        }
        Map<String, String> shardNameOf = new LinkedHashMap<>();
        List<String> shardNames = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (!v.isTextual() || v.asText().isEmpty()) {
                throw new GraftException("index " + index + " maps tensor '" + e.getKey() + "' to " + v + ", not a shard file name", fix);
            }
            String shard = v.asText();
            if (shard.contains("/") || shard.contains("\\") || shard.equals(".") || shard.equals("..")) {
                throw new GraftException("index " + index + " names shard '" + shard + "', which is not a file next to the index",
                        "shards must lie in the index's folder; " + fix);
            }
            shardNameOf.put(e.getKey(), shard);
            if (!shardNames.contains(shard)) {
                shardNames.add(shard);
            }
        }
        // Shards in name order (model-00001-of-0000n first), whatever order the weight_map lists them in.
        Collections.sort(shardNames);
        List<SafeTensors> opened = new ArrayList<>();
        try {
            Map<String, SafeTensors> byName = new LinkedHashMap<>();
            for (String name : shardNames) {
                Path shard = index.resolveSibling(name);
                if (!Files.isRegularFile(shard)) {
                    throw new GraftException("shard " + name + " named by index " + index + " is missing (it must lie next to the index)",
                            "download every shard the index names into that folder (hf-hub: sources do), or " + fix);
                }
                try {
                    opened.add(SafeTensors.open(shard));
                } catch (GraftException g) {
                    throw new GraftException("shard " + name + " of index " + index + " is damaged or truncated: " + g.getMessage(),
                            "download the shard again, or " + fix, g);
                }
                byName.put(name, opened.get(opened.size() - 1));
            }
            for (Map.Entry<String, String> e : shardNameOf.entrySet()) {
                if (!byName.get(e.getValue()).contains(e.getKey())) {
                    throw new GraftException("index " + index + " maps tensor '" + e.getKey() + "' to shard " + e.getValue()
                            + ", which does not hold it", "the index and the shards come from different saves; " + fix);
                }
            }
            // Tensors in shard order, each shard's in its header's order: the order they were saved in
            // (transformers' weight_map lists them sorted by name).
            Map<String, SafeTensors> shardOf = new LinkedHashMap<>();
            Map<String, TensorInfo> tensors = new LinkedHashMap<>();
            for (int i = 0; i < opened.size(); i++) {
                SafeTensors st = opened.get(i);
                for (String n : st.names()) {
                    String listed = shardNameOf.get(n);
                    if (listed == null) {
                        throw new GraftException("shard " + shardNames.get(i) + " holds tensor '" + n + "', which index " + index
                                + " does not list", "the index and the shards come from different saves; " + fix);
                    }
                    // A name held by two shards: the index decides which one, as in transformers.
                    if (listed.equals(shardNames.get(i))) {
                        shardOf.put(n, st);
                        tensors.put(n, st.info(n));
                    }
                }
            }
            return new Checkpoint(index, true, opened, shardOf, tensors, meta);
        } catch (RuntimeException e) {
            opened.forEach(SafeTensors::close);
            throw e;
        }
    }

    private static JsonNode readIndex(Path index, String fix) {
        byte[] bytes;
        try {
            if (Files.size(index) > MAX_INDEX_BYTES) {
                throw new GraftException("index " + index + " is larger than " + MAX_INDEX_BYTES + " bytes", fix);
            }
            bytes = Files.readAllBytes(index);
        } catch (NoSuchFileException e) {
            throw new GraftException("checkpoint index " + index + " does not exist", "check the path");
        } catch (IOException e) {
            throw new GraftException("cannot read " + index + ": " + e.getMessage(), "check the path and its permissions", e);
        }
        JsonNode root;
        try {
            root = STRICT_JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new GraftException("index " + index + " is not valid JSON: " + String.valueOf(e.getOriginalMessage()).replace('\n', ' '), fix);
        } catch (IOException e) {
            throw new GraftException("cannot read " + index + ": " + e.getMessage(), fix, e);
        }
        if (root == null || !root.isObject()) {
            throw new GraftException("index " + index + " is not a JSON object with \"weight_map\"", fix);
        }
        return root;
    }

    /**
     * A shard size as transformers' {@code max_shard_size} takes it: bytes ({@code 1000000}) or a
     * number with a unit, decimal {@code KB}, {@code MB}, {@code GB} (transformers' {@code "5GB"} is
     * 5 * 10^9 bytes) or binary {@code KiB}, {@code MiB}, {@code GiB}.
     */
    public static long parseSize(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\s*(\\d+(?:\\.\\d+)?)\\s*([KMGT]i?B|B)?\\s*",
                java.util.regex.Pattern.CASE_INSENSITIVE).matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new GraftException("'" + text + "' is not a size", "write a size such as 5GB, 500MB, 10MiB or 1000000 (bytes)");
        }
        String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(java.util.Locale.ROOT);
        double scale = switch (unit) {
            case "B" -> 1;
            case "KB" -> 1e3;
            case "MB" -> 1e6;
            case "GB" -> 1e9;
            case "TB" -> 1e12;
            case "KIB" -> 1L << 10;
            case "MIB" -> 1L << 20;
            case "GIB" -> 1L << 30;
            default -> (double) (1L << 40);
        };
        double bytes = Double.parseDouble(m.group(1)) * scale;
        if (bytes < 1 || bytes > Long.MAX_VALUE / 2.0) {
            throw new GraftException("size '" + text + "' is out of range", "write a size such as 5GB, 500MB, 10MiB or 1000000 (bytes)");
        }
        return (long) bytes;
    }

    /**
     * Writes tensors as transformers' {@code save_pretrained(max_shard_size=...)} does: one
     * {@code model.safetensors} when they fit in {@code maxShardBytes}, else shards
     * {@code model-00001-of-0000N.safetensors} (tensors in order, a new shard when the next would
     * overflow; a tensor larger than the limit gets a shard of its own) and
     * {@code model.safetensors.index.json}. Every shard carries {@code metadata}. Any other
     * checkpoint of the folder (a single file or an old index) is removed so one remains. Returns
     * the file to open: the single file or the index.
     */
    public static Path writeSharded(Path dir, List<SafeTensors.Tensor> tensors, Map<String, String> metadata, long maxShardBytes) {
        if (maxShardBytes <= 0) {
            throw new GraftException("max shard size must be positive, not " + maxShardBytes, "give a size such as 5GB or 500MB");
        }
        List<List<SafeTensors.Tensor>> groups = new ArrayList<>();
        List<SafeTensors.Tensor> current = new ArrayList<>();
        long size = 0;
        long total = 0;
        for (SafeTensors.Tensor t : tensors) {
            long bytes = t.data().remaining();
            if (!current.isEmpty() && size + bytes > maxShardBytes) {
                groups.add(current);
                current = new ArrayList<>();
                size = 0;
            }
            current.add(t);
            size += bytes;
            total += bytes;
        }
        groups.add(current);
        try {
            Files.createDirectories(dir);
            if (groups.size() == 1) {
                Path single = dir.resolve(SINGLE_FILE);
                SafeTensors.writeTensors(single, tensors, metadata);
                deleteOldIndex(dir);
                return single;
            }
            deleteOldIndex(dir);
            Files.deleteIfExists(dir.resolve(SINGLE_FILE));
            int n = groups.size();
            com.fasterxml.jackson.databind.node.ObjectNode root = STRICT_JSON.createObjectNode();
            root.putObject("metadata").put("total_size", total);
            com.fasterxml.jackson.databind.node.ObjectNode map = root.putObject("weight_map");
            for (int i = 0; i < n; i++) {
                String name = String.format("model-%05d-of-%05d.safetensors", i + 1, n);
                SafeTensors.writeTensors(dir.resolve(name), groups.get(i), metadata);
                for (SafeTensors.Tensor t : groups.get(i)) {
                    map.put(t.name(), name);
                }
            }
            Path index = dir.resolve(INDEX_FILE);
            Path tmp = dir.resolve(INDEX_FILE + ".tmp");
            Files.writeString(tmp, STRICT_JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
            Files.move(tmp, index, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return index;
        } catch (IOException e) {
            throw new GraftException("cannot write a checkpoint into " + dir + ": " + e.getMessage(), "check the folder is writable", e);
        }
    }

    /** Removes an index and the shards it names (a re-save replaces them). */
    private static void deleteOldIndex(Path dir) throws IOException {
        Path index = dir.resolve(INDEX_FILE);
        if (!Files.isRegularFile(index)) {
            return;
        }
        try {
            JsonNode map = STRICT_JSON.readTree(index.toFile()).get("weight_map");
            if (map != null && map.isObject()) {
                for (JsonNode v : map) {
                    String s = v.asText();
                    if (v.isTextual() && !s.contains("/") && !s.contains("\\") && s.endsWith(".safetensors")) {
                        Files.deleteIfExists(dir.resolve(s));
                    }
                }
            }
        } catch (JsonProcessingException e) {
            // a broken old index: only the index itself goes
        }
        Files.delete(index);
    }

    /** The file this was opened from: the safetensors file or the index. */
    public Path file() {
        return file;
    }

    /** Whether this is a sharded checkpoint (opened from an index). */
    public boolean sharded() {
        return sharded;
    }

    /** The safetensors files holding the tensors, by file name (one for a single file). */
    public List<Path> shards() {
        return shards.stream().map(SafeTensors::file).toList();
    }

    /** Every tensor's description (offsets are within its own shard). */
    @Override
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /** A tensor's description; a {@link GraftException} naming the checkpoint if absent. */
    public TensorInfo info(String name) {
        return holder(name).info(name);
    }

    /** The shard file that holds a tensor. */
    public Path shardOf(String name) {
        return holder(name).file();
    }

    /**
     * The string metadata: a single file's {@code __metadata__}; an index's {@code metadata}
     * (e.g. {@code total_size}) as text.
     */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Bytes on disk of every shard (plus the index), for reports. */
    public long totalFileBytes() {
        long n = 0;
        try {
            for (Path p : shards()) {
                n += Files.size(p);
            }
            if (sharded) {
                n += Files.size(file);
            }
        } catch (IOException e) {
            throw new GraftException("cannot read the size of " + file + ": " + e.getMessage(), "check the files are readable", e);
        }
        return n;
    }

    /** A tensor as a DJL array owned by {@code manager}, as {@link SafeTensors#toNDArray}. */
    public NDArray toNDArray(NDManager manager, String name) {
        return holder(name).toNDArray(manager, name);
    }

    /** Every tensor as a DJL array, in {@link #names()} order. */
    public Map<String, NDArray> toNDArrays(NDManager manager) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (String n : tensors.keySet()) {
            out.put(n, toNDArray(manager, n));
        }
        return out;
    }

    private SafeTensors holder(String name) {
        if (!sharded) {
            return shards.get(0);
        }
        SafeTensors st = shardOf.get(name);
        if (st == null) {
            throw new GraftException(file + " has no tensor '" + name + "'",
                    "it holds " + (tensors.size() <= 8 ? tensors.keySet() : tensors.size() + " tensors"));
        }
        return st;
    }

    @Override
    public void close() {
        shards.forEach(SafeTensors::close);
    }
}
