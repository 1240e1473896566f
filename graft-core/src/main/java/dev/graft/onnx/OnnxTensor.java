package dev.graft.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One ONNX {@code TensorProto} (an initializer or a constant): name, element type, dims and data.
 *
 * @param name tensor name, e.g. {@code embeddings.word_embeddings.weight} or {@code onnx::MatMul_1234}
 * @param dataType ONNX element type ({@link #FLOAT} = 1, {@link #INT64} = 7, ...)
 * @param dims shape
 * @param rawData little-endian bytes ({@code raw_data}), or null when the values are in {@code floatData}
 * @param floatData values of {@code float_data}, or null
 */
public record OnnxTensor(String name, int dataType, long[] dims, ByteBuffer rawData, float[] floatData) {
    public static final int FLOAT = 1;
    public static final int INT32 = 6;
    public static final int INT64 = 7;

    /** Number of elements (product of dims; 1 for a scalar); an error if the product overflows. */
    public long size() {
        long n = 1;
        for (long d : dims) {
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                throw new OnnxGraph.OnnxException("tensor '" + name + "' has dims " + Arrays.toString(dims) + ", too large to exist");
            }
        }
        return n;
    }

    /** The values as float32, checking that the stored data matches the dims. */
    public float[] floats() {
        if (dataType != FLOAT) {
            throw new OnnxGraph.OnnxException("tensor '" + name + "' has ONNX data type " + dataType + ", not float32");
        }
        long n = size();
        if (floatData != null && floatData.length > 0) {
            if (floatData.length != n) {
                throw new OnnxGraph.OnnxException("tensor '" + name + "' has " + floatData.length
                        + " float_data values for dims " + Arrays.toString(dims));
            }
            return floatData.clone();
        }
        // Compared as remaining / 4 (not n * 4): dims whose byte count overflows a long must not match.
        if (rawData == null || rawData.remaining() % 4 != 0 || rawData.remaining() / 4 != n) {
            throw new OnnxGraph.OnnxException("tensor '" + name + "' has " + (rawData == null ? 0 : rawData.remaining())
                    + " bytes of raw_data for dims " + Arrays.toString(dims) + " (expected " + n + " floats)");
        }
        float[] out = new float[(int) n];
        rawData.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }
}
