package dev.graft.advise;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.graft.GraftException;
import dev.graft.SettingException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Mean and covariance of a model's penultimate (pre-logits) features over a data set, saved with
 * pretrained weights as {@code feature_stats.safetensors} ({@code mean}: D, {@code cov}: D x D,
 * {@code count}: 1, all float64) so the advisor can later measure how far new data lies from the
 * pretraining data.
 *
 * <pre>{@code
 * FeatureStats s = FeatureStats.of(features);            // n x D
 * s.write(weightsDir.resolve("feature_stats.safetensors"));
 * double fd = Frechet.distance(s, FeatureStats.of(targetFeatures));
 * }</pre>
 *
 * @param mean per-feature mean
 * @param cov unbiased covariance (divided by n - 1)
 * @param count number of samples
 */
public record FeatureStats(double[] mean, double[][] cov, long count) {
    public static final String FILE = "feature_stats.safetensors";

    /** Statistics of the rows of {@code features} (n x D, n >= 2). */
    public static FeatureStats of(float[][] features) {
        int n = features.length;
        if (n < 2) {
            throw new GraftException("feature statistics need at least 2 samples, got " + n, "use a larger data set");
        }
        int d = features[0].length;
        double[] mean = new double[d];
        for (float[] row : features) {
            for (int j = 0; j < d; j++) {
                mean[j] += row[j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= n;
        }
        double[][] cov = new double[d][d];
        double[] c = new double[d];
        for (float[] row : features) {
            for (int j = 0; j < d; j++) {
                c[j] = row[j] - mean[j];
            }
            for (int a = 0; a < d; a++) {
                double ca = c[a];
                double[] ra = cov[a];
                for (int b = a; b < d; b++) {
                    ra[b] += ca * c[b];
                }
            }
        }
        for (int a = 0; a < d; a++) {
            for (int b = a; b < d; b++) {
                cov[a][b] /= (n - 1);
                cov[b][a] = cov[a][b];
            }
        }
        return new FeatureStats(mean, cov, n);
    }

    public int dim() {
        return mean.length;
    }

    /** Writes {@code mean}, {@code cov} and {@code count} as a safetensors file. */
    public void write(Path file) {
        int d = dim();
        double[] flat = new double[d * d];
        for (int a = 0; a < d; a++) {
            System.arraycopy(cov[a], 0, flat, a * d, d);
        }
        try (NDManager nd = NDManager.newBaseManager(); OutputStream out = Files.newOutputStream(file)) {
            NDArray m = nd.create(mean);
            m.setName("mean");
            NDArray c = nd.create(flat, new Shape(d, d));
            c.setName("cov");
            NDArray k = nd.create(new long[] {count});
            k.setName("count");
            new NDList(m, c, k).encode(out, NDList.Encoding.SAFETENSORS);
        } catch (IOException e) {
            throw new GraftException("cannot write " + file + ": " + e.getMessage(), "check the folder is writable", e);
        }
    }

    /** Reads a file written by {@link #write}. */
    public static FeatureStats read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new SettingException(SettingException.Reason.NO_FEATURE_STATS, null, "no feature statistics at " + file,
                    "weights made by Pretrain carry them; for other weights choose the strategy explicitly");
        }
        try (NDManager nd = NDManager.newBaseManager(); InputStream in = Files.newInputStream(file)) {
            NDList list = NDList.decode(nd, in);
            NDArray m = null;
            NDArray c = null;
            NDArray k = null;
            for (NDArray a : list) {
                switch (a.getName()) {
                    case "mean" -> m = a;
                    case "cov" -> c = a;
                    case "count" -> k = a;
                    default -> { }
                }
            }
            if (m == null || c == null) {
                throw new GraftException(file + " lacks 'mean' or 'cov'", "recreate it by pretraining the weights again");
            }
            double[] mean = m.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).toDoubleArray();
            double[] flat = c.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).toDoubleArray();
            int d = mean.length;
            if (flat.length != d * d) {
                throw new GraftException(file + ": cov is not " + d + "x" + d, "recreate it by pretraining the weights again");
            }
            double[][] cov = new double[d][d];
            for (int a = 0; a < d; a++) {
                System.arraycopy(flat, a * d, cov[a], 0, d);
            }
            long count = k == null ? 0 : k.toType(ai.djl.ndarray.types.DataType.INT64, false).toLongArray()[0];
            return new FeatureStats(mean, cov, count);
        } catch (IOException e) {
            throw new GraftException("cannot read " + file + ": " + e.getMessage(), "recreate it by pretraining the weights again", e);
        }
    }
}
