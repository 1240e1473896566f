package dev.graft.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.GraftException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A safetensors file, memory-mapped: an 8-byte little-endian header length, a JSON header
 * ({@code {name: {dtype, shape, data_offsets}, "__metadata__": {...}}}) and the raw little-endian
 * row-major data. The header is validated completely on {@link #open}, so a hostile file fails there
 * with a {@link GraftException} and never allocates more than its (bounded) header.
 *
 * <pre>{@code
 * try (SafeTensors st = SafeTensors.open(Path.of("model.safetensors"));
 *      NDManager nd = NDManager.newBaseManager()) {
 *     NDArray w = st.toNDArray(nd, "conv1.weight");
 *     Map<String, String> meta = st.metadata();
 * }
 * SafeTensors.write(Path.of("out.safetensors"), Map.of("x", array), Map.of("format", "pt"));
 * }</pre>
 */
public final class SafeTensors implements TensorIndex, AutoCloseable {
    /** Largest header accepted (the reference implementation's limit). */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
    private static final String METADATA = "__metadata__";
    private static final ObjectMapper STRICT_JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafeTensors(Path file, FileChannel channel, long dataStart, Map<String, TensorInfo> tensors,
            Map<String, String> metadata) {
        this.file = file;
        this.channel = channel;
        this.dataStart = dataStart;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    /** Opens and validates a file; the data stays on disk until a tensor is read. */
    public static SafeTensors open(Path file) {
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new GraftException("safetensors file " + file + " does not exist", "check the path");
        } catch (IOException e) {
            throw new GraftException("cannot open " + file + ": " + e.getMessage(), "check the path and its permissions", e);
        }
        try {
            return parse(file, ch);
        } catch (RuntimeException | IOException e) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // the parse error is the one worth reporting
            }
            if (e instanceof GraftException g) {
                throw g;
            }
            throw new GraftException("cannot read " + file + ": " + e.getMessage(), "check that it is a safetensors file", e);
        }
    }

    private static SafeTensors parse(Path file, FileChannel ch) throws IOException {
        long size = ch.size();
        String fix = "the file is not a valid safetensors file; re-export it (e.g. with safetensors.torch.save_file)";
        if (size < 8) {
            throw new GraftException(file + " is " + size + " bytes, shorter than the 8-byte safetensors header length", fix);
        }
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, lenBuf, 0);
        long headerLen = lenBuf.getLong(0);
        if (headerLen < 0 || headerLen > MAX_HEADER_BYTES) {
            throw new GraftException(file + " declares a header of " + Long.toUnsignedString(headerLen)
                    + " bytes, more than the " + MAX_HEADER_BYTES + " allowed", fix);
        }
        if (headerLen > size - 8) {
            throw new GraftException(file + " declares a header of " + headerLen + " bytes but the file has only "
                    + (size - 8) + " after the length", fix + " (the file may be truncated)");
        }
        ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
        readFully(ch, hb, 8);
        Header h = parseHeader(file.toString(), hb.array(), size - 8 - headerLen);
        return new SafeTensors(file, ch, 8 + headerLen, h.tensors(), h.metadata());
    }

    /** A parsed safetensors header: the tensors in header order and {@code __metadata__}. */
    public record Header(Map<String, TensorInfo> tensors, Map<String, String> metadata) {}

    /**
     * Parses and checks a safetensors header (the JSON after the 8-byte length) against a data section
     * of {@code dataSize} bytes, as {@link #open} does; {@code file} names the file in errors. Lets a
     * header read some other way (e.g. with ranged requests of a remote file) get the same checks.
     */
    public static Header parseHeader(String file, byte[] json, long dataSize) {
        String fix = "the file is not a valid safetensors file; re-export it (e.g. with safetensors.torch.save_file)";
        String headerText = new String(json, StandardCharsets.UTF_8);
        JsonNode root;
        try {
            root = STRICT_JSON.readTree(headerText);
        } catch (JsonProcessingException e) {
            String why = e.getOriginalMessage();
            if (why != null && why.startsWith("Duplicate field")) {
                throw new GraftException(file + " has duplicate tensor names in its header: " + why, fix);
            }
            throw new GraftException(file + " has an invalid JSON header: " + why, fix);
        }
        if (root == null || !root.isObject()) {
            throw new GraftException(file + " has a header that is not a JSON object", fix);
        }
        Map<String, String> meta = new LinkedHashMap<>();
        Map<String, TensorInfo> infos = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode v = e.getValue();
            if (name.equals(METADATA)) {
                if (!v.isObject()) {
                    throw new GraftException(file + ": __metadata__ must be an object of strings", fix);
                }
                for (Iterator<Map.Entry<String, JsonNode>> mi = v.fields(); mi.hasNext(); ) {
                    Map.Entry<String, JsonNode> m = mi.next();
                    if (!m.getValue().isTextual()) {
                        throw new GraftException(file + ": __metadata__ value '" + m.getKey() + "' is not a string", fix);
                    }
                    meta.put(m.getKey(), m.getValue().asText());
                }
                continue;
            }
            infos.put(name, parseEntry(file, name, v, fix));
        }
        checkLayout(file, infos, dataSize, fix);
        return new Header(Collections.unmodifiableMap(infos), Collections.unmodifiableMap(meta));
    }

    private static TensorInfo parseEntry(String file, String name, JsonNode v, String fix) {
        if (!v.isObject()) {
            throw new GraftException(file + ": header entry '" + name + "' is not an object", fix);
        }
        JsonNode dt = v.get("dtype");
        JsonNode sh = v.get("shape");
        JsonNode off = v.get("data_offsets");
        if (dt == null || !dt.isTextual() || sh == null || !sh.isArray() || off == null || !off.isArray() || off.size() != 2) {
            throw new GraftException(file + ": tensor '" + name + "' needs dtype, shape and data_offsets [begin, end]", fix);
        }
        DType dtype;
        try {
            dtype = DType.parse(dt.asText());
        } catch (GraftException g) {
            throw new GraftException(file + ": tensor '" + name + "' has " + g.getMessage(), g.fix());
        }
        long[] shape = new long[sh.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = sh.get(i);
            if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0) {
                throw new GraftException(file + ": tensor '" + name + "' has an invalid shape " + sh, fix);
            }
            shape[i] = d.asLong();
            try {
                numel = Math.multiplyExact(numel, shape[i]);
            } catch (ArithmeticException ex) {
                throw new GraftException(file + ": tensor '" + name + "' has a shape " + sh + " too large to exist", fix);
            }
        }
        long begin = offset(file, name, off.get(0), fix);
        long end = offset(file, name, off.get(1), fix);
        if (end < begin) {
            throw new GraftException(file + ": tensor '" + name + "' has data_offsets [" + begin + ", " + end + "] that end before they begin", fix);
        }
        long expected;
        try {
            expected = Math.multiplyExact(numel, (long) dtype.bytes());
        } catch (ArithmeticException ex) {
            throw new GraftException(file + ": tensor '" + name + "' has a shape " + sh + " too large to exist", fix);
        }
        if (end - begin != expected) {
            throw new GraftException(file + ": tensor '" + name + "' is " + dtype + " " + sh + " = " + expected
                    + " bytes but its data_offsets span " + (end - begin) + " bytes", fix);
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private static long offset(String file, String name, JsonNode n, String fix) {
        if (n == null || !n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < 0) {
            throw new GraftException(file + ": tensor '" + name + "' has an invalid data offset " + n, fix);
        }
        return n.asLong();
    }

    /** The data section must be covered exactly once: no gaps, no overlaps, nothing past the end. */
    private static void checkLayout(String file, Map<String, TensorInfo> infos, long dataSize, String fix) {
        List<TensorInfo> sorted = new ArrayList<>(infos.values());
        sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long expected = 0;
        for (TensorInfo t : sorted) {
            if (t.end() > dataSize) {
                throw new GraftException(file + ": tensor '" + t.name() + "' ends at byte " + t.end()
                        + " but the data section has only " + dataSize + " bytes", fix + " (the file may be truncated)");
            }
            if (t.begin() < expected) {
                throw new GraftException(file + ": tensor '" + t.name() + "' overlaps the tensor before it (begins at "
                        + t.begin() + ", previous ends at " + expected + ")", fix);
            }
            if (t.begin() > expected) {
                throw new GraftException(file + ": bytes " + expected + ".." + t.begin() + " before tensor '" + t.name()
                        + "' belong to no tensor", fix);
            }
            expected = t.end();
        }
        if (expected != dataSize) {
            throw new GraftException(file + ": the data section has " + dataSize + " bytes but the tensors cover only "
                    + expected, fix);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        long p = pos;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, p);
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
            p += n;
        }
        buf.flip();
    }

    /** The file this was opened from. */
    public Path file() {
        return file;
    }

    /** Every tensor's description, in header order. */
    @Override
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /** A tensor's description; a {@link GraftException} naming the file if absent. */
    public TensorInfo info(String name) {
        TensorInfo t = tensors.get(name);
        if (t == null) {
            throw new GraftException(file + " has no tensor '" + name + "'",
                    "it holds " + (tensors.size() <= 8 ? tensors.keySet() : tensors.size() + " tensors"));
        }
        return t;
    }

    /** The free-form string metadata ({@code __metadata__}), possibly empty. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The raw little-endian bytes of a tensor, memory-mapped and read-only. */
    public ByteBuffer bytes(String name) {
        TensorInfo t = info(name);
        if (t.byteSize() > Integer.MAX_VALUE) {
            throw new GraftException("tensor '" + name + "' in " + file + " is larger than 2 GiB",
                    "split it into smaller tensors");
        }
        try {
            MappedByteBuffer mb = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + t.begin(), t.byteSize());
            return mb.order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new GraftException("cannot map tensor '" + name + "' of " + file + ": " + e.getMessage(),
                    "check the file is readable", e);
        }
    }

    /**
     * A tensor as a DJL array owned by {@code manager}, of its own type except BF16 (read as exact
     * float32) and I16 (read as int32): the PyTorch engine of DJL aborts on arrays of those two types.
     */
    public NDArray toNDArray(NDManager manager, String name) {
        TensorInfo t = info(name);
        ByteBuffer data = bytes(name);
        if (t.dtype() == DType.BF16 || t.dtype() == DType.I16) {
            return widen(manager, t, data);
        }
        if (t.numel() == 0) {
            return manager.zeros(t.djlShape(), t.dtype().djl());
        }
        // The engine keeps the buffer it is given: hand it a private copy, not the mapping, so a file
        // changed or truncated later cannot reach the array.
        ByteBuffer own = ByteBuffer.allocateDirect(data.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        own.put(data.duplicate()).flip();
        try {
            return manager.create(own, t.djlShape(), t.dtype().djl());
        } catch (UnsupportedOperationException | IllegalArgumentException | ai.djl.engine.EngineException e) {
            throw new GraftException("the engine cannot hold tensor '" + name + "' of type " + t.dtype() + ": " + e.getMessage(),
                    "convert it to F32 or F16 first", e);
        }
    }

    private static NDArray widen(NDManager manager, TensorInfo t, ByteBuffer data) {
        int n = Math.toIntExact(t.numel());
        if (t.dtype() == DType.BF16) {
            float[] out = new float[n];
            for (int i = 0; i < n; i++) {
                // bfloat16 is the upper half of a float32: widening is exact.
                out[i] = Float.intBitsToFloat((data.getShort(2 * i) & 0xffff) << 16);
            }
            return manager.create(out, t.djlShape());
        }
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = data.getShort(2 * i);
        }
        return manager.create(out, t.djlShape());
    }

    /** Every tensor as a DJL array, in header order. */
    public Map<String, NDArray> toNDArrays(NDManager manager) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (String n : tensors.keySet()) {
            out.put(n, toNDArray(manager, n));
        }
        return out;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing to release beyond the descriptor
        }
    }

    /** One tensor to write: name, type, shape and its little-endian bytes. */
    public record Tensor(String name, DType dtype, long[] shape, ByteBuffer data) {
        public Tensor {
            shape = shape.clone();
        }

        /**
         * A tensor holding a DJL array's data converted to {@code as}; BF16 (rounded to nearest
         * even) and I16 are converted here, since the engine cannot hold arrays of those types.
         */
        public static Tensor of(String name, NDArray array, DType as) {
            long[] shape = array.getShape().getShape();
            if (as == DType.BF16) {
                float[] f = array.toType(DataType.FLOAT32, false).toFloatArray();
                ByteBuffer b = ByteBuffer.allocate(2 * f.length).order(ByteOrder.LITTLE_ENDIAN);
                for (float v : f) {
                    int bits = Float.floatToRawIntBits(v);
                    int rounded = Float.isNaN(v) ? (bits >>> 16) | 0x40 : (bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16;
                    b.putShort((short) rounded);
                }
                return new Tensor(name, as, shape, b.flip());
            }
            if (as == DType.I16) {
                int[] v = array.toType(DataType.INT32, false).toIntArray();
                ByteBuffer b = ByteBuffer.allocate(2 * v.length).order(ByteOrder.LITTLE_ENDIAN);
                for (int x : v) {
                    b.putShort((short) x);
                }
                return new Tensor(name, as, shape, b.flip());
            }
            return of(name, array.getDataType() == as.djl() ? array : array.toType(as.djl(), false));
        }

        /** A float32 tensor of {@code data} in row-major order. */
        public static Tensor ofFloats(String name, long[] shape, float[] data) {
            ByteBuffer b = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(data);
            return new Tensor(name, DType.F32, shape, b);
        }

        /** A tensor holding a DJL array's data (copied out of the engine). */
        public static Tensor of(String name, NDArray array) {
            DType t = DType.of(array.getDataType());
            ByteBuffer data = array.getShape().size() == 0
                    ? ByteBuffer.allocate(0)
                    : array.toByteBuffer().order(ByteOrder.nativeOrder());
            if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN && t.bytes() > 1) {
                throw new GraftException("writing safetensors needs a little-endian machine", "run on x86_64 or arm64");
            }
            return new Tensor(name, t, array.getShape().getShape(), data);
        }
    }

    /** Writes DJL arrays (in map order) and string metadata; the file appears atomically. */
    public static void write(Path file, Map<String, NDArray> arrays, Map<String, String> metadata) {
        List<Tensor> list = new ArrayList<>();
        arrays.forEach((k, v) -> list.add(Tensor.of(k, v)));
        writeTensors(file, list, metadata);
    }

    /** Writes raw tensors (in list order) and string metadata; the file appears atomically. */
    public static void writeTensors(Path file, List<Tensor> tensors, Map<String, String> metadata) {
        ObjectNode header = STRICT_JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode m = header.putObject(METADATA);
            metadata.forEach(m::put);
        }
        long offset = 0;
        for (Tensor t : tensors) {
            if (header.has(t.name()) || METADATA.equals(t.name())) {
                throw new GraftException("tensor name '" + t.name() + "' is used twice (or reserved)", "give every tensor its own name");
            }
            long numel = 1;
            for (long d : t.shape()) {
                numel *= d;
            }
            long bytes = numel * t.dtype().bytes();
            if (t.data().remaining() != bytes) {
                throw new GraftException("tensor '" + t.name() + "' is " + t.dtype() + " " + java.util.Arrays.toString(t.shape())
                        + " = " + bytes + " bytes but " + t.data().remaining() + " bytes were given", "pass data matching the shape");
            }
            ObjectNode e = header.putObject(t.name());
            e.put("dtype", t.dtype().safetensorsName());
            var sh = e.putArray("shape");
            for (long d : t.shape()) {
                sh.add(d);
            }
            var off = e.putArray("data_offsets");
            off.add(offset);
            off.add(offset + bytes);
            offset += bytes;
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        // Pad the header with spaces to a multiple of 8 so the data section is aligned, as the reference writer does.
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded);
        head.put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                writeFully(out, head);
                for (Tensor t : tensors) {
                    writeFully(out, t.data().duplicate());
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new GraftException("cannot write " + file + ": " + e.getMessage(), "check the folder exists and is writable", e);
        }
    }

    private static void writeFully(FileChannel out, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            out.write(b);
        }
    }

    /** Convenience: the data type of a stored tensor in DJL terms. */
    public DataType dataType(String name) {
        return info(name).dtype().djl();
    }
}
