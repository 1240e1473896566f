package dev.graft.onnx;

import dev.graft.GraftException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A minimal reader of the protobuf wire format over a byte buffer: enough to walk ONNX messages
 * field by field without generated classes (and without copying large tensors).
 *
 * <pre>{@code
 * ProtoReader r = new ProtoReader(buffer);
 * while (r.next()) {
 *     if (r.field() == 8) { name = r.string(); } else { r.skip(); }
 * }
 * }</pre>
 */
public final class ProtoReader {
    /** Wire types of the protobuf encoding. */
    public static final int VARINT = 0;
    public static final int FIXED64 = 1;
    public static final int LENGTH_DELIMITED = 2;
    public static final int FIXED32 = 5;

    private final ByteBuffer buf;
    private final int end;
    private int field;
    private int wireType;

    /** Reads the remaining bytes of {@code buffer} (position to limit) as one message. */
    public ProtoReader(ByteBuffer buffer) {
        this.buf = buffer.slice().order(ByteOrder.LITTLE_ENDIAN);
        this.end = buf.limit();
    }

    /** Advances to the next field; false at the end of the message. */
    public boolean next() {
        if (buf.position() >= end) {
            return false;
        }
        long key = readVarint();
        field = (int) (key >>> 3);
        wireType = (int) (key & 7);
        if (field <= 0) {
            throw new OnnxFormatException("field number " + field + " at byte " + buf.position());
        }
        return true;
    }

    public int field() {
        return field;
    }

    public int wireType() {
        return wireType;
    }

    /** The current field as a varint (int32/int64/enum/bool); an error if the field has another wire type. */
    public long varint() {
        expect(VARINT);
        return readVarint();
    }

    private long readVarint() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (buf.position() >= end) {
                throw new OnnxFormatException("truncated varint");
            }
            byte b = buf.get();
            result |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new OnnxFormatException("varint longer than 10 bytes");
    }

    /** The current length-delimited field as a view of its bytes (no copy). */
    public ByteBuffer bytes() {
        expect(LENGTH_DELIMITED);
        long len = readVarint();
        if (len < 0 || len > end - buf.position()) {
            throw new OnnxFormatException("field " + field + " claims " + len + " bytes but only "
                    + (end - buf.position()) + " remain");
        }
        ByteBuffer view = buf.slice().limit((int) len).order(ByteOrder.LITTLE_ENDIAN);
        buf.position(buf.position() + (int) len);
        return view;
    }

    /** The current length-delimited field as UTF-8 text. */
    public String string() {
        ByteBuffer b = bytes();
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return new String(a, StandardCharsets.UTF_8);
    }

    /** The current length-delimited field as a nested message. */
    public ProtoReader message() {
        return new ProtoReader(bytes());
    }

    /** A 32-bit float field. */
    public float fixed32Float() {
        expect(FIXED32);
        need(4);
        return buf.getFloat();
    }

    /** Appends a repeated int64 field, packed or not, to {@code out}. */
    public void int64s(java.util.List<Long> out) {
        if (wireType == LENGTH_DELIMITED) {
            ProtoReader packed = new ProtoReader(bytes());
            while (packed.buf.position() < packed.end) {
                out.add(packed.readVarint());
            }
        } else {
            expect(VARINT);
            out.add(varint());
        }
    }

    /** Skips the current field's value. */
    public void skip() {
        switch (wireType) {
            case VARINT -> readVarint();
            case FIXED64 -> advance(8);
            case LENGTH_DELIMITED -> bytes();
            case FIXED32 -> advance(4);
            default -> throw new OnnxFormatException("unsupported wire type " + wireType + " for field " + field);
        }
    }

    private void advance(int n) {
        need(n);
        buf.position(buf.position() + n);
    }

    private void need(int n) {
        if (end - buf.position() < n) {
            throw new OnnxFormatException("truncated field " + field);
        }
    }

    private void expect(int type) {
        if (wireType != type) {
            throw new OnnxFormatException("field " + field + " has wire type " + wireType + ", expected " + type);
        }
    }

    /** The bytes are not a well-formed protobuf message (a {@link GraftException}: the file is damaged). */
    public static final class OnnxFormatException extends GraftException {
        public OnnxFormatException(String message) {
            super(message, "check that the file is a complete, undamaged ONNX export");
        }
    }
}
