package dev.graft.multitask;

import dev.graft.GraftException;
import dev.graft.util.Json;
import dev.graft.util.Permutations;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Reads and writes a {@link MultiTaskData} as one gzip file (pixels as 8-bit values, the tasks as a
 * JSON line, targets and masks), and carves validation splits; used for the generated data cache.
 */
final class MultiTaskFiles {
    private static final int MAGIC = 0x47_4D_54_31; // "GMT1"

    private MultiTaskFiles() {}

    static void write(Path file, MultiTaskData data) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".incomplete");
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
                    new GZIPOutputStream(Files.newOutputStream(tmp), 1 << 16)))) {
                out.writeInt(MAGIC);
                out.writeUTF(data.name());
                out.writeUTF(Json.MAPPER.writeValueAsString(data.tasks()));
                out.writeInt(data.size());
                out.writeInt(data.channels());
                out.writeInt(data.height());
                out.writeInt(data.width());
                byte[] px = new byte[data.pixels().length];
                for (int i = 0; i < px.length; i++) {
                    px[i] = (byte) Math.round(Math.max(0f, Math.min(1f, data.pixels()[i])) * 255f);
                }
                out.write(px);
                for (int t = 0; t < data.numTasks(); t++) {
                    for (int i = 0; i < data.size(); i++) {
                        out.writeFloat(data.target(t, i));
                        out.writeBoolean(data.hasLabel(t, i));
                    }
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new GraftException("cannot write " + file + ": " + e.getMessage(), "check that GRAFT_HOME is writable", e);
        }
    }

    static MultiTaskData read(Path file) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(
                new GZIPInputStream(Files.newInputStream(file), 1 << 16)))) {
            if (in.readInt() != MAGIC) {
                throw new IOException("not a Graft multi-task data file");
            }
            String name = in.readUTF();
            TaskSpec[] tasks = Json.MAPPER.readValue(in.readUTF(), TaskSpec[].class);
            int n = in.readInt();
            int c = in.readInt();
            int h = in.readInt();
            int w = in.readInt();
            byte[] px = new byte[n * c * h * w];
            in.readFully(px);
            float[] pixels = new float[px.length];
            for (int i = 0; i < px.length; i++) {
                pixels[i] = (px[i] & 0xFF) / 255f;
            }
            float[][] y = new float[tasks.length][n];
            boolean[][] p = new boolean[tasks.length][n];
            for (int t = 0; t < tasks.length; t++) {
                for (int i = 0; i < n; i++) {
                    y[t][i] = in.readFloat();
                    p[t][i] = in.readBoolean();
                }
            }
            return new MultiTaskData(name, c, h, w, pixels, List.of(tasks), y, p);
        } catch (IOException e) {
            throw new GraftException("cannot read " + file + ": " + e.getMessage(), "delete it so it is generated again", e);
        }
    }

    /** Splits off {@code validationSize} samples chosen with {@code seed}; returns {train, validation}. */
    static MultiTaskData[] carve(MultiTaskData data, int validationSize, long seed) {
        int n = data.size();
        int[] perm = Permutations.shuffled(n, new Random(seed));
        int v = Math.max(0, Math.min(validationSize, n - 1));
        int[] val = Arrays.copyOfRange(perm, 0, v);
        int[] train = Arrays.copyOfRange(perm, v, n);
        Arrays.sort(val);
        Arrays.sort(train);
        return new MultiTaskData[] {data.subset(data.name() + "-train", train), data.subset(data.name() + "-validation", val)};
    }

    static List<String> digitNames() {
        List<String> names = new ArrayList<>();
        for (int d = 0; d < 10; d++) {
            names.add(Integer.toString(d));
        }
        return names;
    }
}
