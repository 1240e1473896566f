package dev.graft.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Builds protobuf bytes by hand for tests (the inverse of {@link ProtoReader}). */
public final class ProtoWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public ProtoWriter varint(int field, long value) {
        key(field, 0);
        raw(value);
        return this;
    }

    public ProtoWriter bytes(int field, byte[] value) {
        key(field, 2);
        raw(value.length);
        out.writeBytes(value);
        return this;
    }

    public ProtoWriter string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    public ProtoWriter message(int field, ProtoWriter nested) {
        return bytes(field, nested.toByteArray());
    }

    public byte[] toByteArray() {
        return out.toByteArray();
    }

    /** A TensorProto of float32 values in raw_data. */
    public static ProtoWriter floatTensor(String name, long[] dims, float[] values) {
        ProtoWriter t = new ProtoWriter();
        for (long d : dims) {
            t.varint(1, d);
        }
        t.varint(2, 1);
        t.string(8, name);
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        t.bytes(9, b.array());
        return t;
    }

    /** A NodeProto. */
    public static ProtoWriter node(String op, String[] inputs, String[] outputs) {
        ProtoWriter n = new ProtoWriter();
        for (String i : inputs) {
            n.string(1, i);
        }
        for (String o : outputs) {
            n.string(2, o);
        }
        n.string(3, "/" + op + "_" + outputs[0]);
        n.string(4, op);
        return n;
    }

    private void key(int field, int wire) {
        raw(((long) field << 3) | wire);
    }

    private void raw(long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }
}
