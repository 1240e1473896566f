import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Locale;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Writes a large image data set in Hugging Face's layout: ROWS noise RGB PNGs of SIDE x SIDE (noise does
 * not compress, so the Parquet is about ROWS * 3 * SIDE^2 bytes) in SHARDS train Parquet files
 * (data/train-0000k-of-0000n.parquet, image {bytes, path} + int64 label, 10 classes) and a card with
 * dataset_info, in row groups of 100 rows as datasets writes image data sets. Rows are written as they are made: the generator holds one shard's database, not the data set.
 *
 * usage: java -cp GRAFT_CLASSPATH ParquetImagesGen.java OUT_DIR ROWS SIDE SHARDS
 */
public final class ParquetImagesGen {
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        int rows = Integer.parseInt(args[1]);
        int side = Integer.parseInt(args[2]);
        int shards = Integer.parseInt(args[3]);
        Files.createDirectories(out.resolve("data"));
        Random r = new Random(0);
        int perShard = (rows + shards - 1) / shards;
        for (int s = 0; s < shards; s++) {
            Path file = out.resolve(String.format(Locale.ROOT, "data/train-%05d-of-%05d.parquet", s, shards));
            Files.deleteIfExists(file);
            try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE t (image STRUCT(bytes BLOB, path VARCHAR), label BIGINT)");
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO t VALUES ({'bytes': ?::BLOB, 'path': ?}, ?)")) {
                    for (int i = s * perShard; i < Math.min(rows, (s + 1) * perShard); i++) {
                        BufferedImage im = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
                        for (int y = 0; y < side; y++) {
                            for (int x = 0; x < side; x++) {
                                im.setRGB(x, y, r.nextInt(1 << 24));
                            }
                        }
                        ByteArrayOutputStream png = new ByteArrayOutputStream();
                        ImageIO.write(im, "png", png);
                        ps.setBytes(1, png.toByteArray());
                        ps.setString(2, i + ".png");
                        ps.setLong(3, i % 10);
                        ps.execute();
                    }
                }
                st.execute("COPY t TO '" + file.toString().replace("'", "''") + "' (FORMAT parquet, ROW_GROUP_SIZE 100)");
            }
        }
        StringBuilder card = new StringBuilder("---\nlicense: cc0-1.0\ndataset_info:\n  features:\n  - name: image\n    dtype: image\n"
                + "  - name: label\n    dtype:\n      class_label:\n        names:\n");
        for (int k = 0; k < 10; k++) {
            card.append("          '").append(k).append("': c").append(k).append('\n');
        }
        card.append("  splits:\n  - name: train\n    num_examples: ").append(rows).append("\n---\n# Noise\n\nRandom RGB images for the memory benchmark.\n");
        Files.writeString(out.resolve("README.md"), card);
    }
}
