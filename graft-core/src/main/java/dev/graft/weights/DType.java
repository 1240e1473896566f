package dev.graft.weights;

import ai.djl.ndarray.types.DataType;
import dev.graft.GraftException;

/**
 * The safetensors element types Graft reads and writes, with their sizes and DJL counterparts.
 *
 * <pre>{@code
 * DType t = DType.parse("BF16");   // 2 bytes, DataType.BFLOAT16
 * }</pre>
 */
public enum DType {
    F64(8, DataType.FLOAT64),
    F32(4, DataType.FLOAT32),
    F16(2, DataType.FLOAT16),
    BF16(2, DataType.BFLOAT16),
    I64(8, DataType.INT64),
    I32(4, DataType.INT32),
    I16(2, DataType.INT16),
    I8(1, DataType.INT8),
    U8(1, DataType.UINT8),
    BOOL(1, DataType.BOOLEAN);

    private final int bytes;
    private final DataType djl;

    DType(int bytes, DataType djl) {
        this.bytes = bytes;
        this.djl = djl;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** The DJL data type. */
    public DataType djl() {
        return djl;
    }

    /** The safetensors name, e.g. {@code F32}. */
    public String safetensorsName() {
        return name();
    }

    /** Parses a safetensors dtype name; a {@link GraftException} for any other. */
    public static DType parse(String name) {
        for (DType t : values()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        throw new GraftException("unknown safetensors dtype '" + name + "'",
                "Graft reads F64, F32, F16, BF16, I64, I32, I16, I8, U8 and BOOL; convert the tensor first");
    }

    /** The safetensors type of a DJL data type; a {@link GraftException} when there is none. */
    public static DType of(DataType t) {
        for (DType d : values()) {
            if (d.djl == t) {
                return d;
            }
        }
        throw new GraftException("data type " + t + " has no safetensors equivalent in Graft",
                "cast the array to float32 (or another listed type) before saving");
    }
}
