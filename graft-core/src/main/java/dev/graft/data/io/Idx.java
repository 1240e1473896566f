package dev.graft.data.io;

import dev.graft.GraftException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST: a 4-byte magic {@code 0 0 TYPE NDIMS},
 * NDIMS big-endian 32-bit sizes, then the values row-major. Only unsigned bytes (type {@code 0x08})
 * are read, which is what image and label files use. gzip-compressed files are recognised by
 * their content, not their name.
 *
 * <pre>{@code
 * Idx.Array images = Idx.read(Path.of("train-images-idx3-ubyte.gz"));  // dims [60000, 28, 28]
 * }</pre>
 */
public final class Idx {
    /** Unsigned byte, the only element type image and label files use. */
    public static final int TYPE_UBYTE = 0x08;

    private Idx() {}

    /**
     * An IDX array of unsigned bytes.
     *
     * @param dims sizes, outermost first
     * @param data values row-major (read with {@code & 0xff})
     */
    public record Array(int[] dims, byte[] data) {
        /** Number of items along the first dimension. */
        public int count() {
            return dims[0];
        }

        /** Values per item: the product of all dimensions but the first. */
        public int itemSize() {
            int n = 1;
            for (int i = 1; i < dims.length; i++) {
                n *= dims[i];
            }
            return n;
        }
    }

    /** Reads a whole IDX file (raw or gzip); errors name the file and what is wrong with it. */
    public static Array read(Path file) {
        try (InputStream raw = Files.newInputStream(file)) {
            return read(open(new BufferedInputStream(raw, 1 << 16)), file);
        } catch (NoSuchFileException e) {
            throw new GraftException("IDX file " + file + " does not exist", "check the path");
        } catch (ZipException e) {
            throw new GraftException("IDX file " + file + " is not valid gzip: " + e.getMessage(),
                    "fetch the file again; it is damaged");
        } catch (EOFException e) {
            throw new GraftException("IDX file " + file + " is truncated (the compressed stream ends early)",
                    "fetch the file again; it is incomplete");
        } catch (IOException e) {
            throw new GraftException("cannot read IDX file " + file + ": " + e.getMessage(), "check the file", e);
        }
    }

    private static InputStream open(BufferedInputStream in) throws IOException {
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        return b0 == 0x1f && b1 == 0x8b ? new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16) : in;
    }

    private static Array read(InputStream in, Path file) throws IOException {
        DataInputStream data = new DataInputStream(in);
        byte[] magic = new byte[4];
        int got = data.readNBytes(magic, 0, 4);
        if (got < 4) {
            throw new GraftException("IDX file " + file + " is too short to hold a header (" + got + " bytes)",
                    "fetch the file again; it is empty or incomplete");
        }
        if (magic[0] != 0 || magic[1] != 0) {
            throw new GraftException(String.format("IDX file %s has a wrong magic number %02x %02x %02x %02x (expected 00 00 08 NN)",
                    file, magic[0], magic[1], magic[2], magic[3]), "this is not an IDX file; check the path");
        }
        int type = magic[2] & 0xff;
        if (type != TYPE_UBYTE) {
            throw new GraftException(String.format("IDX file %s holds element type 0x%02x", file, type),
                    "only unsigned-byte IDX files (type 0x08) are supported");
        }
        int ndims = magic[3] & 0xff;
        if (ndims < 1 || ndims > 4) {
            throw new GraftException("IDX file " + file + " declares " + ndims + " dimensions", "expected 1 (labels) to 4 (images with channels)");
        }
        int[] dims = new int[ndims];
        long total = 1;
        for (int i = 0; i < ndims; i++) {
            byte[] b = new byte[4];
            if (data.readNBytes(b, 0, 4) < 4) {
                throw new GraftException("IDX file " + file + " is truncated inside its header", "fetch the file again; it is incomplete");
            }
            dims[i] = ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
            if (dims[i] < 0) {
                throw new GraftException("IDX file " + file + " has a negative size " + dims[i] + " in dimension " + i, "the header is damaged");
            }
            total *= dims[i];
        }
        if (total > Integer.MAX_VALUE - 16) {
            throw new GraftException("IDX file " + file + " declares " + total + " values " + Arrays.toString(dims),
                    "files over 2 GiB are not supported; split the data set");
        }
        byte[] values = new byte[(int) total];
        int read = data.readNBytes(values, 0, values.length);
        if (read < values.length) {
            throw new GraftException("IDX file " + file + " is truncated: the header " + Arrays.toString(dims) + " needs "
                    + values.length + " bytes of data but the file holds " + read, "fetch the file again; it is incomplete");
        }
        if (data.read() != -1) {
            throw new GraftException("IDX file " + file + " has bytes after the " + values.length + " its header "
                    + Arrays.toString(dims) + " declares", "the file is damaged or not what its header says; fetch it again");
        }
        return new Array(dims, values);
    }
}
