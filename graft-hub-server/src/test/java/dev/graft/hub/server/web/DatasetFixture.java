package dev.graft.hub.server.web;

import dev.graft.hub.protocol.RepoId;
import dev.graft.hub.server.HubService;
import dev.graft.hub.server.store.CommitOp;
import dev.graft.hub.server.store.FileEntry;
import dev.graft.hub.server.store.Hashes;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Data set repositories for the server's tests, as {@code datasets} and {@code graft data push} lay them
 * out: Parquet splits with an image struct column and a class label, the card's {@code dataset_info}.
 */
public final class DatasetFixture {
    private DatasetFixture() {}

    /** A {@code size} x {@code size} gray PNG whose pixels are all {@code value}. */
    public static byte[] png(int size, int value) throws Exception {
        BufferedImage im = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                im.getRaster().setSample(x, y, 0, (value + x * 7 + y * 3) & 0xff);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(im, "png", out);
        return out.toByteArray();
    }

    /** A Parquet file of {@code rows} images ({@code {bytes, path}}) with labels {@code i % 2}, written by DuckDB. */
    public static byte[] parquet(Path tmp, int rows) throws Exception {
        Path out = tmp.resolve("split-" + rows + "-" + System.nanoTime() + ".parquet");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t (image STRUCT(bytes BLOB, path VARCHAR), label BIGINT)");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO t VALUES ({'bytes': ?::BLOB, 'path': ?}, ?)")) {
                for (int i = 0; i < rows; i++) {
                    ps.setBytes(1, png(8, i * 20));
                    ps.setString(2, i + ".png");
                    ps.setLong(3, i % 2);
                    ps.execute();
                }
            }
            st.execute("COPY t TO '" + out.toString().replace("'", "''") + "' (FORMAT parquet)");
        }
        return Files.readAllBytes(out);
    }

    /** Commits {@code path} with {@code data} to the main branch and reindexes the repository. */
    public static void commit(HubService hub, RepoId id, String path, byte[] data) throws Exception {
        String sha = hub.store().blobs().put(data);
        hub.store().commit(id, "main", null, id.owner(), "add " + path, "", List.of(
                new CommitOp.Put(new FileEntry(path, data.length, sha, Hashes.gitBlobSha1(data), false))));
        hub.reindex(id);
    }

    /**
     * An image data set {@code id} (created here): 6 train and 4 test rows in {@code data/*.parquet}, classes
     * {@code even} and {@code odd} in the card's {@code dataset_info}, which also gives the split sizes.
     */
    public static void digits(HubService hub, RepoId id, Path tmp) throws Exception {
        hub.store().create(id, false, id.owner());
        commit(hub, id, "data/train-00000-of-00001.parquet", parquet(tmp, 6));
        commit(hub, id, "data/test-00000-of-00001.parquet", parquet(tmp, 4));
        List<String> card = new ArrayList<>(List.of("---", "license: cc-by-4.0", "tags: [digits]", "dataset_info:", "  features:",
                "  - name: image", "    dtype: image", "  - name: label", "    dtype:", "      class_label:", "        names:",
                "          '0': even", "          '1': odd", "  splits:", "  - name: train", "    num_examples: 6", "  - name: test",
                "    num_examples: 4", "configs:", "- config_name: default", "  data_files:", "  - split: train", "    path: data/train-*",
                "  - split: test", "    path: data/test-*", "---", "# Tiny digits", ""));
        commit(hub, id, "README.md", String.join("\n", card).getBytes(StandardCharsets.UTF_8));
    }
}
