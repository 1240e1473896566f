package dev.graft.onnx;

import dev.graft.GraftException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of an ONNX model Graft needs to import weights: the initializers (named tensors) and
 * the graph's nodes, read straight from the protobuf bytes (ModelProto field 7 = graph; GraphProto
 * 1 = node, 5 = initializer, 11/12 = inputs/outputs; TensorProto 1 = dims, 2 = data_type,
 * 4 = float_data, 8 = name, 9 = raw_data, 14 = data_location).
 *
 * <pre>{@code
 * OnnxGraph g = OnnxGraph.read(Path.of("model.onnx"));
 * float[] w = g.initializer("embeddings.word_embeddings.weight").floats();
 * for (OnnxNode n : g.nodes()) { ... n.opType() ... }
 * }</pre>
 */
public final class OnnxGraph {
    private final long irVersion;
    private final String producer;
    private final Map<String, OnnxTensor> initializers;
    private final List<OnnxNode> nodes;
    private final List<String> inputs;
    private final List<String> outputs;

    private OnnxGraph(long irVersion, String producer, Map<String, OnnxTensor> initializers, List<OnnxNode> nodes,
            List<String> inputs, List<String> outputs) {
        this.irVersion = irVersion;
        this.producer = producer;
        this.initializers = Collections.unmodifiableMap(initializers);
        this.nodes = List.copyOf(nodes);
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
    }

    /** Reads an ONNX file (memory-mapped, tensors are not copied until asked for). */
    public static OnnxGraph read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (ch.size() > Integer.MAX_VALUE) {
                throw new GraftException("ONNX file " + file + " is larger than 2 GiB", "Graft imports single-file ONNX models up to 2 GiB");
            }
            ByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
            return parse(buf, file.getFileName().toString());
        } catch (IOException e) {
            throw new GraftException("cannot read ONNX file " + file + ": " + e.getMessage(), "check the path and permissions", e);
        }
    }

    /**
     * Parses a serialised ModelProto.
     *
     * @param what a name for error messages (usually the file name)
     */
    public static OnnxGraph parse(ByteBuffer bytes, String what) {
        try {
            return parseModel(new ProtoReader(bytes.order(ByteOrder.LITTLE_ENDIAN)), what);
        } catch (ProtoReader.OnnxFormatException | OnnxException e) {
            throw new GraftException("'" + what + "' is not a readable ONNX model: " + e.getMessage(),
                    "check that the file is a complete ONNX export (ModelProto with a graph and its weights)", e);
        }
    }

    private static OnnxGraph parseModel(ProtoReader model, String what) {
        long ir = -1;
        String producer = "";
        ByteBuffer graph = null;
        while (model.next()) {
            switch (model.field()) {
                case 1 -> ir = model.varint();
                case 2 -> producer = model.string();
                case 7 -> graph = model.bytes();
                default -> model.skip();
            }
        }
        if (ir < 1 || graph == null) {
            throw new OnnxException("no " + (ir < 1 ? "ir_version" : "graph") + " in the model");
        }
        Map<String, OnnxTensor> inits = new LinkedHashMap<>();
        List<OnnxNode> nodes = new ArrayList<>();
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        ProtoReader g = new ProtoReader(graph);
        while (g.next()) {
            switch (g.field()) {
                case 1 -> nodes.add(parseNode(g.message()));
                case 5 -> {
                    OnnxTensor t = parseTensor(g.message());
                    inits.put(t.name(), t);
                }
                case 11 -> inputs.add(valueInfoName(g.message()));
                case 12 -> outputs.add(valueInfoName(g.message()));
                default -> g.skip();
            }
        }
        if (nodes.isEmpty()) {
            throw new OnnxException("the graph has no nodes");
        }
        return new OnnxGraph(ir, producer, inits, nodes, inputs, outputs);
    }

    private static OnnxNode parseNode(ProtoReader r) {
        List<String> in = new ArrayList<>();
        List<String> out = new ArrayList<>();
        String name = "";
        String op = "";
        while (r.next()) {
            switch (r.field()) {
                case 1 -> in.add(r.string());
                case 2 -> out.add(r.string());
                case 3 -> name = r.string();
                case 4 -> op = r.string();
                default -> r.skip();
            }
        }
        if (op.isEmpty()) {
            throw new OnnxException("a node without op_type");
        }
        return new OnnxNode(name, op, in, out);
    }

    static OnnxTensor parseTensor(ProtoReader r) {
        List<Long> dims = new ArrayList<>();
        int type = 0;
        String name = "";
        ByteBuffer raw = null;
        float[] floats = null;
        List<Float> unpacked = null;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> r.int64s(dims);
                case 2 -> type = (int) r.varint();
                case 4 -> {
                    if (r.wireType() == ProtoReader.LENGTH_DELIMITED) {
                        ByteBuffer b = r.bytes();
                        if (b.remaining() % 4 != 0) {
                            throw new OnnxException("tensor '" + name + "' has packed float_data of " + b.remaining()
                                    + " bytes, not a whole number of floats");
                        }
                        floats = new float[b.remaining() / 4];
                        b.asFloatBuffer().get(floats);
                    } else {
                        if (unpacked == null) {
                            unpacked = new ArrayList<>();
                        }
                        unpacked.add(r.fixed32Float());
                    }
                }
                case 8 -> name = r.string();
                case 9 -> raw = r.bytes();
                case 14 -> {
                    if (r.varint() == 1) {
                        throw new OnnxException("tensor '" + name + "' keeps its data in an external file");
                    }
                }
                default -> r.skip();
            }
        }
        if (unpacked != null) {
            floats = new float[unpacked.size()];
            for (int i = 0; i < floats.length; i++) {
                floats[i] = unpacked.get(i);
            }
        }
        long[] d = new long[dims.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = dims.get(i);
            if (d[i] < 0) {
                throw new OnnxException("tensor '" + name + "' has a negative dimension");
            }
        }
        return new OnnxTensor(name, type, d, raw, floats);
    }

    private static String valueInfoName(ProtoReader r) {
        String name = "";
        while (r.next()) {
            if (r.field() == 1) {
                name = r.string();
            } else {
                r.skip();
            }
        }
        return name;
    }

    public long irVersion() {
        return irVersion;
    }

    public String producer() {
        return producer;
    }

    /** Initializers by name, in file order. */
    public Map<String, OnnxTensor> initializers() {
        return initializers;
    }

    /** The initializer called {@code name}; an error if there is none. */
    public OnnxTensor initializer(String name) {
        OnnxTensor t = initializers.get(name);
        if (t == null) {
            throw new GraftException("the ONNX graph has no initializer '" + name + "'",
                    "the file is not the model Graft expects; check its source");
        }
        return t;
    }

    /** Nodes in graph order. */
    public List<OnnxNode> nodes() {
        return nodes;
    }

    /** Graph input names (initializers excluded where the exporter listed them). */
    public List<String> inputs() {
        return inputs;
    }

    public List<String> outputs() {
        return outputs;
    }

    /** Nodes that read tensor {@code name}. */
    public List<OnnxNode> consumers(String name) {
        List<OnnxNode> out = new ArrayList<>();
        for (OnnxNode n : nodes) {
            if (n.inputs().contains(name)) {
                out.add(n);
            }
        }
        return out;
    }

    /**
     * A structural problem in an ONNX file. A {@link GraftException}, so a damaged file is reported as
     * one clear line wherever it is found, also after parsing (e.g. tensor data that does not fit its dims).
     */
    public static final class OnnxException extends GraftException {
        public OnnxException(String message) {
            super(message, "check that the file is a complete ONNX export (ModelProto with a graph and its weights)");
        }
    }
}
